"""Known export formats: recognised as a whole, named, and type/value pairs routed per row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from migrator import read_sources, run
from migrator.errors import MappingError
from migrator.mapping import apply_mapping, suggest_mapping
from migrator.mapping.apply import fold_type
from migrator.mapping.formats import known_formats, recognise
from migrator.mapping.spec import Mapping, SourceSpec
from migrator.profile import profile
from migrator.schema import load_schema
from migrator.tables import SourceTable
from tests.conftest import FIXTURES, migrator_in_process

SCHEMA = load_schema("crm")
FORMATS = FIXTURES / "formats"
NAMES = sorted(p.name for p in FORMATS.glob("*.csv"))


def golden(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(
        (FORMATS / f"{name}.expected.yaml").read_text(encoding="utf-8"))
    return doc


def suggested(name: str) -> tuple[Any, Mapping]:
    tables = read_sources([FORMATS / name])
    return tables, suggest_mapping(profile(tables), SCHEMA, learned={})


@pytest.mark.parametrize("name", NAMES)
def test_formats_fixture_is_recognised_and_named(name: str) -> None:
    _, mapping = suggested(name)
    (source,) = mapping.sources
    assert source.format == golden(name)["format"]
    assert f"format: {source.format}\n" in mapping.to_yaml()
    assert f"(format: {source.format})" in repr(mapping)


@pytest.mark.parametrize("name", NAMES)
def test_formats_fixture_columns_get_the_golden_targets(name: str) -> None:
    (source,) = suggested(name)[1].sources
    routed = source.pair_columns()
    wrong = []
    for column, right in golden(name)["columns"].items():
        got = source.columns[column].to
        ok = column in routed and got is None if right == "routed" else got == right
        if not ok:
            wrong.append(f"{column}: {got} (right: {right})")
    assert list(source.columns) == list(golden(name)["columns"])
    assert not wrong, wrong


@pytest.mark.parametrize("name", [n for n in NAMES if "mapped" in golden(n)])
def test_formats_pairs_route_each_row_by_its_type(name: str) -> None:
    tables, mapping = suggested(name)
    mapped = apply_mapping(tables, mapping)
    for table, rows in golden(name)["mapped"].items():
        frame = mapped.frames[table].set_index("_source_row")
        for row, values in rows.items():
            got = {f: frame.at[row, f] if f in frame else None for f in values}
            got = {f: None if v is None or pd.isna(v) else v for f, v in got.items()}
            assert got == values, f"{table} row {row}"


@pytest.mark.parametrize("name", NAMES)
def test_formats_run_auto_accounts_for_every_row(name: str, tmp_path: Path) -> None:
    report = run([FORMATS / name], auto=True, to=f"sqlite:///{tmp_path / 'out.db'}",
                 rejects_dir=tmp_path)
    assert report.accounting_ok
    data_rows = len(read_sources([FORMATS / name])[0].frame)
    assert report.tables["customers"].rows_read == data_rows


def test_formats_cli_run_auto_exits_0_and_suggest_names_the_format(tmp_path: Path) -> None:
    source = str(FORMATS / "google_contacts.csv")
    result = migrator_in_process("run", source, "--auto", "--quiet",
                                 "--to", f"sqlite:///{tmp_path / 'out.db'}", "--rejects", tmp_path)
    assert result.returncode == 0, result.stderr
    result = migrator_in_process("suggest", source, "-o", tmp_path / "m.yaml",
                                 "--synonyms", tmp_path / "synonyms.yaml")
    assert result.returncode == 0, result.stderr
    assert "  recognised format: Google Contacts CSV (google_contacts)\n" in result.stdout
    assert "Phone 1 - Value" not in result.stdout.split("not loaded:", 1)[1]


def test_formats_plain_sheet_is_no_format() -> None:
    assert recognise(["顧客コード", "会社名", "TEL", "住所"]) is None
    assert recognise(["First Name", "Last Name", "Email"]) is None


def test_formats_each_file_names_what_is_confirmed() -> None:
    formats = known_formats()
    assert len({f.name for f in formats}) == len(formats) >= 9
    for f in formats:
        assert "Confirmed" in f.sources or "Assumed" in f.sources, f.name
        for target in [t for t in f.columns.values() if isinstance(t, str)] + \
                [t for p in f.pairs for t in p.to.values() if t]:
            SCHEMA.field(target)


@pytest.mark.parametrize(("raw", "folded"), [
    ("* Work ::: Mobile", "work"), ("Work Fax", "work fax"), ("", "(blank)"),
    (None, "(blank)"), ("  MOBILE ", "mobile"),
])
def test_formats_fold_type(raw: object, folded: str) -> None:
    assert fold_type(raw) == folded


PAIRS_YAML = """\
version: 1
schema: crm
sources:
- file: contacts.csv
  layout: table
  format: google_contacts
  header_rows: [1]
  columns:
    Organization 1 - Name: customers.name
    Phone 1 - Type: null
    Phone 1 - Value: null
  pairs:
  - type: Phone 1 - Type
    value: Phone 1 - Value
    to: {work: customers.phone, mobile: contacts.mobile, (blank): null, '*': contacts.phone}
"""


def test_formats_mapping_with_pairs_round_trips() -> None:
    mapping = Mapping.from_yaml(PAIRS_YAML)
    (source,) = mapping.sources
    assert source.format == "google_contacts"
    assert source.pairs[0].to["(blank)"] is None
    assert mapping.to_yaml().split("version: 1", 1)[1] == PAIRS_YAML.split("version: 1", 1)[1]


def test_formats_pair_to_an_unknown_field_is_refused() -> None:
    mapping = Mapping.from_yaml(PAIRS_YAML.replace("contacts.mobile", "contacts.pager"))
    with pytest.raises(MappingError) as err:
        mapping.check(SCHEMA)
    assert str(err.value).startswith("mapping: sources[0].pairs[0].to.mobile: ")


def test_formats_pair_column_missing_from_the_table_is_refused() -> None:
    tables = read_sources([FORMATS / "google_contacts.csv"])
    spec = Mapping.from_yaml(PAIRS_YAML.replace("contacts.csv", "google_contacts.csv")
                             .replace("value: Phone 1 - Value", "value: Phone 9 - Value"))
    with pytest.raises(MappingError, match="Phone 9 - Value"):
        apply_mapping(tables, spec)


def test_formats_pairs_fill_after_a_direct_column() -> None:
    frame = pd.DataFrame({"Org": ["Acme", None], "Name": ["Ann", "Bob"],
                          "_source_file": "f.csv", "_source_sheet": None, "_source_row": [2, 3]})
    table = SourceTable(file="f.csv", sheet=None, frame=frame, header_rows=[1])
    spec = SourceSpec.model_validate({
        "file": "f.csv", "columns": {"Org": "customers.name", "Name": None},
        "pairs": [{"type": "Org", "value": "Name", "to": {"(blank)": "customers.name"}}]})
    mapped = apply_mapping([table], Mapping(sources=(spec,)))
    assert mapped.frames["customers"]["name"].tolist() == ["Acme", "Bob"]


def test_formats_export_without_its_organisation_column_names_the_person(tmp_path: Path) -> None:
    path = tmp_path / "outlook_people.csv"
    path.write_text("First Name,Last Name,E-mail Address,Business Phone,Business City\n"
                    "Ann,Example,ann@example.com,617-555-0101,Boston\n"
                    "Ben,Sample,ben@example.net,312-555-0111,Chicago\n", encoding="utf-8")
    tables = read_sources([path])
    (source,) = suggest_mapping(profile(tables), SCHEMA, learned={}).sources
    assert source.format == "outlook_contacts"
    assert {c: (t.to, t.part) for c, t in source.columns.items() if "Name" in c} == {
        "First Name": ("customers.name", 2), "Last Name": ("customers.name", 1)}
    report = run([path], auto=True, to=f"sqlite:///{tmp_path / 'out.db'}",
                 rejects_dir=tmp_path)
    assert report.tables["customers"].rows_loaded == 2


@pytest.mark.parametrize(("columns", "name"), [
    (["取引先コード", "取引先名(正式名称)", "取引先名(カナ)", "郵便番号", "都道府県",
      "市区町村・番地", "建物名・部屋番号など", "電話番号"], "freee_torihikisaki"),
    (["取引先コード", "取引先名", "敬称", "郵便番号", "都道府県", "住所1", "住所2", "電話番号",
      "部署名", "担当者役職", "担当者氏名", "メールアドレス"], "moneyforward_torihikisaki"),
    (["得意先コード", "得意先名", "フリガナ", "郵便番号", "住所1", "電話番号"], "yayoi_tokuisaki"),
])
def test_formats_accounting_exports_are_told_apart(columns: list[str], name: str) -> None:
    found = recognise(columns)
    assert found is not None and found.name == name
    assert found.column_targets(columns)["郵便番号"].to == "customers.postal_code"
