"""The clean stage's bookkeeping: changes logged, failures rejected with lineage, nothing lost."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from migrator.clean import clean
from migrator.clean.base import Context, Outcome, empty_reasons, value_kinds, value_texts
from migrator.mapping import MappedTables, Mapping, apply_mapping
from migrator.schema import TargetSchema
from migrator.tables import SourceTable

SCHEMA = TargetSchema.from_yaml("""
version: 1
name: mini
tables:
  customers:
    primary_key: customer_code
    generated: {customer_code: a stable code when the source has none}
    fields:
      customer_code: {type: code, required: true}
      name: {type: text, required: true}
      phone: {type: text}
""")

MAPPING = Mapping.from_yaml("""
version: 1
schema: mini
sources:
- file: t.xlsx
  sheet: S
  columns:
    code: customers.customer_code
    name: {to: customers.name, transform: [upper]}
    tel: {to: customers.phone, transform: [digits], on_error: 'null'}
""")


def upper_transform(series: pd.Series, ctx: Context) -> Outcome:
    return Outcome(values=series.str.upper(), reasons=empty_reasons(series.index))


def digits_transform(series: pd.Series, ctx: Context) -> Outcome:
    ok = series.str.fullmatch(r"[\d-]+").fillna(False).astype(bool)
    values = series.str.replace("-", "", regex=False).where(ok, None)
    reasons = pd.Series("invalid_phone", index=series.index, dtype="object").where(
        ~ok & series.notna(), pd.NA)
    return Outcome(values=values, reasons=reasons)


def identity_transform(series: pd.Series, ctx: Context) -> Outcome:
    return Outcome(values=series, reasons=empty_reasons(series.index))


@pytest.fixture(autouse=True)
def transforms(monkeypatch: pytest.MonkeyPatch) -> None:
    from migrator.clean import registry

    for name in ("upper", "digits"):
        monkeypatch.setitem(registry.TRANSFORMS, name, f"tests.clean.test_stage:{name}_transform")
    monkeypatch.setitem(registry.TRANSFORMS, "width", "tests.clean.test_stage:identity_transform")


def raw() -> MappedTables:
    frame = pd.DataFrame({
        "code": ["C1", "C2", "C3", None],
        "name": ["blue", None, "pine", "oak"],
        "tel": ["03-1", "x", None, "06-2"],
        "_source_file": "t.xlsx", "_source_sheet": "S", "_source_row": [2, 3, 4, 5],
    })
    return apply_mapping([SourceTable(file="t.xlsx", sheet="S", frame=frame)], MAPPING, SCHEMA)


def test_clean_stage_accounting_changes_and_rejects() -> None:
    result = clean(raw())
    count = result.counts()["customers"]
    assert (count.read, count.kept, count.merged, count.rejected) == (4, 3, 0, 1)
    frame = result.frames["customers"]
    assert frame["name"].tolist() == ["BLUE", "PINE", "OAK"]
    assert frame["phone"].tolist() == ["031", None, "062"]
    (reject,) = result.rejects.to_dict("records")
    assert (reject["_source_row"], reject["reasons"]) == (3, "missing_required:name")
    assert json.loads(reject["record"]) == {"customer_code": "C2", "name": None, "phone": "x"}


def test_clean_stage_change_log_rows() -> None:
    changes = clean(raw()).changes
    got = {(r["_source_row"], r["field"], r["before"], r["after"], r["rule"])
           for r in changes.to_dict("records")}
    assert (2, "name", "blue", "BLUE", "upper") in got
    assert (2, "phone", "03-1", "031", "digits") in got
    assert (3, "phone", "x", None, "digits: nulled (on_error: null)") in got


def test_clean_stage_generated_key_may_be_missing() -> None:
    frame = clean(raw()).frames["customers"]
    assert frame["_source_row"].tolist() == [2, 4, 5]


def test_clean_numbers_the_lines_of_a_multi_line_invoice() -> None:
    """伝票番号 repeated on each line of an invoice: lines, not duplicates (crm sales)."""
    from datetime import date

    from migrator.clean.stage import number_lines
    from migrator.schema import load_schema

    frame = pd.DataFrame({
        "sale_id": ["S1", "S2", "S1", "S1", "S1", None, None],
        "customer_code": ["C1"] * 7,
        "sale_date": [date(2024, 4, 1)] * 7,
        "_source_file": ["売上.xlsx"] * 4 + ["売上.xlsx", "売上.xlsx", "売上.xlsx"],
        "_source_sheet": ["4月"] * 4 + ["5月", "4月", "4月"],
        "_source_row": [3, 4, 6, 5, 3, 7, 8],
    }, dtype=object)
    sales = load_schema("crm").tables["sales"]
    log = number_lines("sales", frame, sales)
    assert frame["sale_id"].tolist() == ["S1-1", "S2", "S1-3", "S1-2", "S1", None, None]
    assert log[["_source_row", "before", "after", "rule"]].values.tolist() == [
        [3, "S1", "S1-1", "numbered_line"], [5, "S1", "S1-2", "numbered_line"],
        [6, "S1", "S1-3", "numbered_line"]]
    customers = load_schema("crm").tables["customers"]
    repeated = pd.DataFrame({"customer_code": ["C1", "C1"], "_source_file": ["a"] * 2,
                             "_source_sheet": ["s"] * 2, "_source_row": [2, 3]})
    assert number_lines("customers", repeated, customers).empty  # customers: duplicates
    assert repeated["customer_code"].tolist() == ["C1", "C1"]


def test_stage_change_test_writes_each_value_as_str_does() -> None:
    """Dates and ints are written once per distinct value, every other column once per
    object; either way a cell is changed exactly when str(before) != str(after)."""
    import datetime as dt
    from decimal import Decimal

    import numpy as np

    from migrator.clean import stage as stage_module

    days = [dt.date(2021, 4, d) for d in (1, 2, 3)]
    tenth, hundredth = Decimal("1.0"), Decimal("1.00")
    columns = [
        (days * 3, [days[0]] * 9),
        ([1, 2, 3] * 3, [Decimal(1), Decimal("2.0"), 3] * 3),
        ([1, 1.0, True, 2] * 2, [1, 1, 1, 2] * 2),  # equal but written differently
        ([dt.datetime(2021, 4, 1), days[0], "2021-04-01"] * 2, days[:1] * 6),
        ([np.int64(5), 5, 5.0] * 2, [5] * 6),
        # one type on both sides, compared as values
        ([1, 2, 3] * 3, [1, 2, 4] * 3),
        (days * 3, [days[0], days[2], days[2]] * 3),
        (["a", "b", "c"], ["a", "B", "c"]),
        ([True, False], [True, True]),
        ([0.0, float("nan")], [-0.0, float("nan")]),  # floats are not: equal, written apart
        ([dt.datetime(2021, 4, 1, 9), dt.datetime(2021, 4, 1)],
         [dt.datetime(2021, 4, 1, 9), dt.datetime(2021, 4, 1, 0, 0, 1)]),
        # one object per distinct value, as transforms spread them; equal but written apart
        ([tenth, hundredth, tenth, hundredth, 1], [hundredth, hundredth, tenth, tenth, tenth]),
    ]
    for before, after in columns:
        b, a = pd.Series(before, dtype=object), pd.Series(after, dtype=object)
        changed = stage_module._text_changed(b, a, pd.Series(True, index=b.index))
        assert changed.tolist() == [str(x) != str(y) for x, y in zip(before, after,
                                                                    strict=True)], before
        values = b.to_numpy(dtype=object)
        assert (value_texts(values, value_kinds(values)).tolist()
                == [str(x) for x in before])
