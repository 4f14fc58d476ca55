"""Cell issues: an optional value that cannot be cleaned loads empty and is kept as typed;
a required field, a key or `on_error: reject` still rejects the row (issue 12, item 5)."""

from __future__ import annotations

import pandas as pd
import pytest

from migrator.clean import clean
from migrator.errors import MappingError
from migrator.mapping import MappedTables, Mapping, apply_mapping
from migrator.rejects import ISSUE_COLUMNS
from migrator.schema import TargetSchema, load_schema
from migrator.tables import SourceTable

SCHEMA = TargetSchema.from_yaml("""
version: 1
name: mini
tables:
  customers:
    primary_key: customer_code
    fields:
      customer_code: {type: code, required: true}
      name: {type: text, required: true}
      phone: {type: text}
      fax: {type: text}
""")


def mapping(phone: str = "", fax: str = "", name: str = "") -> Mapping:
    return Mapping.from_yaml(f"""
version: 1
schema: mini
sources:
- file: t.xlsx
  sheet: S
  columns:
    code: {{to: customers.customer_code, transform: [digits]}}
    name: {{to: customers.name, transform: [digits]{name}}}
    tel: {{to: customers.phone, transform: [digits]{phone}}}
    fax: {{to: customers.fax, transform: [digits]{fax}}}
""")


@pytest.fixture(autouse=True)
def transforms(monkeypatch: pytest.MonkeyPatch) -> None:
    from migrator.clean import registry

    monkeypatch.setitem(registry.TRANSFORMS, "digits",
                        "tests.clean.test_stage:digits_transform")
    monkeypatch.setitem(registry.TRANSFORMS, "width",
                        "tests.clean.test_stage:identity_transform")


def raw(chosen: Mapping, **columns: list[str | None]) -> MappedTables:
    frame = pd.DataFrame({
        "code": ["1", "2", "3"], "name": ["11", "22", "33"],
        "tel": ["03-1", "x1", None], "fax": ["03-2", "03-3", "=y"],
        **columns,
        "_source_file": "t.xlsx", "_source_sheet": "S", "_source_row": [2, 3, 4],
    })
    return apply_mapping([SourceTable(file="t.xlsx", sheet="S", frame=frame)], chosen, SCHEMA)


def issues(result: object) -> list[tuple[object, ...]]:
    frame = result.issues  # type: ignore[attr-defined]
    assert list(frame.columns) == ISSUE_COLUMNS
    return [tuple(r) for r in frame[["_source_row", "field", "value", "reason"]].to_numpy()]


def test_clean_optional_value_that_cannot_be_cleaned_loads_empty_as_a_cell_issue() -> None:
    result = clean(raw(mapping()))
    count = result.counts()["customers"]
    assert (count.read, count.kept, count.rejected, count.issues) == (3, 3, 0, 2)
    assert result.accounting_ok
    frame = result.frames["customers"]
    assert frame["phone"].tolist() == ["031", None, None]
    assert frame["fax"].tolist() == ["032", "033", None]
    assert issues(result) == [(3, "phone", "x1", "invalid_phone"),
                              (4, "fax", "=y", "invalid_phone")]
    assert result.issues["table"].tolist() == ["customers", "customers"]
    assert "  2 cell issues in customers (loaded empty, raw values kept)" in str(result)


def test_clean_on_error_reject_keeps_the_strict_behaviour_per_field() -> None:
    result = clean(raw(mapping(phone=", on_error: reject")))
    assert result.counts()["customers"].rejected == 1
    assert result.rejects["reasons"].tolist() == ["invalid_phone:phone"]
    assert result.rejects["_source_row"].tolist() == [3]
    assert issues(result) == [(4, "fax", "=y", "invalid_phone")]  # fax keeps the default


def test_clean_on_error_null_empties_the_value_in_the_change_log_only() -> None:
    result = clean(raw(mapping(fax=", on_error: 'null'")))
    assert issues(result) == [(3, "phone", "x1", "invalid_phone")]
    nulled = result.changes[result.changes["rule"] == "digits: nulled (on_error: null)"]
    assert nulled[["_source_row", "field", "before"]].values.tolist() == [[4, "fax", "=y"]]
    assert result.frames["customers"]["fax"].tolist() == ["032", "033", None]


def test_clean_a_required_field_or_the_key_still_rejects_the_row() -> None:
    result = clean(raw(mapping(), name=["11", "bad", "33"], code=["k", "2", "3"]))
    assert dict(zip(result.rejects["_source_row"], result.rejects["reasons"],
                    strict=True)) == {
        2: "invalid_phone:customer_code; missing_required:customer_code",
        3: "invalid_phone:name; missing_required:name"}
    assert result.counts()["customers"].kept == 1
    # row 3's bad phone stays in its rejected record, not as a cell issue of a row not kept
    assert '"phone": "x1"' in result.rejects["record"].iat[1]
    assert issues(result) == [(4, "fax", "=y", "invalid_phone")]
    assert result.accounting_ok


def test_clean_on_error_issue_on_an_optional_field_is_written_back() -> None:
    chosen = mapping(phone=", on_error: issue")
    dumped = chosen.to_yaml()
    assert "tel: {to: customers.phone, transform: [digits], on_error: issue}" in dumped
    assert "fax: {to: customers.fax, transform: [digits]}" in dumped
    assert Mapping.from_yaml(dumped) == chosen


@pytest.mark.parametrize("on_error", ["null", "issue"])
def test_a_required_field_cannot_load_empty_instead_of_rejecting(on_error: str) -> None:
    text = (f"version: 1\nschema: crm\nsources:\n- file: a.csv\n  columns:\n"
            f"    X: {{to: customers.name, on_error: '{on_error}'}}\n")
    with pytest.raises(MappingError, match="customers.name is required"):
        Mapping.from_yaml(text).check(load_schema("crm"))
