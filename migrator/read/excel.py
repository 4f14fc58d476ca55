"""Workbooks (.xlsx, .xlsm, .xls, .ods) → one Grid per sheet.

python-calamine reads the cell values (fast, and it already turns serials into dates
only where the cell has a date format, in both the 1900 and 1904 systems). It lays each
sheet out densely, so every zip member is first read once (scan.py: CRCs checked, cells
counted against the limit), and an .xlsx sheet whose cells lie far apart is read
sparsely with openpyxl's parser instead (sparse.py). openpyxl also reads the sheets of a
workbook that uses a zero-padded number format (`00000`, `000-0000`), because then the
number a cell stores (2134) is not what a person sees (02134).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import python_calamine as pc

from migrator.errors import ReadError
from migrator.read.cells import TEXT, clean_dense, clean_sheet
from migrator.read.guard import FileKind, check_cell_count, check_columns
from migrator.read.model import Grid, Merge, SheetCells
from migrator.read.padded import padded_formats
from migrator.read.scan import scan_workbook
from migrator.read.settings import ReadOptions
from migrator.read.sparse import padded_cells, read_sparse_sheet
from migrator.read.split import (
    SheetsAhead,
    SheetSplitter,
    merged_ranges,
    parsed_parts,
    parts_for,
    tidied_parts,
    workbook_members,
)
from migrator.tables import SkippedSheet


def read_workbook(path: Path, name: str, kind: FileKind,
                  options: ReadOptions) -> tuple[list[Grid], list[SkippedSheet]]:
    """Every readable sheet as a Grid, and the sheets skipped (hidden, chart, empty) with why."""
    splits: dict[str, SheetSplitter] = {}
    try:
        return _read_workbook(path, name, kind, options, splits)
    finally:
        for split in splits.values():
            split.discard()


def _read_workbook(path: Path, name: str, kind: FileKind, options: ReadOptions,
                   splits: dict[str, SheetSplitter]
                   ) -> tuple[list[Grid], list[SkippedSheet]]:
    threads = options.sheet_threads or 1

    def split(sheet: str, info: zipfile.ZipInfo) -> SheetSplitter | None:
        parts = parts_for(info.file_size, threads)
        if not parts:
            return None
        splits[sheet] = SheetSplitter(sheet, info.filename, info.file_size, parts,
                                      source=path, opener=_open_part,
                                      max_area=2 * options.limits.max_cells)
        return splits[sheet]

    counts: dict[str, SheetCells] = {}
    if kind != FileKind.XLS:
        counts = scan_workbook(path, name, kind, options.limits, options.include_hidden,
                               split if kind == FileKind.XLSX else None)
    if kind == FileKind.ODS:
        _check_ods(name, counts, options)
    book = _Book(path, name)
    metas = _sheet_metadata(path, book, light=bool(splits))  # before a sheet parses ahead

    def sparse(meta: Any) -> bool:
        return kind == FileKind.XLSX and not _dense_ok(counts.get(meta.name))

    ahead = SheetsAhead(book, [m.name for m in metas if _skip_reason(m, options) is None
                               and not sparse(m) and m.name not in splits], threads > 1)
    grids: list[Grid] = []
    skipped: list[SkippedSheet] = []
    try:
        padded = padded_formats(path) if kind == FileKind.XLSX else False
        ods = _ods_merges(path) if kind == FileKind.ODS else {}
        for meta in metas:
            reason = _skip_reason(meta, options)
            if reason:
                skipped.append(SkippedSheet(name, meta.name, reason))
                continue
            if sparse(meta):
                grid = read_sparse_sheet(path, meta.name, name, options.limits, padded)
            else:
                parts = splits.get(meta.name)
                cut = _read_parts(path, parts, name, options) if parts is not None else None
                grid = cut if cut is not None else _read_sheet(ahead.sheet, meta.name, name,
                                                               options)
                grid.merged = grid.merged or ods.get(meta.name, [])
                if padded:
                    _apply_padded(path, grid)
            check_columns(name, f'in sheet "{meta.name}"', grid.width, options.limits)
            if not any(grid.rows):
                skipped.append(SkippedSheet(name, meta.name, "empty"))
                continue
            grids.append(grid)
    except pc.CalamineError as err:
        raise ReadError(name, f"could not be read as a workbook ({_short(err)})") from None
    finally:
        ahead.close()
        book.close()
    return grids, skipped


def _open(path: Path, name: str) -> Any:
    try:
        return pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError:
        raise ReadError(
            name,
            "is password-protected; remove the password in Excel "
            "(File > Info > Protect Workbook) and try again",
        ) from None
    except (pc.CalamineError, OSError, ValueError) as err:
        raise ReadError(name, f"could not be read as a workbook ({_short(err)})") from None


class _Book:
    """The workbook, opened by calamine when a sheet is first parsed from it.

    Why: python-calamine parses a workbook's shared strings whenever it opens one (0.11-0.16 s
    for the 9 MB of a 100,000-row sheet's); a sheet read from its parts or copy never needs
    them from the workbook itself."""

    def __init__(self, path: Path, name: str) -> None:
        self._path, self._name = path, name
        self._book: Any = None

    def opened(self) -> Any:
        if self._book is None:
            self._book = _open(self._path, self._name)
        return self._book

    def get_sheet_by_name(self, sheet: str) -> Any:
        return self.opened().get_sheet_by_name(sheet)

    def close(self) -> None:
        if self._book is not None:
            self._book.close()


def _sheet_metadata(path: Path, book: _Book, light: bool) -> list[Any]:
    """calamine's metadata of the workbook's sheets; `light`: from a copy of its members
    but its worksheets and shared strings (what calamine reads them from), in memory, so
    that the workbook is opened only if a sheet is parsed from it."""
    if light:
        copy = io.BytesIO()
        try:
            with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as members:
                for member, data in workbook_members(path, shared_strings=False):
                    members.writestr(member, data)
            copy.seek(0)
            with closing(pc.CalamineWorkbook.from_filelike(copy)) as metadata:
                return list(metadata.sheets_metadata)
        except (pc.CalamineError, OSError, ValueError, zipfile.BadZipFile):
            pass  # the workbook itself says what is wrong with it
    return list(book.opened().sheets_metadata)


def _short(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text[:120]


def _skip_reason(meta: Any, options: ReadOptions) -> str | None:
    if meta.typ != pc.SheetTypeEnum.WorkSheet:
        return "chart sheet" if meta.typ == pc.SheetTypeEnum.ChartSheet else "not a worksheet"
    if meta.visible == pc.SheetVisibleEnum.Visible or options.include_hidden:
        return None
    return "very hidden" if meta.visible == pc.SheetVisibleEnum.VeryHidden else "hidden"


def _check_ods(name: str, counts: dict[str, SheetCells], options: ReadOptions) -> None:
    """Refuse an .ods before calamine opens it: opening lays out every sheet, hidden ones
    too, and cuts columns past 16,384 without a word."""
    for sheet, cells in counts.items():
        if cells.width is not None:
            check_columns(name, f'in sheet "{sheet}"', cells.width, options.limits)
        if cells.area is not None:
            check_cell_count(name, sheet, cells.area, 1, options.limits)


def _dense_ok(cells: SheetCells | None) -> bool:
    """An .xlsx sheet calamine may lay out densely: the scan found its area small enough."""
    return cells is not None and cells.fits_densely()


def _read_sheet(parsed: Callable[[str], Any], sheet: str, name: str,
                options: ReadOptions) -> Grid:
    """One sheet laid out densely by calamine (`parsed(sheet)`); an .xls sheet is refused
    if that area is over the limit, known only once calamine has read it (at most
    65,536 x 256 cells)."""
    data = parsed(sheet)
    found = data.to_python(skip_empty_area=False)
    check_cell_count(name, sheet, data.total_height, data.total_width, options.limits)
    rows, array, kinds = clean_sheet(found)
    merged: list[Merge] = [(r0, c0, r1, c1)
                           for (r0, c0), (r1, c1) in data.merged_cell_ranges or []]
    return Grid(file=name, sheet=sheet, rows=rows, merged=merged, cells=array, kinds=kinds)


def _read_parts(path: Path, split: SheetSplitter, name: str, options: ReadOptions
                ) -> Grid | None:
    """A sheet the scan cut into part workbooks, parsed side by side and tidied part by
    part as they come (split.py); None when it was not cut, or its parts cannot be used:
    the sheet is then read whole."""
    try:
        paths = split.finish(path)
        if not paths:
            return None
        with closing(parsed_parts(paths, split.sheet, _open_part, split.early)) as parts:
            found = tidied_parts(parts, clean_dense)
        if found is None:
            return None
        rows, cells, kinds, height, width = found
        check_cell_count(name, split.sheet, height, width, options.limits)
        ranges = merged_ranges(split, _open_part)
        merged: list[Merge] = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]
        return Grid(file=name, sheet=split.sheet, rows=rows, merged=merged, cells=cells,
                    kinds=kinds)
    except (pc.CalamineError, OSError, ValueError):
        return None
    finally:
        split.discard()


def _open_part(path: Path) -> Any:
    return pc.CalamineWorkbook.from_path(str(path))


def _ods_merges(path: Path) -> dict[str, list[Merge]]:
    """Merged ranges of an .ods; a file calamine opened but this cannot parse has none."""
    from xml.etree.ElementTree import ParseError

    from migrator.read.ods import ods_merges

    try:
        return ods_merges(path)
    except (KeyError, ParseError, zipfile.BadZipFile, ValueError, OSError):
        return {}


def _apply_padded(path: Path, grid: Grid) -> None:
    """Numbers in zero-padded formats become the text a person sees (2134 → "02134")."""
    assert grid.sheet is not None
    for r, c, text in padded_cells(path, grid.sheet, grid.file):
        if r < len(grid.rows) and c < len(grid.rows[r]):
            grid.rows[r][c] = text
            if grid.cells is not None:
                grid.cells[r, c] = text
            if grid.kinds is not None:
                grid.kinds[r, c] = TEXT


Reader = Callable[[Path, str, FileKind, ReadOptions], tuple[list[Grid], list[SkippedSheet]]]
