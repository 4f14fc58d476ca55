"""Several tables in one file: each gets its own mapping source, told apart by its anchor.

The goldens `tests/fixtures/pipeline/<fixture>.run.expected.yaml` say which rows load
into which target table, which are rejected (and why) and which are not loaded; rewrite
them only on purpose with tests/fixtures/make_multitable_goldens.py.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from migrator.mapping import suggest_mapping
from migrator.mapping.spec import Mapping
from migrator.pipeline import run
from migrator.profile import profile
from migrator.read import read_sources
from migrator.report import RunReport
from tests.conftest import FIXTURES, stored_rows
from tests.conftest import migrator_in_process as cli

MULTI = ["read/legend_beside_table.xlsx", "read/two_tables_stacked.xlsx",
         "read/cards_with_list_sheet.xlsx", "read/two_row_unmerged_header.xlsx",
         "read/two_tables_one_sheet.xlsx", "read/side_by_side_tables.xlsx",
         "cards/cards_side_by_side.xlsx"]
"""Under tests/fixtures; cards side by side share their lineage (one Excel row)."""
_LABEL = ("name", "full_name", "product")


def golden_path(name: str) -> Path:
    return FIXTURES / "pipeline" / f"{Path(name).stem}.run.expected.yaml"


def outcome(url: str, report: RunReport) -> dict[str, Any]:
    """Where every row went: per target table the rows loaded (sheet!row and a name) and
    rejected (with reasons), and the tables not loaded."""
    tables: dict[str, Any] = {}
    for name in report.tables:
        loaded = sorted(
            (str(r["_source_sheet"] or ""), int(str(r["_source_row"])),
             next((str(r[k]) for k in _LABEL if r.get(k) is not None), ""))
            for r in stored_rows(url, name))
        tables[name] = {"loaded": [f"{s}!{row} {label}".strip() for s, row, label in loaded]}
    if report.rejects_file:
        with open(report.rejects_file, encoding="utf-8-sig", newline="") as f:
            for r in sorted(csv.DictReader(f), key=lambda r: (r["table"], r["sheet"],
                                                               int(r["row"]), r["reasons"])):
                tables[r["table"]].setdefault("rejected", []).append(
                    f"{r['sheet']}!{r['row']} {r['reasons']}")
    return {"tables": tables, "not_loaded": dict(sorted(report.not_loaded.items()))}


def auto_outcome(path: Path, folder: Path) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'auto.db'}"
    return outcome(url, run([path], auto=True, to=url, rejects_dir=folder))


@pytest.mark.parametrize("name", MULTI)
def test_run_auto_loads_each_table_of_a_multi_table_file_by_its_own_source(
        name: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = cli("run", str(FIXTURES / name), "--auto", "--to", url,
                 "--rejects", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "accounting (read = loaded + merged + rejected): holds" in result.stdout
    expected = yaml.safe_load(golden_path(name).read_text(encoding="utf-8"))
    assert auto_outcome(FIXTURES / name, tmp_path / "lib") == expected


def test_suggest_anchors_only_the_sources_of_a_sheet_with_several_tables() -> None:
    files = [FIXTURES / "read" / n for n in ("two_tables_stacked.xlsx",
                                            "blank_header_continues_left.xlsx")]
    mapping = suggest_mapping(profile(read_sources(files)))
    assert [(s.sheet, s.anchor) for s in mapping.sources] == [
        ("顧客", "A2"), ("顧客", "A8"), ("得意先", None)]
    assert "  anchor: A8\n" in mapping.to_yaml()


def test_suggest_to_yaml_to_run_mapping_round_trips(tmp_path: Path) -> None:
    """suggest → YAML file → run --mapping loads what run --auto loads, table by table."""
    for name in ("legend_beside_table.xlsx", "two_tables_stacked.xlsx"):
        source = FIXTURES / "read" / name
        out = tmp_path / f"{source.stem}.mapping.yaml"
        result = cli("suggest", str(source), "-o", str(out))
        assert result.returncode == 0, result.stderr
        url = f"sqlite:///{tmp_path / (source.stem + '.db')}"
        report = run([source], mapping=out, to=url, rejects_dir=tmp_path)
        expected = yaml.safe_load(golden_path(name).read_text(encoding="utf-8"))
        assert outcome(url, report) == expected


def test_run_mapping_finds_a_table_moved_down_by_rows_added_above_it(tmp_path: Path) -> None:
    """Next month the first list has one more customer: the second table's header moves
    from A8 to A9, and its anchored source still finds it by its columns."""
    source = FIXTURES / "read" / "two_tables_stacked.xlsx"
    mapping = suggest_mapping(profile(read_sources([source])))
    moved = tmp_path / "two_tables_stacked.xlsx"
    shutil.copy(source, moved)
    book = openpyxl.load_workbook(moved)
    sheet = book["顧客"]
    sheet.insert_rows(6)
    for col, value in enumerate(["C004", "若葉商店", "045-201-1234", None], start=1):
        sheet.cell(6, col, value)
    book.save(moved)
    tables = read_sources([moved])
    assert [t.anchor for t in tables] == ["A2", "A9"]
    url = f"sqlite:///{tmp_path / 'moved.db'}"
    report = run([moved], mapping=mapping, to=url, rejects_dir=tmp_path)
    assert report.tables["customers"].rows_read == 6
    assert report.tables["contacts"].rows_loaded == 2
    names = {r["name"] for r in stored_rows(url, "customers")}
    assert {"若葉商店", "みどり物産", "ひかり電機"} <= names


SPEC = {"file": "a.xlsx", "sheet": "S", "columns": {"会社名": "customers.name"}}


def _mapping(*sources: dict[str, Any]) -> Mapping:
    return Mapping.model_validate({"sources": list(sources)})


def test_source_index_without_anchors_keeps_the_first_match() -> None:
    mapping = _mapping(SPEC, {**SPEC, "columns": {"TEL": "customers.phone"}})
    assert mapping.source_index("a.xlsx", "S", layout="table", anchor="A1",
                                columns=["TEL"]) == 0
    assert mapping.source_index("a.xlsx", "S") == 0


def test_source_index_prefers_the_table_anchor_then_an_unanchored_source() -> None:
    mapping = _mapping({**SPEC, "anchor": "A1"}, {**SPEC, "anchor": "F2"}, SPEC)
    assert mapping.source_index("a.xlsx", "S", anchor="F2", columns=["x"]) == 1
    assert mapping.source_index("a.xlsx", "S", anchor="A1", columns=["x"]) == 0
    assert mapping.source_index("a.xlsx", "S", anchor="C9", columns=["x"]) == 2
    assert _mapping({**SPEC, "anchor": "A1"}).source_index(
        "a.xlsx", "S", anchor="C9", columns=["x"]) is None


def test_source_index_matches_a_card_table_and_a_list_sheet_to_their_own_layout() -> None:
    card = {"file": "a.xlsx", "layout": "card", "columns": {"会社名": "customers.name"}}
    mapping = _mapping(card, {**SPEC, "columns": {"顧客コード": "customers.customer_code"}})
    assert mapping.source_index("a.xlsx", None, layout="card") == 0
    assert mapping.source_index("a.xlsx", "S", layout="table", anchor="A1") == 1


ANCHORED = """\
version: 1
schema: crm
sources:
- file: legend_beside_table.xlsx
  sheet: 顧客一覧
  anchor: A1
  layout: table
  header_rows: [1]
  columns:
    顧客コード: customers.customer_code
    会社名: customers.name
- file: legend_beside_table.xlsx
  sheet: 顧客一覧
  anchor: F2
  layout: table
  header_rows: [2]
  columns:
    ランク: null
    説明: null
"""


def test_mapping_anchor_round_trips_and_old_files_have_none() -> None:
    mapping = Mapping.from_yaml(ANCHORED)
    assert [s.anchor for s in mapping.sources] == ["A1", "F2"]
    assert mapping.to_yaml().split("\n", 4)[-1] == ANCHORED
    old = Mapping.from_yaml(ANCHORED.replace("  anchor: A1\n", "").replace("  anchor: F2\n", ""))
    assert [s.anchor for s in old.sources] == [None, None]
    assert "anchor" not in old.to_yaml()
