"""Settings travel per source: two sheets feed one field, each cleaned by its own mapping.

The UK sheet says `transform: [date_dmy]` and `on_error: null`; the JP sheet uses the
defaults (a bad optional phone is a cell issue). Neither source's settings may touch the
other's rows, in either order.
"""

from __future__ import annotations

import io
from datetime import date

import pytest

from migrator import Mapping, apply_mapping, clean, read_sources
from migrator.clean import CleanedTables
from migrator.mapping import SourceSpec
from tests.conftest import FIXTURES

HERE = FIXTURES / "pipeline"
SOURCES = [HERE / "uk_sheet_day_first.csv", HERE / "jp_sheet_month_first.csv"]
MAPPING = Mapping.load(HERE / "two_sources_one_field.mapping.yaml")
GOLDEN = HERE / "two_sources_one_field.customers.expected.csv"


def cleaned(mapping: Mapping = MAPPING) -> CleanedTables:
    return clean(apply_mapping(read_sources(SOURCES), mapping))


def reversed_mapping() -> Mapping:
    sources: tuple[SourceSpec, ...] = tuple(reversed(MAPPING.sources))
    return Mapping(schema=MAPPING.schema_name, sources=sources)


@pytest.mark.parametrize("mapping", [MAPPING, reversed_mapping()], ids=["uk_first", "jp_first"])
def test_clean_settings_travel_per_source(mapping: Mapping) -> None:
    result = cleaned(mapping)
    frame = result.frames["customers"].set_index("customer_code")
    assert frame.loc["U1", "customer_since"] == date(2021, 1, 4)  # UK: 4 January
    assert frame.loc["U2", "customer_since"] == date(2020, 2, 13)
    assert frame.loc["J1", "customer_since"] == date(2021, 4, 1)  # JP: 1 April
    assert frame.loc["U1", "phone"] is None  # UK: on_error null keeps the row
    assert frame.loc["J2", "phone"] is None  # JP: the default keeps the row, a cell issue
    assert result.rejects.empty
    (issue,) = result.issues.to_dict("records")
    assert (issue["_source_file"], issue["field"], issue["reason"]) == (
        "jp_sheet_month_first.csv", "phone", "invalid_phone")
    rules: dict[str, set[tuple[str, str]]] = {"uk": set(), "jp": set()}
    for change in result.changes.to_dict("records"):
        rules[change["_source_file"][:2]].add((change["field"], change["rule"]))
    assert rules == {
        "uk": {("customer_since", "date_dmy"), ("phone", "phone: nulled (on_error: null)")},
        "jp": {("customer_since", "date"), ("phone", "phone")},
    }


def test_clean_settings_per_source_golden() -> None:
    result = cleaned()
    out = io.StringIO()
    frame = result.frames["customers"]
    frame.astype(object).where(frame.notna(), None).to_csv(out, index=False, lineterminator="\n")
    assert out.getvalue() == GOLDEN.read_text(encoding="utf-8")
