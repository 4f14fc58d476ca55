"""A large .xlsx sheet parsed in parts side by side (split.py) reads as it does whole."""

from __future__ import annotations

import datetime as dt
import importlib
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
import python_calamine as pc
import xlsxwriter

from migrator import ReadError, ReadOptions, read_sources
from migrator.read.cells import clean_dense
from migrator.read.guard import FileKind
from migrator.read.model import SheetCells
from migrator.read.reader import read_file
from migrator.read.settings import ReadLimits
from migrator.read.split import tidied_parts
from tests.conftest import FIXTURES, SAMPLE_DATA

excel = importlib.import_module("migrator.read.excel")
split = importlib.import_module("migrator.read.split")
model = importlib.import_module("migrator.read.model")
reader = importlib.import_module("migrator.read.reader")

WORKBOOKS = sorted({*FIXTURES.rglob("*.xlsx"), *FIXTURES.rglob("*.xlsm"),
                    *SAMPLE_DATA.rglob("*.xlsx")})


@pytest.fixture
def tiny_parts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """Every sheet cut however small, its parts in a folder of the test's own; the
    number of parts of each sheet parsed in parts is listed."""
    monkeypatch.setattr(split, "SPLIT_FROM", 1)
    monkeypatch.setattr(split, "PART_BYTES", 1)
    monkeypatch.setattr(split, "COPY_FROM", 1)
    shm = tmp_path / "shm"
    shm.mkdir()
    monkeypatch.setattr(split, "SHM", str(shm))
    parsed: list[int] = []
    real = excel.parsed_parts

    def counted(paths: list[Path], sheet: str, opener: Any, early: Any = None) -> Any:
        parsed.append(len(paths))
        return real(paths, sheet, opener, early)

    monkeypatch.setattr(excel, "parsed_parts", counted)
    return parsed


def what_was_read(path: Path, threads: int) -> Any:
    """Everything a read gives, to compare; a refusal's sentence."""
    try:
        tables = read_file(path, ReadOptions(sheet_threads=threads))
    except ReadError as error:
        return str(error)
    found = []
    for t in tables:
        frame = t.frame
        found.append((t.sheet, t.layout, t.header_rows, list(frame.columns),
                      [str(d) for d in frame.dtypes], list(frame.index),
                      frame.astype(object).where(frame.notna(), None).values.tolist(),
                      [repr(s) for s in t.skipped], t.columns_at, t.cells, t.value_cells,
                      repr(t.details)))
    return found, [(s.sheet, s.reason) for s in tables.skipped_sheets]


def read_whole(path: Path) -> Any:
    """What a read gives from the workbook itself: no sheet parsed from a copy or parts."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(split, "COPY_FROM", 1 << 62)
        patch.setattr(split, "SPLIT_FROM", 1 << 62)
        return what_was_read(path, 1)


def grids(path: Path, threads: int) -> list[Any]:
    found, _ = excel.read_workbook(path, path.name, FileKind.XLSX,
                                   ReadOptions(sheet_threads=threads))
    return found


def left_behind(tmp_path: Path) -> list[Path]:
    return list((tmp_path / "shm").iterdir())


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_split_each_fixture_reads_as_it_does_whole(path: Path, tiny_parts: list[int],
                                                   tmp_path: Path) -> None:
    whole = read_whole(path)
    assert not tiny_parts
    for threads in (1, 2, 3, 4):
        assert what_was_read(path, threads) == whole, threads
    assert not left_behind(tmp_path)


def test_split_fixtures_were_really_read_in_parts(tiny_parts: list[int]) -> None:
    for path in WORKBOOKS:
        what_was_read(path, 3)
    assert len(tiny_parts) >= len(WORKBOOKS) // 2
    assert set(tiny_parts) >= {2, 3}


def test_split_wild_workbooks_read_as_they_do_whole(wild: Path, tiny_parts: list[int],
                                                    tmp_path: Path) -> None:
    books = sorted({*wild.rglob("*.xlsx"), *wild.rglob("*.xlsm")})
    assert books
    for path in books:
        whole = read_whole(path)
        assert what_was_read(path, 3) == whole, path.name
        assert what_was_read(path, 1) == whole, path.name
    assert tiny_parts
    assert not left_behind(tmp_path)


def quirky_workbook(path: Path) -> Path:
    """Shared strings, dates in the 1904 system, a table from column C under a title,
    blank rows between its rows (so every part starts after one), a merged range after
    the rows, a formatted empty cell far right."""
    book = xlsxwriter.Workbook(str(path), {"date_1904": True})
    other = book.add_worksheet("メモ")
    other.write(0, 0, "別シート")
    sheet = book.add_worksheet("顧客")
    day = book.add_format({"num_format": "yyyy/mm/dd"})
    sheet.merge_range(0, 2, 0, 5, "顧客一覧（架空）")
    sheet.write_row(2, 2, ["顧客コード", "会社名", "取引開始日", "与信限度額"])
    for i in range(400):
        r = 3 + 2 * i + (30 if i >= 180 else 0)  # blank rows: between all, 30 mid-sheet
        sheet.write(r, 2, f"C{i:05d}")
        sheet.write(r, 3, ["株式会社サンプル", "(株)見本", "テスト有限会社"][i % 3])
        sheet.write_datetime(r, 4, dt.datetime(2020, 1, 1) + dt.timedelta(days=i), day)
        sheet.write(r, 5, i * 1000 if i % 7 else 12.5)
    sheet.write_blank(900, 9, None, day)
    book.close()
    return path


def test_split_quirky_sheet_lays_out_the_same_grid(tmp_path: Path,
                                                   tiny_parts: list[int]) -> None:
    path = quirky_workbook(tmp_path / "quirky.xlsx")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(split, "COPY_FROM", 1 << 62)
        memo, whole = grids(path, 1)
    assert not tiny_parts
    memo2, parted = grids(path, 4)
    assert tiny_parts == [1, 4]  # the one-row sheet has no row to cut at: a copy
    assert (memo.rows, memo2.rows) == ([["別シート"]], [["別シート"]])
    assert parted.rows == whole.rows
    assert parted.merged == whole.merged == [(0, 2, 0, 5)]
    assert whole.cells is not None and parted.cells is not None
    assert whole.kinds is not None and parted.kinds is not None
    assert np.array_equal(parted.kinds, whole.kinds)
    assert parted.cells.shape == whole.cells.shape
    assert parted.cells.tolist() == whole.cells.tolist()
    assert not left_behind(tmp_path)
    tables, _ = what_was_read(path, 4)
    (table,) = [t for t in tables if t[0] == "顧客"]
    columns, values = table[3], table[6]
    assert values[0][columns.index("取引開始日")] in (dt.date(2020, 1, 1), dt.datetime(2020, 1, 1))
    assert len(values) == 400


def rows_reversed(source: Path, target: Path) -> Path:
    """The same workbook with its sheet's <row> elements written last to first."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, rest = data.split(b"<sheetData>", 1)
                body, tail = rest.split(b"</sheetData>", 1)
                rows = re.findall(rb"<row .*?</row>", body, flags=re.S)
                assert b"".join(rows) == body
                data = head + b"<sheetData>" + b"".join(reversed(rows)) + b"</sheetData>" + tail
            zout.writestr(info, data)
    return target


def test_split_rows_out_of_order_are_read_whole(tmp_path: Path,
                                                tiny_parts: list[int]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["顧客コード", "会社名"])
    for i in range(200):
        sheet.append([f"C{i:04d}", f"会社{i}"])
    book.save(tmp_path / "ordered.xlsx")
    path = rows_reversed(tmp_path / "ordered.xlsx", tmp_path / "reversed.xlsx")
    whole = read_whole(path)
    (table,), _ = whole
    assert [row[0] for row in table[6]] == [f"C{i:04d}" for i in range(200)]  # in order
    assert what_was_read(path, 2) == whole
    assert tiny_parts == [3]  # cut, parsed, then found overlapping and read whole
    assert what_was_read(path, 1) == whole  # one part, its rows out of order: as whole
    assert tiny_parts == [3, 1]
    assert not left_behind(tmp_path)


class Part:
    """A parsed part as calamine gives it: its first and last cell, and its rows."""

    def __init__(self, start: tuple[int, int] | None, end: tuple[int, int] | None,
                 value: Any = "x", merged: list[Any] | None = None) -> None:
        self.start, self.end, self.value = start, end, value
        self.merged_cell_ranges = merged

    def to_python(self, skip_empty_area: bool) -> list[list[Any]]:
        assert skip_empty_area and self.start is not None and self.end is not None
        return [[self.value] * (self.end[1] - self.start[1] + 1)
                for _ in range(self.end[0] - self.start[0] + 1)]


def test_split_tidied_parts_refuses_parts_that_overlap() -> None:
    assert tidied_parts([Part((0, 0), (5, 1)), Part((3, 0), (9, 1))], clean_dense) is None
    assert tidied_parts([Part(None, None), Part(None, None)], clean_dense) is None


def test_split_tidied_parts_lay_rows_out_as_one_dense_sheet() -> None:
    """Gaps before and between the parts, a part narrower than the other and one starting
    right of column A are laid out as to_python lays the whole sheet out, then cleaned."""
    found = tidied_parts([Part((1, 1), (2, 1), " a ", [((1, 1), (2, 1))]), Part(None, None),
                          Part((4, 0), (4, 2), 7.0, [((4, 0), (4, 2))]),
                          Part((5, 2), (6, 2), "")], clean_dense)
    assert found is not None
    rows, cells, kinds, last, width = found
    whole = [["", "", ""], ["", " a ", ""], ["", " a ", ""], ["", "", ""],
             [7.0, 7.0, 7.0], ["", "", ""], ["", "", ""]]
    expected = [list(r) for r in whole]
    expected_cells, expected_kinds = clean_dense(expected)
    assert (last, width) == (6, 2)  # the last row and column, before blank rows are dropped
    assert rows == expected[:5] == [[None] * 3, [None, "a", None], [None, "a", None],
                                    [None] * 3, [7, 7, 7]]
    assert cells.tolist() == expected_cells[:5].tolist()
    assert kinds.tolist() == expected_kinds[:5].tolist()


def test_split_without_room_for_parts_reads_whole(tmp_path: Path, tiny_parts: list[int],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = quirky_workbook(tmp_path / "quirky.xlsx")
    whole = read_whole(path)
    monkeypatch.setattr(split, "_room", lambda size: str(tmp_path / "no such folder"))
    assert what_was_read(path, 3) == whole
    assert not tiny_parts


def test_split_part_calamine_refuses_reads_whole(tmp_path: Path, tiny_parts: list[int],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = quirky_workbook(tmp_path / "quirky.xlsx")
    whole = read_whole(path)

    def refuse(paths: list[Path], sheet: str, opener: Any, early: Any = None) -> Any:
        assert all(p.exists() for k, p in enumerate(paths) if k not in (early or {}))
        raise pc.CalamineError("refused")
        yield  # a generator, as parsed_parts is

    monkeypatch.setattr(excel, "parsed_parts", refuse)
    assert what_was_read(path, 3) == whole
    assert not left_behind(tmp_path)


def test_split_refused_workbook_leaves_no_parts(tmp_path: Path, tiny_parts: list[int]) -> None:
    path = quirky_workbook(tmp_path / "quirky.xlsx")
    flipped = tmp_path / "flipped.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(flipped, "w", zipfile.ZIP_STORED) as zout:
        for member in zin.infolist():
            zout.writestr(member.filename, zin.read(member))
    data = bytearray(flipped.read_bytes())
    at = data.index(b"C00123")
    data[at + 5] ^= 0x07  # C00123 -> C00124: still XML, the CRC no longer matches
    flipped.write_bytes(bytes(data))
    with pytest.raises(ReadError, match="checksum"):
        read_file(flipped, ReadOptions(sheet_threads=3))
    with pytest.raises(ReadError, match="more than 100 cells"):
        read_file(path, ReadOptions(sheet_threads=3, limits=ReadLimits(max_cells=100)))
    assert not tiny_parts
    assert not left_behind(tmp_path)


@pytest.mark.parametrize(("helpers", "meanwhile", "given", "threads"), [
    ("1", False, None, 2), ("3", False, None, 4), ("0", False, None, 1),
    ("1", True, None, 1), ("1", False, 1, 1), ("0", False, 3, 3)])
def test_split_read_sources_gives_the_idle_cores_when_it_reads_alone(
        monkeypatch: pytest.MonkeyPatch, helpers: str, meanwhile: bool, given: int | None,
        threads: int) -> None:
    monkeypatch.setenv("MIGRATOR_READ_HELPERS", helpers)
    seen: list[int | None] = []
    real = reader.read_workbook

    def spy(path: Path, name: str, kind: FileKind, options: ReadOptions) -> Any:
        seen.append(options.sheet_threads)
        return real(path, name, kind, options)

    monkeypatch.setattr(reader, "read_workbook", spy)
    read_sources([SAMPLE_DATA / "顧客台帳.xlsx"], options=ReadOptions(sheet_threads=given),
                 meanwhile=(lambda: None) if meanwhile else None)
    assert seen == [threads]


@pytest.mark.parametrize("parts", [2, 3, 4])
def test_split_no_part_is_empty_and_each_cut_is_at_a_row(tmp_path: Path, parts: int,
                                                         tiny_parts: list[int]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for i in range(5):
        sheet.append([f"行{i}", i])
    book.save(tmp_path / "five.xlsx")
    with zipfile.ZipFile(tmp_path / "five.xlsx") as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    xml = xml.replace(b"<row ", b"\n  <row ")  # the body starts with white space
    cutter = split.SheetSplitter("Sheet", "xl/worksheets/sheet1.xml", len(xml), parts)
    pieces = re.findall(rb"[^>]*>|[^>]+$", xml)  # small chunks, cut between tags
    assert b"".join(pieces) == xml
    for k in range(0, len(pieces), 3):
        cutter.feed(b"".join(pieces[k:k + 3]))
    cutter.close()
    paths = cutter.finish(tmp_path / "five.xlsx")
    try:
        assert len(paths) == parts
        sheets = list(split.parsed_parts(paths, "Sheet",
                                         lambda p: pc.CalamineWorkbook.from_path(str(p))))
        assert all(s.start is not None for s in sheets)
        rows, _, _, height, width = tidied_parts(sheets, clean_dense) or ([], 0, 0, 0, 0)
        assert rows == [[f"行{i}", i] for i in range(5)] and (height, width) == (4, 1)
    finally:
        cutter.discard()
    assert not left_behind(tmp_path)


def test_split_parts_for_cuts_large_sheets_and_copies_the_rest() -> None:
    assert split.parts_for(split.COPY_FROM - 1, 1) == 0  # small: from the workbook
    assert split.parts_for(split.COPY_FROM, 1) == 1  # one core: a copy, in one part
    assert split.parts_for(split.SPLIT_FROM - 1, 2) == 0  # parsed ahead (SheetsAhead)
    assert split.parts_for(split.SPLIT_FROM, 2) == 2
    assert split.parts_for(100 * split.SPLIT_FROM, 8) == split.MAX_PARTS


def cut(path: Path, parts: int) -> Any:
    """The first sheet of `path` fed to a SheetSplitter in small chunks, and finished."""
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    cutter = split.SheetSplitter("Sheet", "xl/worksheets/sheet1.xml", len(xml), parts)
    pieces = re.findall(rb"[^>]*>|[^>]+$", xml)
    for k in range(0, len(pieces), 3):
        cutter.feed(b"".join(pieces[k:k + 3]))
    cutter.close()
    return cutter, cutter.finish(path)


@pytest.mark.parametrize("parts", [1, 3])
def test_split_parts_show_calamine_no_merges_and_the_merges_book_the_sheet_s(
        tmp_path: Path, parts: int, tiny_parts: list[int]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["顧客一覧（架空）"])
    sheet.merge_cells("A1:C1")
    sheet.merge_cells("B4:B6")
    for i in range(8):
        sheet.append([f"C{i:03d}", f"会社{i}", i])
    book.save(tmp_path / "merged.xlsx")
    opener = excel._open_part
    whole = opener(tmp_path / "merged.xlsx").get_sheet_by_name("Sheet").merged_cell_ranges
    assert whole == [((0, 0), (0, 2)), ((3, 1), (5, 1))]
    cutter, paths = cut(tmp_path / "merged.xlsx", parts)
    try:
        assert len(paths) == parts
        for path in paths:  # calamine stops at the empty <mergeCells> ahead of the rows
            with zipfile.ZipFile(path) as z:
                xml = z.read("xl/worksheets/sheet1.xml")
            assert xml.index(split.NO_MERGES % (b"", b"")) < xml.index(b"<sheetData")
            assert opener(path).get_sheet_by_name("Sheet").merged_cell_ranges == []
        assert cutter.merges is not None
        with zipfile.ZipFile(cutter.merges) as z:
            assert b"<row" not in z.read("xl/worksheets/sheet1.xml")
            assert "xl/sharedStrings.xml" not in z.namelist()
        assert split.merged_ranges(cutter, opener) == whole
    finally:
        cutter.discard()
    assert not left_behind(tmp_path)
    unmerged = openpyxl.Workbook()
    assert unmerged.active is not None
    unmerged.active.append(["顧客コード"])
    unmerged.save(tmp_path / "plain.xlsx")
    cutter, paths = cut(tmp_path / "plain.xlsx", parts)
    assert len(paths) == 1 and cutter.merges is None  # no merged range: no merges book
    assert split.merged_ranges(cutter, opener) == []
    cutter.discard()


def prefixed(source: Path, target: Path) -> Path:
    """The same workbook with its sheets' elements written with an `x:` prefix."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<(/?)([A-Za-z]+)([\s>/])", rb"<\1x:\2\3", data)
                data = data.replace(b'xmlns="', b'xmlns:x="', 1)
            zout.writestr(info, data)
    return target


def test_split_sheet_with_prefixed_elements_reads_as_whole(tmp_path: Path,
                                                           tiny_parts: list[int]) -> None:
    path = prefixed(quirky_workbook(tmp_path / "quirky.xlsx"), tmp_path / "prefixed.xlsx")
    with zipfile.ZipFile(path) as z:
        assert b"<x:sheetData>" in z.read("xl/worksheets/sheet2.xml")
    whole = read_whole(path)
    (table,) = [t for t in whole[0] if t[0] == "顧客"]
    assert len(table[6]) == 400  # calamine reads the prefixed sheet
    for threads in (1, 3):
        assert what_was_read(path, threads) == whole
    assert tiny_parts == [1, 1, 1, 4]
    assert not left_behind(tmp_path)


def test_split_sweeps_the_parts_a_killed_read_left(tmp_path: Path, tiny_parts: list[int]) -> None:
    import os
    import subprocess
    import sys

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    shm = tmp_path / "shm"
    stale = shm / f"{split.PREFIX}{int(ended.stdout)}-abc"
    live = shm / f"{split.PREFIX}{os.getppid()}-def"
    for folder in (stale, live):
        folder.mkdir()
        (folder / "part0.xlsx").write_bytes(b"PK")
    what_was_read(quirky_workbook(tmp_path / "quirky.xlsx"), 2)
    assert tiny_parts == [1, 3]
    assert sorted(left_behind(tmp_path)) == [live]


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_sheets_ahead_each_fixture_reads_as_it_does_one_by_one(path: Path) -> None:
    assert what_was_read(path, 2) == what_was_read(path, 1)


def departments(path: Path, sheets: int = 4, rows: int = 300) -> Path:
    """One ledger sheet per sales department, a hidden sheet and a chart-free empty one."""
    book = xlsxwriter.Workbook(str(path))
    for d in range(sheets):
        sheet = book.add_worksheet(f"営業{d + 1}課")
        sheet.write_row(0, 0, ["顧客コード", "会社名", "電話番号"])
        for i in range(rows):
            sheet.write_row(i + 1, 0, [f"C{d}{i:05d}", f"株式会社見本{i}", f"03-1234-{i:04d}"])
        if d == 1:
            book.add_worksheet("空").hide()
    book.close()
    return path


def test_sheets_ahead_department_sheets_read_as_one_by_one(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    path = departments(tmp_path / "departments.xlsx")
    parsed_in: list[str] = []
    real = split.SheetsAhead._start

    def start(self: Any, name: str) -> None:
        parsed_in.append(name)
        real(self, name)

    monkeypatch.setattr(split.SheetsAhead, "_start", start)
    one_by_one = what_was_read(path, 1)
    assert not parsed_in
    assert what_was_read(path, 2) == one_by_one
    assert parsed_in == ["営業1課", "営業2課", "営業3課", "営業4課"]  # the hidden one is not read
    tables, skipped = one_by_one
    assert [t[0] for t in tables] == ["営業1課", "営業2課", "営業3課", "営業4課"]
    assert skipped == [("空", "hidden")]


class Book:
    """A workbook that parses slowly, refuses one sheet, and fails if lent twice at once."""

    def __init__(self, refused: str | None = None) -> None:
        import threading

        self.lent = threading.Lock()
        self.refused = refused
        self.parsed: list[tuple[str, bool]] = []

    def get_sheet_by_name(self, name: str) -> str:
        import threading
        import time

        assert self.lent.acquire(blocking=False), "the book was lent twice at once"
        try:
            time.sleep(0.02)
            self.parsed.append((name, threading.current_thread() is threading.main_thread()))
            if name == self.refused:
                raise pc.CalamineError(f"cannot read {name}")
            return f"parsed {name}"
        finally:
            self.lent.release()


def test_sheets_ahead_parses_the_next_sheet_in_a_thread_one_at_a_time() -> None:
    book = Book()
    ahead = split.SheetsAhead(book, ["A", "B", "C"], True)
    assert ahead.sheet("A") == "parsed A"
    assert ahead.sheet("X") == "parsed X"  # one not listed (a split sheet read whole)
    assert ahead.sheet("B") == "parsed B"
    assert ahead.sheet("C") == "parsed C"
    ahead.close()
    assert book.parsed == [("A", False), ("B", False), ("X", True), ("C", False)]


def test_sheets_ahead_raises_a_refused_sheet_when_it_is_asked_for() -> None:
    book = Book(refused="B")
    ahead = split.SheetsAhead(book, ["A", "B", "C"], True)
    assert ahead.sheet("A") == "parsed A"
    with pytest.raises(pc.CalamineError, match="cannot read B"):
        ahead.sheet("B")
    ahead.close()
    unasked = split.SheetsAhead(Book(refused="B"), ["A", "B"], True)
    assert unasked.sheet("A") == "parsed A"
    unasked.close()  # B's refusal is never raised: nobody asked for it


def test_sheets_ahead_off_parses_each_sheet_when_asked() -> None:
    book = Book()
    ahead = split.SheetsAhead(book, ["A", "B"], False)
    assert [ahead.sheet("A"), ahead.sheet("B")] == ["parsed A", "parsed B"]
    assert book.parsed == [("A", True), ("B", True)]


def test_split_tidied_parts_lay_a_narrower_later_part_out_as_wide() -> None:
    found = tidied_parts([Part((0, 0), (1, 2), "x"), Part((2, 0), (3, 0), 5.5),
                          Part((5, 1), (5, 1), " b ")], clean_dense)
    assert found is not None
    rows, cells, kinds, last, width = found
    whole = [["x", "x", "x"], ["x", "x", "x"], [5.5, "", ""], [5.5, "", ""], ["", "", ""],
             ["", " b ", ""]]
    expected = [list(r) for r in whole]
    expected_cells, expected_kinds = clean_dense(expected)
    assert (last, width) == (5, 2)
    assert rows == expected == [["x"] * 3, ["x"] * 3, [5.5, None, None], [5.5, None, None],
                                [None] * 3, [None, "b", None]]
    assert cells.tolist() == expected_cells.tolist()
    assert kinds.tolist() == expected_kinds.tolist()


def test_split_workbook_itself_is_opened_only_for_a_sheet_parsed_from_it(
        tmp_path: Path, tiny_parts: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    path = quirky_workbook(tmp_path / "quirky.xlsx")  # two sheets, shared strings
    with zipfile.ZipFile(path) as z:
        assert "xl/sharedStrings.xml" in z.namelist()
    whole = read_whole(path)
    opened: list[str] = []
    real = excel._open

    def counted(where: Path, name: str) -> Any:
        opened.append(name)
        return real(where, name)

    monkeypatch.setattr(excel, "_open", counted)
    assert what_was_read(path, 3) == whole
    assert tiny_parts == [1, 4] and opened == []  # both sheets from parts: names from a copy
    monkeypatch.setattr(split, "_room", lambda size: str(tmp_path / "no such folder"))
    assert what_was_read(path, 3) == whole
    assert opened == ["quirky.xlsx"]  # no parts: the sheets are parsed from the workbook


def fed(path: Path, parts: int, counted: Any, **given: Any) -> tuple[Any, list[int]]:
    """The first sheet of `path` fed to a SheetSplitter that may parse parts early, in
    small chunks, each with `counted(bytes fed so far)`; and after which chunk each part
    began parsing (its index among the chunks)."""
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    cutter = split.SheetSplitter("Sheet", "xl/worksheets/sheet1.xml", len(xml), parts,
                                 source=path, opener=excel._open_part, **given)
    pieces = re.findall(rb"[^>]*>|[^>]+$", xml)
    began: list[int] = []
    seen = 0
    for k in range(0, len(pieces), 3):
        chunk = b"".join(pieces[k:k + 3])
        seen += len(chunk)
        cutter.feed(chunk, counted(seen))
        began += [k // 3] * (len(cutter.early) - len(began))
    cutter.close()
    return cutter, began


def ledger(path: Path, rows: int = 60) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["顧客コード", "会社名", "取引開始日"])
    for i in range(rows):
        sheet.append([f"C{i:04d}", f"株式会社見本{i}", dt.date(2024, 1, 1) + dt.timedelta(days=i)])
    book.save(path)
    return path


def parsed_rows(cutter: Any, path: Path) -> list[list[Any]]:
    paths = cutter.finish(path)
    sheets = split.parsed_parts(paths, "Sheet", excel._open_part, cutter.early)
    rows, *_ = tidied_parts(sheets, clean_dense) or ([],)
    return rows


def test_split_parts_begin_parsing_while_the_sheet_is_still_fed(tmp_path: Path,
                                                                tiny_parts: list[int]) -> None:
    path = ledger(tmp_path / "ledger.xlsx")
    whole = excel._open_part(path).get_sheet_by_name("Sheet").to_python()
    dense = SheetCells(cells=183, area=61 * 3)  # what the scan tells: a dimension, all inside
    cutter, began = fed(path, 3, lambda seen: dense, max_area=10_000)
    try:
        assert sorted(cutter.early) == [0, 1]  # the last part waits for the sheet's end
        assert began[0] < began[1]  # each as the next part began, not at the end
        assert parsed_rows(cutter, path) == clean_dense_rows(whole)
    finally:
        cutter.discard()
    assert not left_behind(tmp_path)


def clean_dense_rows(rows: list[list[Any]]) -> list[list[Any]]:
    rows = [list(r) for r in rows]
    clean_dense(rows)
    return rows


@pytest.mark.parametrize(("counted", "max_area"), [
    (lambda seen: None, 10_000),  # not told: an ODS-like caller, or a test
    (lambda seen: SheetCells(183, None), 10_000),  # a cell outside the dimension, or none
    (lambda seen: SheetCells(183, 183), 100),  # a larger area than the cell limit allows
    # cells so few that the projected sheet would be read sparsely (the floor is raised)
    (lambda seen: SheetCells(1, 183), 10_000),
])
def test_split_parts_wait_for_the_scan_unless_a_dense_read_of_them_is_bounded(
        tmp_path: Path, tiny_parts: list[int], monkeypatch: pytest.MonkeyPatch,
        counted: Any, max_area: int) -> None:
    monkeypatch.setattr(model, "_DENSE_FLOOR", 10)
    path = ledger(tmp_path / "ledger.xlsx")
    whole = excel._open_part(path).get_sheet_by_name("Sheet").to_python()
    cutter, began = fed(path, 3, counted, max_area=max_area)
    try:
        assert cutter.early == {} and began == []
        assert parsed_rows(cutter, path) == clean_dense_rows(whole)  # parsed after the end
    finally:
        cutter.discard()
    assert not left_behind(tmp_path)


def test_split_parts_held_back_are_parsed_once_the_counts_allow_it(
        tmp_path: Path, tiny_parts: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model, "_DENSE_FLOOR", 10)
    path = ledger(tmp_path / "ledger.xlsx")
    with zipfile.ZipFile(path) as z:
        size = len(z.read("xl/worksheets/sheet1.xml"))
    # the first half of the sheet holds few cells; the rest brings the projection up
    cutter, began = fed(path, 4, lambda seen: SheetCells(1 if seen < size * 0.6 else 183, 183),
                        max_area=10_000)
    try:
        assert sorted(cutter.early) == [0, 1, 2]
        assert began[0] == began[1]  # the first parts together, once allowed
        assert parsed_rows(cutter, path)[-1][0] == "C0059"
    finally:
        cutter.discard()


def test_split_read_parses_parts_early_only_when_the_scan_bounds_them(
        tmp_path: Path, tiny_parts: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    early: list[int] = []
    real = excel.parsed_parts

    def counted(paths: list[Path], sheet: str, opener: Any, started: Any = None) -> Any:
        early.append(len(started or {}))
        return real(paths, sheet, opener, started)

    monkeypatch.setattr(excel, "parsed_parts", counted)
    path = quirky_workbook(tmp_path / "quirky.xlsx")  # C1:J901 declared: 9,010 cells
    whole = read_whole(path)
    assert what_was_read(path, 3) == whole
    assert tiny_parts[-1] == 4 and early[-1] == 3
    # within a limit of 4,200 cells (its grid lays out 4,155) but not twice that: no part
    # may be parsed before the scan has found the sheet dense enough
    limited = ReadOptions(sheet_threads=3, limits=ReadLimits(max_cells=4_200))
    assert read_file(path, limited) and tiny_parts[-1] == 4 and early[-1] == 0
    writer = openpyxl.Workbook(write_only=True)  # writes no dimension
    sheet = writer.create_sheet("Sheet")
    for i in range(50):
        sheet.append([f"C{i:04d}", f"会社{i}"])
    writer.save(tmp_path / "undimensioned.xlsx")
    undimensioned = read_whole(tmp_path / "undimensioned.xlsx")
    assert what_was_read(tmp_path / "undimensioned.xlsx", 3) == undimensioned
    assert tiny_parts[-1] == 4 and early[-1] == 0
    assert not left_behind(tmp_path)
