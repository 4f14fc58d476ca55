"""Customer cards: forms of labels with their values → one row per card.

Our own: no reader knows that a sheet holding `会社名 | 山田商事` and `TEL | 03-...`
in a form is one record. A card's value sits beside its label (past the label's merge,
often in a merged range) or in the row below it (a row of labels over a row of
values). A sheet is a card when several known labels have values that way and no row of
labels has two or more rows of data under it, which would make it a table header. A
small table inside a card (a purchase history) is left out of the card's row and
recorded in the table's details; a second company name or code on the same sheet starts
a second card, below or beside the first.
"""

from __future__ import annotations

import operator
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat

import numpy as np
import pandas as pd

from migrator.lineage import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET, cell_address
from migrator.read.cardlabels import KEY_GROUPS, label_group, label_text
from migrator.read.header import MergeMap
from migrator.read.model import Cell, Grid, to_series
from migrator.tables import SourceTable

_MIN_LABELS = 3
_RIGHT_REACH = 4
_INNER_ROWS_PER_FIELD = 3
"""A table inside a card holds at most this many rows per card field; a longer one
under a few labels is a table sheet with a caption, not a card."""

Rows = Sequence[Sequence[Cell]]


@dataclass
class _Field:
    label: str
    group: int
    value: Cell
    cell: tuple[int, int]
    """0-based (row, col) of the value, or of where the value belongs when it is empty."""
    label_cell: tuple[int, int]


@dataclass
class Card:
    """One card: its sheet, its fields in reading order, the inner tables left out."""

    grid: Grid
    fields: list[_Field]
    left_out: list[tuple[int, int]] = field(default_factory=list)
    """0-based (first, last) grid rows of tables inside the card, not read."""


def find_cards(grid: Grid) -> list[Card] | None:
    """The cards on a sheet, top to bottom, or None when the sheet is not a card sheet.

    One pass, top down, that stops at the first header over data: a list of 100,000
    rows is told from a card sheet at its header, not after every row's labels are
    looked up.
    """
    merges = MergeMap(grid.merged)
    rows = grid.rows
    blank: np.ndarray | None = None  # the blank rows, where the reader told cells' kinds
    if grid.kinds is not None and grid.kinds.shape[0] == len(rows):
        blank = np.logical_not(grid.kinds.any(axis=1))
    inner: list[tuple[int, int]] = []
    fields: list[_Field] = []
    r = 0
    while r < len(rows):
        last = _inner_table(rows, r, blank)
        if last is not None:
            inner.append((r, last))
            r = last + 1
            continue
        found = [(c, v, g) for c, v in enumerate(rows[r])
                 if v is not None and (g := label_group(v)) is not None]
        if len(found) >= 2 and _header_over_data(rows, r, [c for c, _, _ in found]):
            return None
        fields.extend(_value_of(rows, merges, r, c, v, g) for c, v, g in found)
        r += 1
    if len(fields) < _MIN_LABELS or len({f.label_cell[0] for f in fields}) < 2:
        return None
    if sum(last - first for first, last in inner) > _INNER_ROWS_PER_FIELD * len(fields):
        return None
    cards = _split(fields)
    return [Card(grid, part, inner if i == 0 else []) for i, part in enumerate(cards)]


def _at(rows: Rows, r: int, c: int) -> Cell:
    """The cell at (r, c); rows are ragged, a cell past a row's end is empty."""
    return rows[r][c] if r < len(rows) and c < len(rows[r]) else None


def _inner_table(rows: Rows, r: int, blank: np.ndarray | None = None) -> int | None:
    """The last row of a table inside a card that opens at row `r`, or None: a header of
    words other than card labels (日付 | 商品 | 数量) over rows of several values, up to
    the next blank row."""
    if r + 1 >= len(rows) or not (_words_row(rows[r]) and not (r and _label_row(rows[r - 1]))
                                  and _filled(rows[r + 1]) >= 2
                                  and not _label_row(rows[r + 1])):
        return None
    return _run_end(rows, r + 1, blank)


def _run_end(rows: Rows, start: int, blank: np.ndarray | None = None) -> int:
    """The last row before the first blank row after `start`, or the last row.

    `blank` marks the blank rows when the reader told each cell's kind. Else rows are
    tested in growing slices at C speed (a list of 100,000 rows is one run): only a row
    that ends with an empty cell (or has none) can be blank, and the readers drop
    trailing empty cells.
    """
    if blank is not None:
        after = blank[start + 1 :]
        at = int(after.argmax()) if len(after) else 0
        return start + at if len(after) and after[at] else len(rows) - 1
    last, step = start, 16
    while last + 1 < len(rows):
        part = rows[last + 1 : last + 1 + step]
        ends = map(next, map(reversed, part), repeat(None))
        for at in compress(range(len(part)), map(operator.is_, ends, repeat(None))):
            if not _filled(part[at]):
                return last + at
        last += len(part)
        step = min(4 * step, 1 << 16)
    return last


def _filled(row: Sequence[Cell]) -> int:
    return len(row) - list(row).count(None)


def _words_row(row: Sequence[Cell]) -> bool:
    values = [v for v in row if v is not None]
    labels = sum(1 for v in values if label_group(v) is not None)
    return len(values) >= 3 and all(isinstance(v, str) for v in values) and 2 * labels < len(values)


def _label_row(row: Sequence[Cell]) -> bool:
    return sum(1 for v in row if label_group(v) is not None) >= 2


def _header_over_data(rows: Rows, r: int, cols: Sequence[int]) -> bool:
    """Row `r` holds labels at `cols`: with two rows of values under them it is a header."""
    for below in (r + 1, r + 2):
        values = [v for c in cols if (v := _at(rows, below, c)) is not None]
        if len(values) < 2 or any(label_group(v) is not None for v in values):
            return False
    return True


def _value_of(rows: Rows, merges: MergeMap, r: int, c: int, text: str, group: int) -> _Field:
    """The value to the right of the label (past its merge), else the cell below it.

    An empty value belongs below when the next cell to the right is another label (a
    row of labels over a row of values) or when an empty box (a merged range) starts
    below the label and none beside it; else beside.
    """
    m = merges.get(r, c)
    right = (m[3] if m else c) + 1
    below = (m[2] if m else r) + 1
    label = label_text(text)
    next_is_label = False
    for cc in range(right, min(right + _RIGHT_REACH, len(rows[r]))):
        value = rows[r][cc]
        if value is not None:
            if label_group(value) is not None:
                next_is_label = cc == right
                break
            return _Field(label, group, value, (r, cc), (r, c))
    value = _at(rows, below, c)
    if value is not None and label_group(value) is None:
        return _Field(label, group, value, (below, c), (r, c))
    box = merges.get(below, c)
    boxed_below = box is not None and box[:2] == (below, c)
    if value is None and (next_is_label or (boxed_below and merges.get(r, right) is None)):
        return _Field(label, group, None, (below, c), (r, c))
    return _Field(label, group, None, (r, right), (r, c))


def _split(fields: Sequence[_Field]) -> list[list[_Field]]:
    """The cards among a sheet's fields, in reading order (top row first, then left).

    Cards side by side (one key label printed twice on a row) are cut into bands of
    columns first; in each band, a company name or code seen twice opens the next card.
    """
    starts = _band_starts(fields)
    cards: list[list[_Field]] = []
    for i in range(len(starts)):
        band = [f for f in fields if bisect_right(starts, f.label_cell[1]) - 1 == i]
        cards += _split_down(band) if band else []
    return sorted(cards, key=lambda card: card[0].label_cell)


def _band_starts(fields: Sequence[_Field]) -> list[int]:
    """Where cards side by side begin: the columns of a key label repeated on one row."""
    starts = {0}
    seen: dict[tuple[int, str], list[int]] = {}
    for f in fields:
        if f.group in KEY_GROUPS:
            seen.setdefault((f.label_cell[0], f.label), []).append(f.label_cell[1])
    for cols in seen.values():
        starts.update(cols[1:])
    return sorted(starts)


def _split_down(fields: Sequence[_Field]) -> list[list[_Field]]:
    cards: list[list[_Field]] = [[]]
    seen: set[int] = set()
    for f in fields:
        if f.group in KEY_GROUPS and f.group in seen:
            cards.append([])
            seen = set()
        cards[-1].append(f)
        seen.add(f.group)
    return cards


def cards_table(cards: Sequence[Card]) -> SourceTable:
    """One row per card. A column per field, named by the first card's label for it:
    `TEL` on one card and `Phone` on another share a column."""
    names: dict[tuple[int, int], str] = {}
    rows: list[dict[str, Cell]] = []
    cells: list[dict[str, str]] = []
    for card in cards:
        record: dict[str, Cell] = {}
        where: dict[str, str] = {}
        seen: Counter[int] = Counter()
        for f in card.fields:
            seen[f.group] += 1
            key = (f.group, seen[f.group])
            if key not in names:
                names[key] = _unique(f.label if key[1] == 1 else f"{f.label} ({key[1]})",
                                     list(names.values()))
            name = names[key]
            record[name] = f.value
            where[name] = cell_address(card.grid.sheet_row(f.cell[0]),
                                       card.grid.sheet_col(f.cell[1]))
        rows.append(record)
        cells.append(where)
    columns = list(names.values())
    data = {n: to_series([rec.get(n) for rec in rows]) for n in columns}
    data[SOURCE_FILE] = pd.Series([c.grid.file for c in cards], dtype="str")
    data[SOURCE_SHEET] = pd.Series([c.grid.sheet for c in cards], dtype="str")
    data[SOURCE_ROW] = pd.Series([min(c.grid.sheet_row(f.cell[0]) for f in c.fields) + 1
                                  for c in cards], dtype="int64")
    usual = {n: Counter(c[n] for c in cells if n in c).most_common(1)[0][0] for n in columns}
    return SourceTable(
        file=cards[0].grid.file, sheet=None, frame=pd.DataFrame(data), layout="card",
        header_rows=[], cells=usual, value_cells=cells, details=_details(cards),
    )


def _details(cards: Sequence[Card]) -> dict[str, object]:
    sheets = list(dict.fromkeys(c.grid.sheet for c in cards))
    out: dict[str, object] = {"sheets": sheets}
    left = [{"sheet": c.grid.sheet, "rows": [c.grid.sheet_row(a) + 1, c.grid.sheet_row(b) + 1]}
            for c in cards for a, b in c.left_out]
    if left:
        out["tables_left_out"] = left
    return out


def _unique(label: str, taken: Sequence[str]) -> str:
    name, n = label, 1
    while name in taken:
        n += 1
        name = f"{label} ({n})"
    return name
