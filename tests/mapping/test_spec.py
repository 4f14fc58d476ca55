"""The mapping file round-trips exactly and names the YAML path of any error."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.mapping.spec import CardCells, ColumnTarget, Mapping, MappingError, SourceSpec

LITERAL = """\
# Suggested by `migrator suggest`: review every target before you run it.
# A column's target is table.field, or null to leave it out on purpose;
# `confidence`: how sure each suggestion is (1.0 = certain); for a null, how sure
# that no field fits.
version: 1
schema: crm
sources:
- file: 顧客台帳*.xlsx
  sheet: 顧客台帳
  layout: table
  header_rows: [4, 5]
  columns:
    顧客コード: customers.customer_code
    会社名: customers.name
    連絡先 / TEL: {to: customers.phone, transform: [phone]}
    担当者: contacts.full_name
    備考: null
  confidence:
    顧客コード: 1.0
    会社名: 0.97
- file: 顧客カード.xlsx
  layout: card
  header_rows: []
  columns:
    会社名: customers.name
    生年月日: {to: contacts.birthday, transform: [wareki_date], on_error: 'null'}
  cells:
    会社名: C4
    生年月日: C9
"""

OBJECT = Mapping(schema="crm", sources=(
    SourceSpec(
        file="顧客台帳*.xlsx", sheet="顧客台帳", header_rows=(4, 5),
        columns={"顧客コード": ColumnTarget(to="customers.customer_code"),
                 "会社名": ColumnTarget(to="customers.name"),
                 "連絡先 / TEL": ColumnTarget(to="customers.phone", transform=("phone",)),
                 "担当者": ColumnTarget(to="contacts.full_name"),
                 "備考": ColumnTarget(to=None)},
        confidence={"顧客コード": 1.0, "会社名": 0.97}),
    SourceSpec(
        file="顧客カード.xlsx", layout="card",
        columns={"会社名": ColumnTarget(to="customers.name"),
                 "生年月日": ColumnTarget(to="contacts.birthday", transform=("wareki_date",),
                                      on_error="null")},
        cells={"会社名": "C4", "生年月日": "C9"}),
))


def test_mapping_from_yaml_literal() -> None:
    assert Mapping.from_yaml(LITERAL) == OBJECT


def test_mapping_to_yaml_literal() -> None:
    assert OBJECT.to_yaml() == LITERAL


def test_mapping_round_trip_and_save(tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    OBJECT.save(path)
    assert Mapping.load(path) == OBJECT and list(tmp_path.iterdir()) == [path]


def test_mapping_design_example_form_reads() -> None:
    text = LITERAL.replace("header_rows: [4, 5]", "header_rows: [4, 5]  # what detection found")
    assert Mapping.from_yaml(text) == OBJECT


@pytest.mark.parametrize(("edit", "message"), [
    (("customers.phone", "customers.Phone"),
     "m.yaml: sources[0].columns.連絡先 / TEL.to: "
     "'customers.Phone' is not of the form table.field"),
    (("version: 1", "version: 2"),
     "m.yaml: version: 2 is not supported (this migrator reads version 1)"),
    (("layout: card", "layout: form"),
     "m.yaml: sources[1].layout: 'form' is not one of table, card"),
    (("on_error: 'null'", "on_error: skip"),
     "m.yaml: sources[1].columns.生年月日.on_error: 'skip' is not one of reject, null, issue"),
    (("  cells:\n", "  cels:\n"),
     "m.yaml: sources[1]: unknown key 'cels' (did you mean 'cells'?)"),
    (("sources:\n", "sources: [\n"),
     "m.yaml: line 8: YAML syntax error (expected the node content, but found '-')"),
])
def test_mapping_error_names_yaml_path(edit: tuple[str, str], message: str) -> None:
    with pytest.raises(MappingError) as err:
        Mapping.from_yaml(LITERAL.replace(*edit, 1), file="m.yaml")
    assert str(err.value) == message


def test_mapping_missing_file() -> None:
    with pytest.raises(MappingError, match="^nowhere.yaml: does not exist$"):
        Mapping.load(Path("nowhere.yaml"))


def test_mapping_source_for_globs() -> None:
    assert OBJECT.source_for("顧客台帳2024.xlsx", "顧客台帳") is OBJECT.sources[0]
    assert OBJECT.source_for("顧客カード.xlsx", None) is OBJECT.sources[1]
    assert OBJECT.source_for("other.xlsx", "顧客台帳") is None


def test_mapping_part_round_trips() -> None:
    text = LITERAL.replace("    担当者: contacts.full_name\n",
                           "    セイ: {to: contacts.name_kana, part: 1}\n"
                           "    メイ: {to: contacts.name_kana, part: 2}\n")
    mapping = Mapping.from_yaml(text)
    assert mapping.sources[0].columns["メイ"].part == 2
    assert mapping.to_yaml() == text


def test_mapping_check_against_schema() -> None:
    from migrator.schema import load_schema

    schema = load_schema("crm")
    OBJECT.check(schema, file="m.yaml")
    typo = Mapping.from_yaml(LITERAL.replace("customers.phone", "customers.phon"))
    with pytest.raises(MappingError) as err:
        typo.check(schema, file="m.yaml")
    assert str(err.value) == ("m.yaml: sources[0].columns.連絡先 / TEL.to: schema crm has no "
                              "target 'customers.phon' (did you mean customers.phone?)")
    twice = Mapping.from_yaml(LITERAL.replace("担当者: contacts.full_name",
                                              "担当者: customers.name"))
    with pytest.raises(MappingError) as err:
        twice.check(schema, file="m.yaml")
    assert str(err.value) == ("m.yaml: sources[0].columns.担当者.to: customers.name is already "
                              "fed by column '会社名'; number both with part: to join them, "
                              "or set one to null")


CARD_CELLS = """\
version: 1
schema: crm
sources:
- file: cards.xlsx
  layout: card
  header_rows: []
  columns:
    会社名: customers.name
    TEL: customers.phone
  cells:
    会社名: C4
    TEL: C8
  card_cells:
  - sheet: K-1003
    row: 4
    cells:
      TEL: B10
"""


def test_mapping_card_cells_round_trip() -> None:
    mapping = Mapping.from_yaml(CARD_CELLS)
    expected = CardCells(sheet="K-1003", row=4, cells={"TEL": "B10"})
    assert mapping.sources[0].card_cells == (expected,)
    assert mapping.to_yaml().split("sources:\n", 1)[1] == CARD_CELLS.split("sources:\n", 1)[1]
