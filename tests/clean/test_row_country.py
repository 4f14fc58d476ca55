"""A phone is read in its row's country: a Californian row of a Japanese ledger holds a US
number, whatever most rows of the table are. A row that names no country reads its
customer's, then its sheet's (where most of the column's numbers are valid), then JP."""

from __future__ import annotations

import pandas as pd
import pytest

from migrator import (
    Mapping,
    apply_mapping,
    clean,
    load_schema,
    profile,
    read_sources,
    suggest_mapping,
)
from migrator.clean import CleanedTables
from migrator.clean.phone import UNASSIGNED_NOTE
from migrator.errors import MappingError
from migrator.tables import RULES, MappedTables
from tests.conftest import FIXTURES


def test_clean_reads_each_phone_in_its_rows_country() -> None:
    frame = pd.DataFrame({
        "customer_code": ["J1", "J2", "J3", "U1", "U2"],
        "name": ["株式会社山田商事", "青空システム株式会社", "桜川物産株式会社", "Acme Inc.",
                 "Blue Harbor LLC"],
        "region": ["東京都", "大阪府", "愛知県", "California", "NY"],
        "country": [None, None, None, None, "US"],
        "phone": ["03-5501-1201", "06-6201-3344", "052-201-7788", "(415) 867-5309",
                  "212.867.5309"],
        "_source_file": "mixed.xlsx", "_source_sheet": "S", "_source_row": [2, 3, 4, 5, 6],
        RULES: 0,
    })
    mapped = MappedTables(schema=load_schema("crm"), frames={"customers": frame},
                          rows_read={"customers": 5}, rules=[{}])
    cleaned = clean(mapped)
    assert cleaned.rejects.empty
    assert cleaned.frames["customers"]["phone"].tolist() == [
        "+81355011201", "+81662013344", "+81522017788", "+14158675309", "+12128675309"]


HERE = FIXTURES / "pipeline"


def _auto(name: str, mapping: Mapping | None = None) -> CleanedTables:
    tables = read_sources([HERE / name])
    return clean(apply_mapping(tables, mapping or suggest_mapping(profile(tables))))


def _phones(result: CleanedTables) -> pd.DataFrame:
    rows = [(table, code, field, value)
            for table, frame in result.frames.items() for field in ("phone", "mobile", "fax")
            if field in frame
            for code, value in zip(frame["customer_code"], frame[field], strict=True)
            if isinstance(value, str)]
    return pd.DataFrame(rows, columns=["table", "customer_code", "field", "e164"])


@pytest.mark.parametrize("name", ["us_customers_english.xlsx", "mixed_country_column.csv",
                                  "unassigned_range_jp_numbers.csv"])
def test_clean_phones_of_auto_mapped_fixture_match_golden(name: str) -> None:
    result = _auto(name)
    golden = pd.read_csv(HERE / f"{name}.phones.expected.csv", dtype=str)
    pd.testing.assert_frame_equal(_phones(result), golden)
    assert result.rejects.empty
    assert result.issues.empty  # every number typed is a phone of its row's country


def test_clean_a_contact_reads_its_customers_country_and_a_bare_row_its_sheets() -> None:
    phones = _phones(_auto("us_customers_english.xlsx")).set_index(
        ["table", "customer_code", "field"])["e164"]
    assert phones["contacts", "A-101", "phone"] == "+12075550162"  # State: Maine
    assert phones["customers", "A-106", "phone"] == "+14805550111"  # no State, a ZIP
    assert phones["customers", "A-108", "phone"] == "+18025550190"  # nothing: the sheet's


def test_clean_unassigned_range_is_loaded_and_noted_in_the_change_log() -> None:
    result = _auto("unassigned_range_jp_numbers.csv")
    noted = result.changes[result.changes["rule"] == f"phone: {UNASSIGNED_NOTE}"]
    assert sorted(zip(noted["field"], noted["before"], noted["after"], strict=True)) == [
        ("fax", "011-967-5276", "+81119675276"),
        ("phone", "011-100-1234", "+81111001234"),
        ("phone", "011-967-5275", "+81119675275"),
        ("phone", "090-0123-4567", "+819001234567"),
    ]


def test_clean_mapping_country_reads_a_column_in_that_country() -> None:
    tables = read_sources([HERE / "unassigned_range_jp_numbers.csv"])
    suggested = suggest_mapping(profile(tables))
    source = suggested.sources[0]
    columns = dict(source.columns)
    columns["電話番号"] = columns["電話番号"].model_copy(update={"country": "US"})
    mapping = Mapping(schema="crm", sources=(source.model_copy(update={"columns": columns}),))
    result = clean(apply_mapping(tables, mapping))
    assert result.frames["customers"]["phone"].isna().all()  # no JP number reads as US
    assert set(result.issues["reason"]) == {"invalid_phone"}
    assert result.frames["customers"]["fax"].notna().sum() == 5  # its own column: JP


def test_mapping_country_round_trips_and_refuses_an_unknown_code() -> None:
    text = ("version: 1\nschema: crm\nsources:\n- file: a.csv\n  layout: table\n"
            "  header_rows: [1]\n  columns:\n"
            "    Phone: {to: customers.phone, transform: [phone], country: us}\n")
    mapping = Mapping.from_yaml(text)
    assert mapping.sources[0].columns["Phone"].country == "US"
    assert Mapping.from_yaml(mapping.to_yaml()) == mapping
    assert "country: US}" in mapping.to_yaml()
    with pytest.raises(MappingError, match="'XX' is not an ISO 3166-1 alpha-2 country code"):
        Mapping.from_yaml(text.replace("country: us", "country: XX"))
