"""Sheets whose cells lie far apart are read sparsely, in memory linear in their cells."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from pathlib import Path

import openpyxl
import pytest

from migrator import ReadError, ReadLimits, ReadOptions, read_sources
from migrator.read.guard import FileKind
from migrator.read.model import SheetCells
from migrator.read.scan import scan_workbook
from tests.conftest import FIXTURES, ROOT, SAMPLE_DATA


def corner_workbook(path: Path) -> Path:
    """A five-row customer table, and one stray value in the last cell of the sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "顧客"
    ws.append(["顧客コード", "会社名"])
    for i in range(1, 6):
        ws.append([f"C{i:03d}", f"株式会社サンプル{i}"])
    ws["XFD1048576"] = "end"
    wb.save(path)
    return path


def test_sparse_corner_sheet_is_read_not_aborted(tmp_path: Path) -> None:
    """Dense, calamine would allocate A1:XFD1048576 (512 GB) and abort the process."""
    path = corner_workbook(tmp_path / "corner.xlsx")
    code = ("import sys\n"
            "from migrator import read_sources\n"
            "from tests.read.mutants import peak_rss_mb\n"
            "(t,) = read_sources([sys.argv[1]])\n"
            "print(t.data_rows, list(t.frame['_source_row']), t.columns_at)\n"
            "print(peak_rss_mb())\n")
    done = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    summary, peak_mb = done.stdout.splitlines()
    assert summary == "5 [2, 3, 4, 5, 6] ['A', 'B']"
    assert int(peak_mb) < 400


def test_sparse_scan_counts_real_cells_not_the_range(tmp_path: Path) -> None:
    path = corner_workbook(tmp_path / "corner.xlsx")
    counts = scan_workbook(path, path.name, FileKind.XLSX, ReadLimits())
    assert counts == {"顧客": SheetCells(cells=13, area=16384 * 1048576)}
    assert not counts["顧客"].fits_densely()


def test_sparse_far_table_keeps_its_sheet_rows_and_letters(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["会社名", "TEL"])
    ws.append(["山田商事", "03-1234-5678"])
    ws.append(["田中工業", "06-1234-5678"])
    for r, row in enumerate([["顧客コード", "会社名"], ["C1", "鈴木"], ["C2", "佐藤"]]):
        for c, value in enumerate(row):
            ws.cell(row=1_000_000 + r, column=26 + c, value=value)
    path = tmp_path / "far.xlsx"
    wb.save(path)
    tracemalloc.start()
    try:
        near, far = read_sources([path])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 << 20  # dense, the 1,000,002 x 27 layout alone is 216 MB of pointers
    assert (near.columns_at, list(near.frame["_source_row"])) == (["A", "B"], [2, 3])
    assert (far.columns, far.columns_at) == (["顧客コード", "会社名"], ["Z", "AA"])
    assert (far.header_rows, list(far.frame["_source_row"])) == ([1_000_000], [1_000_001,
                                                                               1_000_002])


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLE_DATA.glob("*.xlsx")))
def test_sparse_read_matches_dense_read(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sparse reader gives what calamine gives: values, dates, merges, padded codes."""
    dense = read_sources([SAMPLE_DATA / name], options=ReadOptions(include_hidden=True))
    monkeypatch.setattr("migrator.read.excel._dense_ok", lambda cells: False)
    sparse = read_sources([SAMPLE_DATA / name], options=ReadOptions(include_hidden=True))
    assert len(sparse) == len(dense)
    for a, b in zip(dense, sparse, strict=True):
        assert b.frame.equals(a.frame)
        assert (b.columns_at, b.header_rows, b.cells) == (a.columns_at, a.header_rows, a.cells)
        assert [s.asdict() for s in b.skipped] == [s.asdict() for s in a.skipped]


def test_sparse_refuses_cells_spread_too_thin(tmp_path: Path) -> None:
    """Cells on a diagonal leave no empty run to cut: laid out, they are rows x columns."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for i in range(1, 201):
        ws.cell(row=i * 20, column=i * 20, value=i)
    path = tmp_path / "diagonal.xlsx"
    wb.save(path)
    with pytest.raises(ReadError) as info:
        read_sources([path], options=ReadOptions(limits=ReadLimits(max_cells=100_000)))
    assert info.value.problem == (
        'sheet "Sheet" spreads its 200 cells over 1,800 rows and 1,800 columns, more than '
        "the limit of 100,000 cells once laid out; raise --max-cells if the file is trusted")


def test_sparse_padded_codes_read_whatever_the_file_is_named(tmp_path: Path) -> None:
    """openpyxl refuses a path ending in .txt; the guard judged the file by its content."""
    source = FIXTURES / "read" / "zero_padded_number_format.xlsx"
    named = tmp_path / "export.txt"
    named.write_bytes(source.read_bytes())
    (expected,) = read_sources([source])
    (table,) = read_sources([named])
    assert table.frame.drop(columns="_source_file").equals(
        expected.frame.drop(columns="_source_file"))
