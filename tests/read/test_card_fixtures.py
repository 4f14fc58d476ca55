"""Card workbooks of every layout, alone and mixed: N cards → N rows with the right values.

The goldens beside the fixtures hold what tests/fixtures/make_card_fixtures.py wrote
into each card, not what the reader gave.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from migrator import read_sources, run
from migrator.mapping import suggest_mapping
from migrator.profile import profile
from migrator.tables import SourceTable
from tests.conftest import FIXTURES, migrator_in_process

CARDS = FIXTURES / "cards"
WORKBOOKS = sorted(CARDS.glob("*.xlsx"))


def golden(path: Path) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = yaml.safe_load(
        path.with_name(path.name + ".expected.yaml").read_text(encoding="utf-8"))["cards"]
    return cards


def plain(value: Any) -> Any:
    """A read value as the generator wrote it: a date cell comes back at midnight."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def card_table(path: Path) -> SourceTable:
    tables = read_sources([path])
    assert [t.layout for t in tables] == ["card"]
    return tables[0]


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_card_fixture_one_row_per_card_with_its_values(path: Path) -> None:
    expected = golden(path)
    table = card_table(path)
    assert table.data_rows == len(expected)
    assert set(table.columns) == {label for card in expected for label in card["values"]}
    for i, card in enumerate(expected):
        row = table.frame.iloc[i]
        assert row["_source_sheet"] == card["sheet"]
        assert {k: plain(row[k]) for k in card["values"]} == card["values"], card["sheet"]
        assert table.value_cells[i] == card["cells"], card["sheet"]


def test_card_fixture_history_table_left_out_and_recorded() -> None:
    table = card_table(CARDS / "card_with_history_table.xlsx")
    assert "日付" not in table.columns and "備考 (2)" not in table.columns
    assert table.details["tables_left_out"] == [
        {"sheet": sheet, "rows": [15, 19]} for sheet in ("K-1001", "K-1002", "K-1003")]
    line = "  left out: the table inside the card on [K-1002] rows 15-19"
    assert line in str(table).splitlines() and line in str(profile([table])).splitlines()
    assert profile([table]).asdict()["tables"][0]["tables_left_out"][1] == {
        "sheet": "K-1002", "rows": [15, 19]}


def test_card_fixture_mixed_suggest_records_cards_laid_out_differently() -> None:
    path = CARDS / "cards_mixed_variants.xlsx"
    source = suggest_mapping(profile(read_sources([path]))).sources[0]
    assert source.layout == "card" and source.cells["会社名"] == "C4"
    by_card = {(c.sheet, c.row): c.cells for c in source.card_cells}
    assert set(by_card) == {("K-1001", 3), ("K-1003", 4), ("K-1004", 3)}
    assert by_card[("K-1003", 4)]["TEL"] == "B10" and "会社名" not in by_card[("K-1003", 4)]
    assert source.dump()["card_cells"][0] == {"sheet": "K-1001", "row": 3,
                                             "cells": by_card[("K-1001", 3)]}


def run_auto(path: Path, tmp_path: Path) -> tuple[Any, Path]:
    """`run --auto` of one fixture into a fresh SQLite file; the report (its accounting
    checked) and the file."""
    db = tmp_path / "out.db"
    report = run([path], auto=True, to=f"sqlite:///{db}", rejects_dir=tmp_path)
    assert report.accounting_ok
    return report, db


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_card_fixture_run_auto_loads_every_card(path: Path, tmp_path: Path) -> None:
    expected = golden(path)
    report, db = run_auto(path, tmp_path)
    customers = report.tables["customers"]
    assert (customers.rows_read, customers.rows_loaded) == (len(expected), len(expected))
    with sqlite3.connect(db) as conn:
        loaded = dict(conn.execute("SELECT customer_code, name FROM customers").fetchall())
    codes = {c["values"].get("顧客コード", c["values"].get("Customer ID")) for c in expected}
    assert set(loaded) == codes and all(loaded.values())


def contacts_by_customer(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT customer_code, full_name, contact_id FROM contacts")
        found = [(code, name) for code, name, _ in rows.fetchall()]
    assert len(dict(found)) == len(found), "a card's customer has two contacts"
    return dict(found)


def test_card_fixture_side_by_side_links_each_contact_to_its_own_card(tmp_path: Path) -> None:
    """Cards side by side start on one Excel row: one lineage, four customers, four
    contacts, each contact under the customer of its own card."""
    path = CARDS / "cards_side_by_side.xlsx"
    expected = golden(path)
    report, db = run_auto(path, tmp_path)
    contacts = report.tables["contacts"]
    assert (contacts.rows_read, contacts.rows_loaded) == (len(expected), len(expected))
    assert contacts_by_customer(db) == {c["values"]["顧客コード"]: c["values"]["担当者"]
                                        for c in expected}
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT _source_row, count(*) FROM contacts GROUP BY 1").fetchall()
    assert sorted(rows) == [(3, 2), (13, 2)]


def side_by_side_variant(tmp_path: Path, emptied: list[str]) -> Path:
    """The side-by-side fixture with the value cells `emptied` cleared."""
    book = openpyxl.load_workbook(CARDS / "cards_side_by_side.xlsx")
    for cell in emptied:
        book["カード"][cell].value = None
    path = tmp_path / "cards_side_by_side_variant.xlsx"
    book.save(path)
    return path


def test_card_side_by_side_broken_card_is_rejected_with_its_lineage(tmp_path: Path) -> None:
    """K-1004 (J3) lost its company name, K-1003 beside it (C3) its contact: K-1004 and its
    contact are rejected with the row the two cards share, K-1003 loads without a contact,
    and no row of the shared lineage is lost or counted twice."""
    path = side_by_side_variant(tmp_path, ["J4", "C7"])
    report, db = run_auto(path, tmp_path)
    customers, contacts = report.tables["customers"], report.tables["contacts"]
    assert (customers.rows_read, customers.rows_loaded, customers.rows_rejected) == (4, 3, 1)
    assert (contacts.rows_read, contacts.rows_loaded, contacts.rows_rejected) == (3, 2, 1)
    with sqlite3.connect(db) as conn:
        rejected = conn.execute("SELECT table_name, _source_sheet, _source_row, reasons, record"
                                " FROM _rejects ORDER BY table_name DESC").fetchall()
        loaded = {c for (c,) in conn.execute("SELECT customer_code FROM customers")}
    assert [r[:3] for r in rejected] == [("customers", "カード", 3), ("contacts", "カード", 3)]
    assert rejected[0][3] == "missing_required:name"
    assert json.loads(rejected[0][4])["customer_code"] == "K-1004"
    assert rejected[1][3] == "unknown_reference:customer_code"
    assert json.loads(rejected[1][4])["full_name"] == "田中 健"
    assert loaded == {"K-1003", "K-1005", "K-1006"}
    assert contacts_by_customer(db) == {"K-1005": "伊藤 真由", "K-1006": "渡辺 翔"}


def test_card_side_by_side_without_codes_links_contacts_by_card(tmp_path: Path) -> None:
    """No card has a customer code and the second card (J3) no contact: each customer gets a
    code from its name, and each contact the code of the card it was read from, though the
    contacts of the first row are fewer than the customers there."""
    path = side_by_side_variant(tmp_path, ["C3", "J3", "C13", "J13", "J7"])
    report, db = run_auto(path, tmp_path)
    assert report.tables["customers"].rows_loaded == 4
    assert report.tables["contacts"].rows_loaded == 3
    with sqlite3.connect(db) as conn:
        names = dict(conn.execute("SELECT customer_code, name FROM customers").fetchall())
    by_name = {names[code]: person for code, person in contacts_by_customer(db).items()}
    assert by_name == {c["values"]["会社名"]: c["values"]["担当者"]
                       for i, c in enumerate(golden(CARDS / "cards_side_by_side.xlsx"))
                       if i != 1}


def test_card_fixture_cli_run_auto_mixed_exits_0(tmp_path: Path) -> None:
    result = migrator_in_process("run", CARDS / "cards_mixed_variants.xlsx", "--auto",
                                 "--quiet", "--to", f"sqlite:///{tmp_path / 'out.db'}",
                                 "--rejects", tmp_path)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "out.db") as conn:
        assert conn.execute("SELECT count(*) FROM customers").fetchone() == (6,)
