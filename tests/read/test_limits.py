"""Bombs under the byte limits: refused in one sentence by a limit the user can raise."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import pytest

from migrator import ReadError, ReadLimits, ReadOptions, read_sources
from tests.read.mutants import ods_bytes, ods_cell, ods_row, wide_csv
from tests.test_bad_input import run_cli

HEADER = ods_row(ods_cell("会社名") + ods_cell("TEL"))
LIBREOFFICE_TAIL = ods_row('<table:table-cell table:number-columns-repeated="1024"/>', 1048574)
"""What LibreOffice writes after the last row of every sheet: empty cells, repeated."""


def refusal(path: Path, **limits: int) -> str:
    """The problem read_sources gives for `path`, which must come within 5 seconds."""
    started = time.perf_counter()
    with pytest.raises(ReadError) as info:
        read_sources([path], options=ReadOptions(limits=ReadLimits(**limits)))
    assert time.perf_counter() - started < 5
    return info.value.problem


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_limits_ods_row_repeated_a_million_times_is_counted(tmp_path: Path) -> None:
    body = ods_row(ods_cell("株式会社X") + ods_cell("03-1234-5678"), 1_000_000)
    path = write(tmp_path / "rows.ods", ods_bytes({"顧客": HEADER + body}))
    assert path.stat().st_size < 2000
    assert refusal(path, max_cells=1_000_000) == (
        'sheet "顧客" holds more than 1,000,000 cells with values (repeats counted), the '
        "limit for one file; raise --max-cells if the file is trusted")


def test_limits_ods_cells_repeated_both_ways_refused_by_default(tmp_path: Path) -> None:
    """A million columns by a million rows: 10^12 cells from 900 bytes."""
    body = ods_row(ods_cell("x", 1_000_000), 1_000_000)
    path = write(tmp_path / "both.ods", ods_bytes({"S": body}))
    assert refusal(path) == (
        'sheet "S" holds more than 10,000,000 cells with values (repeats counted), the '
        "limit for one file; raise --max-cells if the file is trusted")


def test_limits_ods_million_columns_refused_not_cut(tmp_path: Path) -> None:
    """calamine would silently keep the first 16,384 of them."""
    path = write(tmp_path / "cols.ods", ods_bytes({"S": ods_row(ods_cell("x", 1_000_000))}))
    assert refusal(path) == ('has 1,000,000 columns in sheet "S", more than the limit of '
                             "16,384; raise --max-columns if the file is trusted")


def test_limits_ods_empty_repeats_count_for_nothing(tmp_path: Path) -> None:
    rows = HEADER + ods_row(ods_cell("山田商事") + ods_cell("03-1234-5678")) + LIBREOFFICE_TAIL
    path = write(tmp_path / "saved_by_libreoffice.ods", ods_bytes({"顧客": rows}))
    (table,) = read_sources([path], options=ReadOptions(limits=ReadLimits(max_cells=10)))
    assert (table.columns, table.data_rows) == (["会社名", "TEL"], 1)


def test_limits_csv_hundred_thousand_columns_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "wide.csv", wide_csv(100_000))
    assert refusal(path) == ("has 100,000 columns on line 1, more than the limit of 16,384; "
                             "raise --max-columns if the file is trusted")


def test_limits_csv_columns_limit_is_the_users(tmp_path: Path) -> None:
    path = write(tmp_path / "wide.csv", wide_csv(50, rows=3))
    assert refusal(path, max_columns=49).startswith("has 50 columns on line 1, ")
    options = ReadOptions(limits=ReadLimits(max_columns=50))
    (table,) = read_sources([path], options=options)
    assert (len(table.columns), table.data_rows) == (50, 3)


def test_limits_csv_cells_counted_by_line(tmp_path: Path) -> None:
    path = write(tmp_path / "long.csv", wide_csv(10, rows=999))
    assert refusal(path, max_cells=5000) == (
        "holds more than 5,000 cells by line 501, the limit for one file; "
        "raise --max-cells if the file is trusted")


def many_sheets(path: Path, sheets: int, rows: int, hidden: int | None = None) -> Path:
    """`sheets` sheets of `rows` x 10 numbers; sheet `hidden` (0-based) hidden."""
    wb = openpyxl.Workbook(write_only=True)
    for s in range(sheets):
        ws = wb.create_sheet(f"S{s}")
        if s == hidden:
            ws.sheet_state = "hidden"
        for r in range(rows):
            ws.append([r * 10 + c for c in range(10)])
    wb.save(path)
    return path


def test_limits_cells_of_every_sheet_count_together(tmp_path: Path) -> None:
    """Each sheet is small; the workbook is not (the issue's: 200 sheets of 9 MB)."""
    path = many_sheets(tmp_path / "many.xlsx", sheets=40, rows=200)
    assert refusal(path, max_cells=50_000) == (
        "holds more than 50,000 cells with values in its first 26 sheets, the limit for "
        "one file; raise --max-cells if the file is trusted")


def test_limits_hidden_sheet_counts_only_when_read(tmp_path: Path) -> None:
    path = many_sheets(tmp_path / "hidden.xlsx", sheets=2, rows=1000, hidden=1)
    limits = ReadLimits(max_cells=10_000)
    (table,) = read_sources([path], options=ReadOptions(limits=limits))
    assert table.sheet == "S0"
    with pytest.raises(ReadError) as info:
        read_sources([path], options=ReadOptions(limits=limits, include_hidden=True))
    assert info.value.problem.startswith(
        "holds more than 10,000 cells with values in its first 2 sheets, ")


def test_limits_sheet_wider_than_the_limit(tmp_path: Path) -> None:
    path = many_sheets(tmp_path / "ten.xlsx", sheets=1, rows=5)
    assert refusal(path, max_columns=9) == (
        'has 10 columns in sheet "S0", more than the limit of 9; '
        "raise --max-columns if the file is trusted")


def test_limits_max_columns_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "wide.csv", wide_csv(50, rows=3))
    code, _, err = run_cli(["profile", str(path), "--max-columns", "40"], capsys)
    assert (code, err) == (1, "Error: wide.csv: has 50 columns on line 1, more than the limit "
                              "of 40; raise --max-columns if the file is trusted\n")
    code, out, _ = run_cli(["profile", str(path), "--max-columns", "50"], capsys)
    assert code == 0 and "3 data rows" in out


def test_limits_ods_laid_out_too_wide_refused_before_calamine_opens_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """1,100 values, each after 10,000 empty cells: calamine lays out 11 million cells
    when it opens the file (every sheet, hidden ones too), so the refusal comes first."""
    far = '<table:table-cell table:number-columns-repeated="10000"/>' + ods_cell("y")
    path = write(tmp_path / "far.ods", ods_bytes({"S": HEADER + ods_row(far, 1100)}))

    def not_opened(*args: object) -> None:
        raise AssertionError("calamine opened the file")

    monkeypatch.setattr("migrator.read.excel._open", not_opened)
    assert refusal(path) == ('sheet "S" has 11,011,101 cells, more than the limit of '
                             "10,000,000; raise --max-cells if the file is trusted")
