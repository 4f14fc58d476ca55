"""Person lists (a shop's members, personal contacts): no company column, so each row is a
person customer, named by its full name or its family and given names."""

from __future__ import annotations

import io
from pathlib import Path

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
from migrator.errors import MappingError
from migrator.pipeline import run
from migrator.profile.lexicon import header_hint
from migrator.profile.semantic import Values, guess_semantic
from tests.conftest import FIXTURES

HERE = FIXTURES / "pipeline"
PEOPLE = ["shop_members_full_name.xlsx", "personal_contacts_first_last.csv"]


def _suggested(path: Path) -> Mapping:
    return suggest_mapping(profile(read_sources([path])))


@pytest.mark.parametrize("name", PEOPLE)
def test_person_list_customers_match_golden(name: str) -> None:
    tables = read_sources([HERE / name])
    mapping = suggest_mapping(profile(tables))
    assert mapping.sources[0].defaults == {"customers.customer_type": "person"}
    result = clean(apply_mapping(tables, mapping))
    assert result.rejects.empty
    golden = (HERE / f"{name}.customers.expected.csv").read_text(encoding="utf-8")
    frame = result.frames["customers"][pd.read_csv(io.StringIO(golden)).columns]
    out = io.StringIO()
    frame.astype(object).where(frame.notna(), None).to_csv(out, index=False, lineterminator="\n")
    assert out.getvalue() == golden


@pytest.mark.parametrize("name", PEOPLE)
def test_person_list_run_auto_loads_every_row(name: str, tmp_path: Path) -> None:
    report = run([HERE / name], auto=True, to=f"sqlite:///{tmp_path / 'p.db'}",
                 rejects_dir=tmp_path)
    customers = report.tables["customers"]
    assert customers.rows_rejected == 0 and customers.rows_loaded == customers.rows_read > 0


def test_person_list_latin_first_last_join_given_first() -> None:
    columns = _suggested(HERE / "personal_contacts_first_last.csv").sources[0].columns
    assert (columns["First Name"].to, columns["First Name"].part) == ("customers.name", 1)
    assert (columns["Last Name"].to, columns["Last Name"].part) == ("customers.name", 2)


def test_person_list_japanese_family_given_join_family_first(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text("姓,名,電話\n山田,花子,090-1111-2222\n佐藤,太郎,080-3333-4444\n",
                    encoding="utf-8")
    mapping = _suggested(path)
    columns = mapping.sources[0].columns
    assert (columns["姓"].part, columns["名"].part) == (1, 2)
    assert mapping.sources[0].defaults == {"customers.customer_type": "person"}


def test_person_list_name_header_without_a_company_synonym(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("お名前,電話\n山田 花子,090-1111-2222\n佐藤 太郎,080-3333-4444\n",
                    encoding="utf-8")
    source = _suggested(path).sources[0]
    assert source.columns["お名前"].to == "customers.name"
    assert source.defaults == {"customers.customer_type": "person"}


def test_person_list_a_companys_people_are_not_person_customers(tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_text("顧客コード,担当者,部署,電話\nC1,山田 花子,営業部,03-5501-1201\n"
                    "C2,佐藤 太郎,総務部,06-6201-3344\n", encoding="utf-8")
    source = _suggested(path).sources[0]
    assert source.columns["担当者"].to == "contacts.full_name"
    assert source.defaults == {}


def test_person_list_company_sheet_gets_no_default() -> None:
    source = _suggested(HERE / "mixed_country_column.csv").sources[0]
    assert source.columns["Company"].to == "customers.name" and source.defaults == {}


def _semantic(header: str, values: list[str]) -> str:
    texts = pd.Series(values).value_counts()
    data = Values(texts.index.to_numpy(dtype=object), texts.to_numpy(dtype=float),
                  pd.Series([], dtype=float).to_numpy(), pd.Series([], dtype=float).to_numpy(),
                  0)
    return guess_semantic(header, data, 1.0)[0].type


def test_profile_first_and_last_name_columns_are_person_names() -> None:
    assert _semantic("First Name", ["Emma", "Liam", "Olivia"]) == "person_name"
    assert _semantic("Last Name", ["Johnson", "Williams", "Brown"]) == "person_name"
    assert _semantic("Surname", ["Johnson", "Williams", "Brown"]) == "person_name"
    assert _semantic("姓", ["山田", "佐藤", "鈴木"]) == "person_name"
    assert _semantic("名", ["花子", "太郎", "健"]) == "person_name"


def test_profile_customer_name_of_people_is_a_person_name() -> None:
    assert header_hint("Customer Name") is not None
    assert _semantic("Customer Name", ["Emma Johnson", "Liam Williams", "Olivia Brown"]) \
        == "person_name"
    assert _semantic("顧客名", ["山田 花子", "佐藤 太郎", "鈴木 一郎"]) == "person_name"
    assert _semantic("Customer Name", ["Harbor Light Bakery", "Acme Inc.", "Blue Harbor LLC",
                                       "Pinecrest Hardware"]) == "company_name"
    assert _semantic("顧客名", ["株式会社山田商事", "青空システム株式会社", "山田商事"]) \
        == "company_name"


def test_mapping_defaults_round_trip_and_are_checked() -> None:
    text = ("version: 1\nschema: crm\nsources:\n- file: a.csv\n  layout: table\n"
            "  header_rows: [1]\n  columns:\n    Name: customers.name\n"
            "  defaults:\n    customers.customer_type: person\n")
    mapping = Mapping.from_yaml(text)
    assert Mapping.from_yaml(mapping.to_yaml()) == mapping
    schema = load_schema("crm")
    mapping.check(schema)
    with pytest.raises(MappingError, match=r"customers.customer_type: 'people' is not one of "
                                           r"company, person"):
        Mapping.from_yaml(text.replace(": person", ": people")).check(schema)
    fed = text.replace("    Name: customers.name\n",
                       "    Name: customers.name\n    Type: customers.customer_type\n")
    with pytest.raises(MappingError, match="column 'Type' already feeds it"):
        Mapping.from_yaml(fed).check(schema)
