"""Workbooks (.xlsx, .xlsm, .xls, .ods) → one Grid per sheet.

python-calamine reads the cell values (fast, and it already turns serials into dates
only where the cell has a date format, in both the 1900 and 1904 systems). openpyxl is
opened only when a workbook uses a zero-padded number format (`00000`, `000-0000`),
because then the number a cell stores (2134) is not what a person sees (02134).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import python_calamine as pc

from migrator.errors import ReadError
from migrator.read.cells import clean_row
from migrator.read.guard import FileKind, check_cell_count
from migrator.read.model import Grid, Merge
from migrator.read.scan import scan_workbook
from migrator.read.settings import ReadOptions
from migrator.tables import SkippedSheet

_NUMFMT = re.compile(r'<(?:\w+:)?numFmt\b[^>]*formatCode="([^"]*)"')
# One section of zero placeholders with literal separators: 00000, 000-0000, "〒"000-0000.
_PADDED = re.compile(r'^(?=(?:[^0]*0){2})(?:"[^"]*"|\\.|[-\s()])*0(?:"[^"]*"|\\.|[-\s()0])*$')


def read_workbook(path: Path, name: str, kind: FileKind,
                  options: ReadOptions) -> tuple[list[Grid], list[SkippedSheet]]:
    """Every readable sheet as a Grid, and the sheets skipped (hidden, chart, empty) with why."""
    if kind != FileKind.XLS:
        scan_workbook(path, name)
    book = _open(path, name)
    padded = _padded_formats(path) if kind == FileKind.XLSX else False
    ods = _ods_merges(path) if kind == FileKind.ODS else {}
    grids: list[Grid] = []
    skipped: list[SkippedSheet] = []
    try:
        for meta in book.sheets_metadata:
            reason = _skip_reason(meta, options)
            if reason:
                skipped.append(SkippedSheet(name, meta.name, reason))
                continue
            grid = _read_sheet(book, meta.name, name, options)
            grid.merged = grid.merged or ods.get(meta.name, [])
            if padded:
                _apply_padded(path, grid)
            if not any(grid.rows):
                skipped.append(SkippedSheet(name, meta.name, "empty"))
                continue
            grids.append(grid)
    except pc.CalamineError as err:
        raise ReadError(name, f"could not be read as a workbook ({_short(err)})") from None
    finally:
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


def _short(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text[:120]


def _skip_reason(meta: Any, options: ReadOptions) -> str | None:
    if meta.typ != pc.SheetTypeEnum.WorkSheet:
        return "chart sheet" if meta.typ == pc.SheetTypeEnum.ChartSheet else "not a worksheet"
    if meta.visible == pc.SheetVisibleEnum.Visible or options.include_hidden:
        return None
    return "very hidden" if meta.visible == pc.SheetVisibleEnum.VeryHidden else "hidden"


def _read_sheet(book: Any, sheet: str, name: str, options: ReadOptions) -> Grid:
    data = book.get_sheet_by_name(sheet)
    check_cell_count(name, sheet, data.total_height, data.total_width, options.limits)
    rows = [clean_row(r) for r in data.to_python(skip_empty_area=False)]
    while rows and not rows[-1]:
        rows.pop()
    merged: list[Merge] = [
        (r0, c0, r1, c1) for (r0, c0), (r1, c1) in (data.merged_cell_ranges or [])
    ]
    return Grid(file=name, sheet=sheet, rows=rows, merged=merged)


def _ods_merges(path: Path) -> dict[str, list[Merge]]:
    """Merged ranges of an .ods; a file calamine opened but this cannot parse has none."""
    from xml.etree.ElementTree import ParseError

    from migrator.read.ods import ods_merges

    try:
        return ods_merges(path)
    except (KeyError, ParseError, zipfile.BadZipFile, ValueError, OSError):
        return {}


def _padded_formats(path: Path) -> bool:
    """Does styles.xml define a zero-padded number format? (cheap: no sheet is parsed)"""
    try:
        with zipfile.ZipFile(path) as zf:
            styles = zf.read("xl/styles.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return False
    return any(_PADDED.match(code.split(";")[0]) for code in _NUMFMT.findall(styles))


def _apply_padded(path: Path, grid: Grid) -> None:
    """Numbers in zero-padded formats become the text a person sees (2134 → "02134")."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book[grid.sheet]
        for r, row in enumerate(sheet.iter_rows()):
            for c, cell in enumerate(row):
                if cell.data_type != "n" or not isinstance(cell.value, int | float):
                    continue
                fmt = str(cell.number_format).split(";")[0]
                if _PADDED.match(fmt) and float(cell.value).is_integer():
                    if r < len(grid.rows) and c < len(grid.rows[r]):
                        grid.rows[r][c] = render_padded(int(cell.value), fmt)
    finally:
        book.close()


def render_padded(value: int, fmt: str) -> str:
    """Format an integer the way Excel shows it under a zero-padded format."""
    parts: list[tuple[bool, str]] = []  # (is_placeholder, literal)
    for m in re.finditer(r'"([^"]*)"|\\(.)|(0)|(.)', fmt):
        literal, escaped, zero, other = m.groups()
        parts.append((zero is not None, literal or escaped or other or ""))
    slots = sum(1 for p, _ in parts if p)
    digits = str(abs(value)).rjust(slots, "0")
    extra, digits = digits[: len(digits) - slots], digits[len(digits) - slots :]
    out: list[str] = ["-" if value < 0 else ""]
    it = iter(digits)
    first = True
    for is_slot, literal in parts:
        if is_slot:
            out.append((extra if first else "") + next(it))
            first = False
        else:
            out.append(literal)
    return "".join(out)


Reader = Callable[[Path, str, FileKind, ReadOptions], tuple[list[Grid], list[SkippedSheet]]]
