"""Cell values as a person sees them: text tidied, numbers exact, nothing guessed."""

from __future__ import annotations

import operator
import re
from collections import deque
from collections.abc import Iterable, Sequence
from itertools import chain, islice, repeat
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
_NONE = type(None)


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
_ODD = "\r\u00a0\u2007\u202f\u200b\u200c\u200d\u2060\ufeff"
JOINED_DIRTY = re.compile("|".join([
    f"\x1f[{_EDGE_SPACE}]", *(f"{ws}\x1f" for ws in _EDGE_SPACE), "_x[0-9A-Fa-f]{4}_", *_ODD,
]))
"""Where cells joined and framed by U+001F need clean_text.

It looks for what clean_text changes: whitespace at a cell's ends, `_xHHHH_`, CR,
odd spaces. A U+001F inside a cell only makes a clean cell look dirty: time, not results.
Every alternative starts with one character, which lets `re` skip ahead fast.
"""
_DIRTY_CHARS = _EDGE_SPACE + _ODD
"""Every alternative of JOINED_DIRTY holds one of these characters, or `_x`."""


def may_be_dirty(joined: str) -> bool:
    """Whether JOINED_DIRTY can match `joined` at all: one `in` per character it needs is
    a memchr-like scan, where the regex steps through every character. Over the read
    benchmark's 17 text columns: 0.019 s against the regex's 0.109 s; a column that holds
    one of them (a space inside a name) is then searched by the regex as before. The
    read benchmark's sheet: 1.465 -> 1.372 s (medians of 10 interleaved fresh runs)."""
    return "_x" in joined or any(c in joined for c in _DIRTY_CHARS)


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
    cells, _ = clean_dense(rows)
    for r in np.flatnonzero(cells[:, -1] == None).tolist():  # noqa: E711
        row = rows[r]
        while row and row[-1] is None:
            row.pop()
    return rows


BLANK, TEXT, VALUE, TEXT_KIN = 0, 1, 2, 3
"""What a dense sheet's `kinds` array says of each cleaned cell: blank (None), text (a
str), another value, text of a str subclass. Told per column while the cells are cleaned
(from the set of its types, which the cleaning takes anyway), so detection and the
frames see which cells hold text or a value without a Python call per cell."""


def clean_sheet(rows: list[list[Any]]
                ) -> tuple[list[list[Any]], np.ndarray | None, np.ndarray | None]:
    """A sheet's rows cleaned in place, without its trailing blank rows, and the same cells
    as a 2-D object array with their `kinds` (a same-shaped int8 array) when the rows are
    dense (all of one length, as calamine lays them out): then every row keeps its blank
    cells, so detection takes the rows and the arrays as they are instead of padding the
    rows and building the array again."""
    if not rows or len(set(map(len, rows))) != 1 or not rows[0]:
        rows = clean_rows(rows)
        while rows and not rows[-1]:
            rows.pop()
        return rows, None, None
    cells, kinds = clean_dense(rows)
    return without_blank_end(rows, cells, kinds)


def without_blank_end(rows: list[list[Any]], cells: np.ndarray, kinds: np.ndarray
                      ) -> tuple[list[list[Any]], np.ndarray, np.ndarray]:
    """Dense cleaned rows, their cells and kinds, less the blank rows at the end (in place
    for the rows)."""
    height = len(rows)
    while height and not kinds[height - 1].any():
        height -= 1
    del rows[height:]
    return rows, cells[:height], kinds[:height]


def clean_dense(rows: list[list[Any]]) -> tuple[np.ndarray, np.ndarray]:
    """clean_cell over rows of one length, in place, worked column by column; the cleaned
    cells as a (rows, columns) object array, and their kinds (BLANK, TEXT, VALUE,
    TEXT_KIN) as an int8 array of the same shape. Blank cells stay (as None).

    A sheet's column mostly holds one type below its first rows (titles, a header): one
    regex search over a column's joined text and one numpy pass over its floats replace
    a Python call per cell, and only the cells that change are written back into their
    rows (most texts do not), so the rows are never rebuilt.
    """
    height, width = len(rows), len(rows[0])
    grid = np.fromiter(chain.from_iterable(rows), dtype=object, count=height * width)
    grid = grid.reshape(height, width)
    kinds = np.empty((height, width), dtype=np.int8)
    for c in range(width):
        changes, kinds[:, c] = _changes(grid[:, c])
        for where, values in changes:
            _write(rows, grid, c, where, values)
    return grid, kinds


Changes = list[tuple[list[int] | range, list[Any]]]
"""Cells of one column that cleaning changes: (rows, their new values), in parts."""


def _write(rows: list[list[Any]], grid: np.ndarray, c: int, where: list[int] | range,
           values: list[Any]) -> None:
    """New values of column `c` into their rows and the grid; a run of rows is written
    as a slice (the floats of a column below its header)."""
    new = np.fromiter(values, dtype=object, count=len(values))
    if isinstance(where, range):
        lines: Iterable[list[Any]] = rows[where.start : where.stop]
        grid[where.start : where.stop, c] = new
    else:
        lines = map(rows.__getitem__, where)
        grid[where, c] = new
    deque(map(operator.setitem, lines, repeat(c), values), maxlen=0)


_HEAD = 16
"""Rows at a column's top cleaned one by one (titles, header) when every cell below them
is of one type, which is then cleaned in bulk without telling each cell's type."""


def _changes(column: np.ndarray) -> tuple[Changes, np.ndarray]:
    """What cleaning changes in a column, and the kinds of its cells once cleaned.

    Below its first _HEAD rows a column mostly holds one type (or is blank): then the
    head is cleaned cell by cell and the rest in bulk. Other columns are split by type."""
    cells = column.tolist()
    head = min(_HEAD, len(cells))
    below = set(map(type, islice(cells, head, None)))
    if len(below) > 1:
        return _mixed_changes(column, cells, below | set(map(type, cells[:head])))
    codes = np.empty(len(cells), dtype=np.int8)
    where: list[int] = []
    values: list[Any] = []
    for i in range(head):
        value = cells[i]
        new = _cleaned(value)
        if new is not value:
            where.append(i)
            values.append(new)
        codes[i] = _kind(new)
    changes: Changes = [(where, values)] if where else []
    if not below:
        return changes, codes
    (typ,) = below
    if typ is str:
        changed, texts = _text_changes(cells[head:], column[head:])
        codes[head:] = TEXT
        at = np.asarray(changed, dtype=np.intp) + head
        _recode(codes, at, texts)
        if changed:
            changes.append((at.tolist(), texts))
    elif typ is float:
        floats, nan = _clean_floats(cells[head:])
        codes[head:] = VALUE
        codes[nan + head] = BLANK
        changes.append((range(head, len(cells)), floats))
    else:
        codes[head:] = _kind_of_type(typ)
    return changes, codes


def _cleaned(value: Any) -> Any:
    """clean_row's value of one cell: only text of type str and floats change."""
    kind = type(value)
    if kind is str:
        return clean_text(value) if value else None
    return clean_cell(value) if kind is float else value


def _kind(value: Any) -> int:
    return BLANK if value is None else _kind_of_type(type(value))


def _kind_of_type(typ: type) -> int:
    if typ is _NONE:
        return BLANK
    if issubclass(typ, str):
        return TEXT if typ is str else TEXT_KIN
    return VALUE


def _mixed_changes(column: np.ndarray, cells: list[Any], kinds: set[type]
                   ) -> tuple[Changes, np.ndarray]:
    """_changes of a column of several types below its head: split by each cell's type."""
    if str not in kinds and float not in kinds:
        return [], _kinds_of(cells, kinds)
    kind = np.fromiter(map(type, cells), dtype=object, count=len(cells))
    codes = _kinds_of(kind, kinds, types=True)
    changes: Changes = []
    for typ in (str, float):
        at = np.flatnonzero(kind == typ)
        if not len(at):
            continue
        some = column[at]
        if typ is str:
            changed, new = _text_changes(some.tolist(), some)
            if changed:
                changes.append((at[changed].tolist(), new))
                _recode(codes, at[changed], new)
        else:
            floats, nan = _clean_floats(some.tolist())
            changes.append((at.tolist(), floats))
            codes[at[nan]] = BLANK
    return changes, codes


def _kinds_of(cells: list[Any] | np.ndarray, kinds: set[type], types: bool = False
              ) -> np.ndarray:
    """The kind of each cell of a column whose set of types is `kinds`; `types`: `cells`
    holds each cell's type instead, as an object array."""
    if len(kinds) == 1:
        return np.full(len(cells), _kind_of_type(next(iter(kinds))), dtype=np.int8)
    kin = [k for k in kinds if k is not str and issubclass(k, str)]
    kind = cells if types else np.fromiter(map(type, cells), dtype=object, count=len(cells))
    codes = np.full(len(kind), VALUE, dtype=np.int8)
    codes[kind == _NONE] = BLANK
    codes[kind == str] = TEXT  # noqa: E721 (elementwise, numpy)
    for k in kin:
        codes[kind == k] = TEXT_KIN
    return codes


def _recode(codes: np.ndarray, where: list[int] | np.ndarray, texts: list[str | None]) -> None:
    """The kinds of cleaned texts: a text that cleaned to nothing is blank."""
    if len(where):
        codes[where] = np.fromiter(map(operator.is_not, texts, repeat(None)), dtype=np.int8,
                                   count=len(texts))


def _text_changes(texts: list[str], cells: np.ndarray) -> tuple[list[int], list[str | None]]:
    """Where clean_text changes a column of texts (`cells` holds the same, as an array),
    and into what: only the cells a search of their joined text flags, and the empty ones
    (two separators in a row: calamine lays out a blank cell as one)."""
    joined = "\x1f" + "\x1f".join(texts) + "\x1f"
    spans = [m.span() for m in JOINED_DIRTY.finditer(joined)] if may_be_dirty(joined) else []
    empty = "\x1f\x1f" in joined  # a cell holding U+001F can look empty: then time only
    if not spans and not empty:
        return [], []
    blank = np.flatnonzero(cells == "").tolist() if empty else []
    if not spans:  # only blank cells, which clean to None without a call each
        return blank, [None] * len(blank)
    flagged = set(blank)
    # Cell i starts at starts[i]; a match touches the cells from the one holding its
    # first character to the one after its end, so a separator match flags both sides.
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    starts = np.cumsum(lengths) - lengths + 1
    bounds = np.searchsorted(starts, np.array(spans), side="right") - 1
    for first, last in bounds.tolist():
        flagged.update(range(max(first, 0), min(last, len(texts) - 1) + 1))
    where = sorted(flagged)
    return where, [clean_text(texts[i]) if texts[i] else None for i in where]


def _clean_floats(values: Sequence[float]) -> tuple[list[Any], np.ndarray]:
    """clean_cell over many floats: whole ones below 2**53 as int, NaN as None; and
    where the NaNs were."""
    numbers = np.array(values, dtype=np.float64)
    whole = (np.abs(numbers) < _MAX_EXACT_INT) & (numbers == np.trunc(numbers))
    if whole.all():
        ints: list[Any] = numbers.astype(np.int64).tolist()
        return ints, np.empty(0, dtype=np.intp)
    cells = np.fromiter(values, dtype=object, count=len(values))
    cells[whole] = numbers[whole].astype(np.int64)
    nan = np.isnan(numbers)
    cells[nan] = None
    result: list[Any] = cells.tolist()
    return result, np.flatnonzero(nan)
