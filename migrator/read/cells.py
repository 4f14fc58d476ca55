"""Cell values as a person sees them: text tidied, numbers exact, nothing guessed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np

_XESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Zero-width and BOM characters are invisible in Excel and only break matching.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# Spaces that look like a space but are not ASCII; the ideographic space U+3000 is kept
# inside text (山田　太郎 separates family and given name) and stripped at the ends.
_ODD_SPACES = {ord(c): " " for c in "\u00a0\u2007\u202f"}
_STRIP = " \t\r\n\u3000"
# One search tells whether a cell needs any of the work below; most cells do not.
_DIRTY = re.compile(
    "^[ \t\n\u3000]|[ \t\n\u3000]$|_x[0-9A-Fa-f]{4}_"
    "|[\r\u00a0\u2007\u202f\u200b-\u200d\u2060\ufeff]"
)
_MAX_EXACT_INT = 2**53


def clean_text(text: str) -> str | None:
    """Tidy one text cell: `_xHHHH_` escapes decoded, line ends unified, ends stripped.

    Returns None for a cell that holds only whitespace, so blank means blank.
    """
    if not _DIRTY.search(text):
        return text or None
    if "_x" in text:
        text = _XESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_INVISIBLE).translate(_ODD_SPACES).strip(_STRIP)
    return text or None


def clean_cell(value: Any) -> Any:
    """One cell from a workbook reader: text tidied, whole floats as int, blank as None.

    Excel stores every number as a double; 40.0 is shown as 40, so it becomes int 40.
    Floats beyond 2**53 stay float: they were never exact in the workbook either.
    """
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, float):
        if value != value:  # NaN: an error cell or an empty numeric cell
            return None
        if value.is_integer() and abs(value) < _MAX_EXACT_INT:
            return int(value)
    return value


def clean_row(row: list[Any]) -> list[Any]:
    """clean_cell over a row, with trailing blanks dropped.

    The common cases (clean text, empty text, other types) are inlined: this runs once
    per cell of every sheet.
    """
    out: list[Any] = []
    append = out.append
    dirty = _DIRTY.search
    for v in row:
        kind = type(v)
        if kind is str:
            append(None if not v else (v if dirty(v) is None else clean_text(v)))
        elif kind is float:
            append(clean_cell(v))
        else:
            append(v)
    while out and out[-1] is None:
        out.pop()
    return out


_EDGE_SPACE = " \t\n\u3000"
JOINED_DIRTY = re.compile("|".join([
    f"\x1f[{_EDGE_SPACE}]", *(f"{ws}\x1f" for ws in _EDGE_SPACE), "_x[0-9A-Fa-f]{4}_",
    *"\r\u00a0\u2007\u202f\u200b\u200c\u200d\u2060\ufeff",
]))
"""Where cells joined and framed by U+001F need clean_text.

It looks for what clean_text changes: whitespace at a cell's ends, `_xHHHH_`, CR,
odd spaces. A U+001F inside a cell only makes a clean cell look dirty: time, not results.
Every alternative starts with one character, which lets `re` skip ahead fast.
"""


def clean_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """clean_row over every row of a sheet, in place, trailing blanks dropped.

    Rows of one length are worked column by column (`clean_dense`); rows of different
    lengths (never from calamine's dense layout) are cleaned row by row.
    """
    if not rows:
        return []
    if len(set(map(len, rows))) != 1:
        return [clean_row(r) for r in rows]
    if not rows[0]:
        return rows
    cells = clean_dense(rows)
    for r in np.flatnonzero(cells[:, -1] == None).tolist():  # noqa: E711
        row = rows[r]
        while row and row[-1] is None:
            row.pop()
    return rows


def clean_sheet(rows: list[list[Any]]) -> tuple[list[list[Any]], np.ndarray | None]:
    """A sheet's rows cleaned in place, without its trailing blank rows, and the same cells
    as a 2-D object array when the rows are dense (all of one length, as calamine lays
    them out): then every row keeps its blank cells, so detection takes the rows and the
    array as they are instead of padding the rows and building the array again."""
    if not rows or len(set(map(len, rows))) != 1 or not rows[0]:
        rows = clean_rows(rows)
        while rows and not rows[-1]:
            rows.pop()
        return rows, None
    cells = clean_dense(rows)
    filled = np.flatnonzero((cells != None).any(axis=1))  # noqa: E711
    height = int(filled[-1]) + 1 if len(filled) else 0
    del rows[height:]
    return rows, cells[:height]


def clean_dense(rows: list[list[Any]]) -> np.ndarray:
    """clean_cell over rows of one length, in place, worked column by column; the cleaned
    cells as a (rows, columns) object array. Blank cells stay (as None).

    A sheet's column mostly holds one type: one regex search over a column's joined
    text and one numpy pass over its floats replace a Python call per cell, and only
    the cells that change are written back into their rows (most texts do not), so the
    rows are never rebuilt.
    """
    height, width = len(rows), len(rows[0])
    grid = np.fromiter(chain.from_iterable(rows), dtype=object, count=height * width)
    grid = grid.reshape(height, width)
    for c in range(width):
        where, values = _changes(grid[:, c])
        if not where:
            continue
        for r, value in zip(where, values, strict=True):
            rows[r][c] = value
        grid[where, c] = np.fromiter(values, dtype=object, count=len(values))
    return grid


def _changes(column: np.ndarray) -> tuple[list[int], list[Any]]:
    """Where clean_cell changes a column's cells, and into what: its text and its floats
    each handled in bulk."""
    cells = column.tolist()
    kinds = set(map(type, cells))
    if kinds == {str}:
        return _text_changes(cells, column)
    if kinds == {float}:
        return list(range(len(cells))), _clean_floats(cells)
    if str not in kinds and float not in kinds:
        return [], []
    kind = np.fromiter(map(type, cells), dtype=object, count=len(cells))
    where: list[int] = []
    values: list[Any] = []
    for typ in (str, float):
        at = np.flatnonzero(kind == typ)
        if not len(at):
            continue
        some = column[at]
        if typ is str:
            changed, new = _text_changes(some.tolist(), some)
            where += at[changed].tolist()
            values += new
        else:
            where += at.tolist()
            values += _clean_floats(some.tolist())
    return where, values


def _text_changes(texts: list[str], cells: np.ndarray) -> tuple[list[int], list[str | None]]:
    """Where clean_text changes a column of texts (`cells` holds the same, as an array),
    and into what: only the cells a search of their joined text flags, and the empty ones
    (two separators in a row: calamine lays out a blank cell as one)."""
    joined = "\x1f" + "\x1f".join(texts) + "\x1f"
    spans = [m.span() for m in JOINED_DIRTY.finditer(joined)]
    empty = "\x1f\x1f" in joined  # a cell holding U+001F can look empty: then time only
    if not spans and not empty:
        return [], []
    flagged: set[int] = set(np.flatnonzero(cells == "").tolist()) if empty else set()
    # Cell i starts at starts[i]; a match touches the cells from the one holding its
    # first character to the one after its end, so a separator match flags both sides.
    if spans:
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
        starts = np.cumsum(lengths) - lengths + 1
        bounds = np.searchsorted(starts, np.array(spans), side="right") - 1
        for first, last in bounds.tolist():
            flagged.update(range(max(first, 0), min(last, len(texts) - 1) + 1))
    where = sorted(flagged)
    return where, [clean_text(texts[i]) for i in where]


def _clean_floats(values: Sequence[float]) -> list[Any]:
    """clean_cell over many floats: whole ones below 2**53 as int, NaN as None."""
    numbers = np.array(values, dtype=np.float64)
    whole = (np.abs(numbers) < _MAX_EXACT_INT) & (numbers == np.trunc(numbers))
    if whole.all():
        ints: list[Any] = numbers.astype(np.int64).tolist()
        return ints
    cells = np.fromiter(values, dtype=object, count=len(values))
    cells[whole] = numbers[whole].astype(np.int64)
    cells[np.isnan(numbers)] = None
    result: list[Any] = cells.tolist()
    return result
