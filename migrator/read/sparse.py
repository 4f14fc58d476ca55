"""An .xlsx sheet read cell by cell, for sheets whose cells lie far apart.

Why: calamine lays a sheet out densely (see xlsxcount.py), so a value in A1 and one in
XFD1048576 would cost 17 billion cells. openpyxl's worksheet parser streams a sheet one
row at a time; this keeps only the cells that hold a value, then lays them out with
every long run of empty rows or columns cut to a few lines. The grid costs what its
cells do, and Grid.row_numbers / col_numbers keep each line's place in the sheet, so
lineage and column letters stay those a person sees in Excel.
"""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from migrator.errors import ReadError
from migrator.read.cells import clean_cell
from migrator.read.model import Cell, Grid, Merge
from migrator.read.padded import padded_text
from migrator.read.settings import ReadLimits

_GAP = 8
"""Empty lines kept of a longer run: more than detection or a card looks across."""
_PARSE_ERRORS = (KeyError, ValueError, TypeError, IndexError, AttributeError, ParseError,
                 zipfile.BadZipFile, OSError)


def read_sparse_sheet(path: Path, sheet: str, name: str, limits: ReadLimits,
                      padded: bool) -> Grid:
    """The sheet's cells with a value, as a Grid without the long empty runs between them.

    `padded`: the workbook has zero-padded number formats, shown as text (02134).
    """
    cells, merged = _cells(path, sheet, name, padded)
    rows = _lines(sorted({r for r, _ in cells} | {m[i] for m in merged for i in (0, 2)}))
    cols = _lines(sorted({c for _, c in cells} | {m[i] for m in merged for i in (1, 3)}))
    if len(rows) * len(cols) > limits.max_cells:
        raise ReadError(name, f'sheet "{sheet}" spreads its {len(cells):,} cells over '
                        f"{len(rows):,} rows and {len(cols):,} columns, more than the limit of "
                        f"{limits.max_cells:,} cells once laid out; raise --max-cells if the "
                        "file is trusted")
    row_at = {r: i for i, r in enumerate(rows)}
    col_at = {c: i for i, c in enumerate(cols)}
    grid_rows: list[list[Cell]] = [[] for _ in rows]
    for (r, c), value in sorted(cells.items()):
        line = grid_rows[row_at[r]]
        line.extend([None] * (col_at[c] - len(line)))
        line.append(value)
    return Grid(
        file=name, sheet=sheet, rows=grid_rows,
        merged=[(row_at[a], col_at[b], row_at[c], col_at[d]) for a, b, c, d in merged],
        row_numbers=None if rows == list(range(len(rows))) else rows,
        col_numbers=None if cols == list(range(len(cols))) else cols)


def _lines(used: list[int]) -> list[int]:
    """The sheet lines (0-based) a grid keeps: the used ones, and up to _GAP of each gap."""
    kept: list[int] = []
    previous = -1
    for line in used:
        kept.extend(range(previous + 1, min(line, previous + 1 + _GAP)))
        kept.append(line)
        previous = line
    return kept


def _cells(path: Path, sheet: str, name: str,
           padded: bool) -> tuple[dict[tuple[int, int], Cell], list[Merge]]:
    """(0-based (row, col) → value) of the cells with a value, and the merged ranges."""
    from openpyxl.utils import range_boundaries

    cells: dict[tuple[int, int], Cell] = {}
    merged: list[Merge] = []
    with _open_sheet(path, sheet, name) as (ws, parser):
        for raw in _raw_cells(parser):
            value = _value(raw, ws, padded)
            if value is not None:
                cells[(raw["row"] - 1, raw["column"] - 1)] = value
        for ref in getattr(parser.merged_cells, "mergeCell", None) or []:
            c0, r0, c1, r1 = range_boundaries(str(ref.ref))
            merged.append((r0 - 1, c0 - 1, r1 - 1, c1 - 1))
    return cells, merged


@contextmanager
def _open_sheet(path: Path, sheet: str, name: str) -> Iterator[tuple[Any, Any]]:
    """A read-only sheet and openpyxl's streaming parser over it (what iter_rows uses
    inside, without padding every row to the declared dimension).

    What openpyxl raises on a malformed part becomes one sentence naming the file.
    """
    import openpyxl
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        # A file object, not the path: openpyxl refuses a path whose extension it does not
        # know, and the guard has already judged the file by its content.
        with path.open("rb") as file, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of parts it drops; we read cells
            book = openpyxl.load_workbook(file, read_only=True, data_only=True)
            try:
                ws = book[sheet]
                yield ws, WorkSheetParser(ws._get_source(), ws._shared_strings, data_only=True,
                                          epoch=book.epoch, date_formats=book._date_formats,
                                          timedelta_formats=book._timedelta_formats)
            finally:
                book.close()
    except _PARSE_ERRORS as err:
        text = " ".join(str(err).split())[:120] or type(err).__name__
        raise ReadError(name, f"could not be read as a workbook ({text})") from None


def _raw_cells(parser: Any) -> Iterator[dict[str, Any]]:
    try:
        for _, row in parser.parse():
            yield from row
    finally:
        parser.source.close()


def _value(raw: dict[str, Any], ws: Any, padded: bool) -> Cell:
    """A cell's value as calamine gives it: errors empty, midnight datetimes as dates."""
    value, kind = raw["value"], raw["data_type"]
    if value is None or kind == "e":
        return None
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()
    elif padded and kind == "n":
        text = padded_text(value, _number_format(ws, raw))
        if text is not None:
            return text
    return clean_cell(value)


def _number_format(ws: Any, raw: dict[str, Any]) -> str:
    from openpyxl.cell.read_only import ReadOnlyCell

    cell = ReadOnlyCell(ws, raw["row"], raw["column"], raw["value"], raw["data_type"],
                        raw["style_id"])
    return str(cell.number_format)


def padded_cells(path: Path, sheet: str, name: str) -> Iterator[tuple[int, int, str]]:
    """(row, col, text), 0-based, of the sheet's numbers shown zero-padded (02134).

    Streams the sheet, so a dense grid's cells are corrected without a second dense copy.
    """
    with _open_sheet(path, sheet, name) as (ws, parser):
        for raw in _raw_cells(parser):
            if raw["data_type"] == "n":
                text = padded_text(raw["value"], _number_format(ws, raw))
                if text is not None:
                    yield raw["row"] - 1, raw["column"] - 1, text
