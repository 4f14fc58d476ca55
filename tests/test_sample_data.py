"""sample_data/: the reader finds what the generator meant, and the files are reproducible."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
import yaml

from migrator import ReadOptions, read_sources
from tests.conftest import ROOT, SAMPLE_DATA

EXPECTED: list[dict[str, Any]] = yaml.safe_load(
    (SAMPLE_DATA / "expected.yaml").read_text(encoding="utf-8"))["tables"]


def _read(entry: dict[str, Any]) -> Any:
    options = ReadOptions(include_hidden=bool(entry.get("hidden")))
    tables = read_sources([SAMPLE_DATA / entry["file"]], options=options)
    (table,) = [t for t in tables if t.sheet == entry["sheet"]]
    return table


@pytest.mark.parametrize("entry", EXPECTED, ids=lambda e: f"{e['file']}:{e['sheet']}")
def test_sample_data_detection_matches_generator(entry: dict[str, Any]) -> None:
    table = _read(entry)
    assert table.layout == entry["layout"]
    assert table.columns == entry["columns"]
    assert table.data_rows == entry["data_rows"]
    if entry["layout"] == "card":
        assert table.details["sheets"] == entry["sheets"]
        assert table.cells == entry["cells"]
        return
    assert table.header_rows == entry["header_rows"]
    assert [s.asdict() for s in table.skipped] == entry["skipped"]
    rows = table.frame["_source_row"].tolist()
    assert (rows[0], rows[-1]) == (entry["first_data_row"], entry["last_data_row"])


def test_sample_data_hidden_sheet_reported_not_read() -> None:
    tables = read_sources([SAMPLE_DATA / "部署別顧客.xlsx"])
    assert "旧データ" not in {t.sheet for t in tables}
    assert [(s.sheet, s.reason) for s in tables.skipped_sheets] == [("旧データ", "hidden")]


def test_sample_data_generator_is_reproducible() -> None:
    result = subprocess.run([sys.executable, "sample_data/generate.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
