"""Find the tables in one sheet's grid and turn each into a SourceTable.

Our own algorithm (see header.py for why): a sheet is split into bands of columns
(side-by-side tables) and blocks of rows (tables one below another, separated by
blank rows); in each, rows above the header are titles, and rows below it are data
unless they are blank, subtotals, totals, notes, footers or a repeated header.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat

import numpy as np
import pandas as pd

from migrator.lineage import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET, column_letter
from migrator.read.cells import BLANK, TEXT, TEXT_KIN, VALUE
from migrator.read.header import (
    MergeMap,
    column_names,
    header_like,
    is_group_row,
    is_label,
    is_second_header,
)
from migrator.read.model import Cell, Grid, to_series
from migrator.read.patterns import FOOTER, fold, skip_kind
from migrator.tables import SkippedRow, SkipReason, SourceTable

# Cheap test for the words skip_kind looks for, so most data rows skip the NFKC fold.
_HINT_WORDS = r"計|total|ｔｏｔａｌ|{start}[\s\u3000]*(?:[※*＊†]|注|備考|notes?|nb|n\.b)"
_HINT = re.compile(_HINT_WORDS.format(start="^"), re.I)
# _HINT over a column's texts, each led by a NUL: a hit marks the rows it touches. NUL is
# no whitespace, so a run of blank cells is never scanned again from each of its cells.
_HINT_JOINED = re.compile(_HINT_WORDS.format(start="\x00"), re.I)
_HINT_LETTERS = ("計", "total", "ｔｏｔａｌ", "※", "*", "＊", "†", "注", "備", "n")
"""A text _HINT_JOINED matches holds one of these once lower-cased (`notes`, `nb` and
`n.b` all hold an n)."""
_HEADER_SEARCH = 12  # rows of a block searched for its header
_LOOKAHEAD = 20  # rows below a header candidate used to judge its width
_PREAMBLE_SEARCH = 40  # key-value lines above a header (statistics exports) searched past
_PREAMBLE_ROWS = 3  # key-value lines above a table (作成者, 山田) read as its titles
_NONE = type(None)


@dataclass
class _Draft:
    """A table being assembled: row indexes are 0-based grid rows."""

    header: list[int]
    cols: list[int]
    start: int
    """First row of the table's area (its first title row)."""
    end: int = -1
    body: int = -1
    """First row after the header (the first row of the block for a headerless table)."""
    skipped: dict[int, SkipReason] = field(default_factory=dict)


def detect_tables(grid: Grid, *, loose: bool = False) -> list[SourceTable]:
    """All tables in the grid, in reading order (bands left to right, top to bottom).

    `loose` reads a block with no header and no numbers (a lone text cell) as data
    instead of as a title; the reader asks for it when a file would otherwise be empty.
    """
    merges = MergeMap(grid.merged)
    width = max([grid.width, *(m[3] + 1 for m in merges.merges)])
    height = max([len(grid.rows), *(m[2] + 1 for m in merges.merges)])
    kinds = None
    if grid.cells is not None and grid.cells.shape == (height, width):
        rows: Sequence[Sequence[Cell]] = grid.rows
        cells = grid.cells
        if grid.kinds is not None and grid.kinds.shape == cells.shape:
            kinds = grid.kinds
    else:
        rows = [r if len(r) == width else r + [None] * (width - len(r)) for r in grid.rows]
        rows += [[None] * width for _ in range(height - len(rows))]
        cells = _cell_array(rows, width)
    filled = _fill_down(rows, merges, set())
    if filled is not rows:
        present = _cell_array(filled, width) != None  # noqa: E711
    else:
        present = kinds != BLANK if kinds is not None else cells != None  # noqa: E711
    tables: list[SourceTable] = []
    for c0, c1 in _bands(present):
        for draft in _drafts(rows, present, merges, c0, c1, loose):
            tables.append(_build(grid, rows, _Cells(cells, kinds), merges, draft))
    return tables


@dataclass
class _Cells:
    """A grid's cells as a 2-D object array, and their kinds when the reader told them
    (None once merged cells are filled down: the kinds are then those of other cells)."""

    values: np.ndarray
    kinds: np.ndarray | None


def _cell_array(rows: Sequence[Sequence[Cell]], width: int) -> np.ndarray:
    """The padded rows as a 2-D object array, for per-row counts taken column-wise."""
    flat = np.fromiter(chain.from_iterable(rows), dtype=object, count=len(rows) * width)
    return flat.reshape(len(rows), width)


def _bands(present: np.ndarray) -> list[tuple[int, int]]:
    """Column ranges separated by empty columns, joined again where they share their rows.

    A spacer column inside one table leaves both sides on the same rows; two tables
    side by side cover different rows (their titles, lengths and totals differ).
    `present` says which cells (row, column) hold a value.
    """
    runs: list[tuple[int, int, np.ndarray]] = []
    for c in np.flatnonzero(present.any(axis=0)).tolist():
        if runs and runs[-1][1] == c - 1:
            c0, _, seen = runs[-1]
            runs[-1] = (c0, c, seen | present[:, c])
        else:
            runs.append((c, c, present[:, c]))
    bands: list[tuple[int, int, np.ndarray]] = []
    for run in runs:
        if bands and _same_rows(bands[-1][2], run[2]):
            bands[-1] = (bands[-1][0], run[1], bands[-1][2] | run[2])
        else:
            bands.append(run)
    return [(c0, c1) for c0, c1, _ in bands]


def _same_rows(a: np.ndarray, b: np.ndarray) -> bool:
    """One table across a spacer column: both sides start and end on the same rows.

    `a` and `b` mark the rows each side uses; both use at least one.
    """
    first = int(np.argmax(a)) == int(np.argmax(b))
    last = int(np.argmax(a[::-1])) == int(np.argmax(b[::-1]))
    return first and last and int((a & b).sum()) >= 0.6 * int((a | b).sum())


def _blocks(counts: Sequence[int]) -> list[tuple[int, int]]:
    """Runs of non-empty rows, inclusive."""
    blocks: list[tuple[int, int]] = []
    start = None
    for r, n in enumerate(counts):
        if n and start is None:
            start = r
        elif not n and start is not None:
            blocks.append((start, r - 1))
            start = None
    if start is not None:
        blocks.append((start, len(counts) - 1))
    return blocks


def _drafts(rows: Sequence[Sequence[Cell]], present: np.ndarray, merges: MergeMap,
            c0: int, c1: int, loose: bool) -> list[_Draft]:
    """Walk the blocks of one band and decide where each table starts and ends.

    Structure (blocks, widths) is judged on `present`, the cells with a value once a
    merged cell covers its rows; header labels on the raw `rows`, where it is one cell.
    """
    cols = list(range(c0, c1 + 1))
    whole = c0 == 0 and c1 + 1 == len(rows[0])
    band = rows if whole else [row[c0 : c1 + 1] for row in rows]
    counts: list[int] = present[:, c0 : c1 + 1].sum(axis=1).tolist()
    drafts: list[_Draft] = []
    titles: list[int] = []
    current: _Draft | None = None
    for b0, b1 in _blocks(counts):
        header = _find_header(band, counts, b0, b1)
        if header is not None:
            header = _wider_below(band, counts, merges, header, b1, c0)
        if current is not None and not _starts_new(band, current, header):
            current.end = b1
            continue
        if header is None and not (loose or _data_block(band, counts, b0, b1)):
            titles.extend(range(b0, b1 + 1))
            continue
        if header is not None and len(drafts) == 1 and _preamble(drafts[0], counts, header):
            # A title or a few key-value lines above the real table read as a table: they
            # are its titles.
            titles = [r for r in range(drafts.pop().start, b0) if counts[r]] + titles
        group = header is not None and header > b0 and is_group_row(band[header - 1],
                                                                    band[header])
        first = header - 1 if header is not None and group else header
        first = first if first is not None else b0
        current = _Draft(header=[], cols=cols, start=min([first, *titles]), end=b1)
        titles.extend(range(b0, first))
        for r in titles:
            current.skipped[r] = SkipReason.TITLE
        if header is not None:
            current.header = _header_rows(rows, merges, header, cols, b1)
            if group and len(current.header) == 1:
                current.header = [header - 1, header]
        current.body = current.header[-1] + 1 if current.header else b0
        drafts.append(current)
        titles = []
    return drafts


def _preamble(draft: _Draft, counts: Sequence[int], header: int) -> bool:
    """Is the band's first table only what people type above a table?

    A header with no data row (`顧客一覧, 営業部` alone on its line), or at most
    _PREAMBLE_ROWS rows at most half as wide as the header below (`作成者, 山田`).
    """
    if not draft.header:
        return False
    if draft.body > draft.end:
        return True
    width = max(counts[draft.start : draft.end + 1])
    return draft.end - draft.start + 1 <= _PREAMBLE_ROWS and 2 * width <= counts[header]


def _header_rows(rows: Sequence[Sequence[Cell]], merges: MergeMap, h: int, cols: list[int],
                 last: int) -> list[int]:
    """The header's rows: h, plus the rows its cells are merged down over, or a second
    header row; never so many that no row of the block is left for data."""
    labelled = [c for c in cols if rows[h][c] is not None]
    depth = min((m[2] for c in labelled if (m := merges.get(h, c)) and m[0] == h), default=h)
    if all(merges.joins_rows(h, h + 1, c) for c in labelled) and depth > h:
        covered = range(h + 1, depth + 1)
        if all(rows[r][c] is None for r in covered for c in cols) and depth < last:
            return list(range(h, depth + 1))
    below = (rows[r][c] for r in range(h + 2, last + 1) for c in cols)
    if any(v is not None for v in below) and is_second_header(rows[h], rows[h + 1], h, cols,
                                                                merges):
        return [h, h + 1]
    return [h]


def _find_header(band: Sequence[Sequence[Cell]], counts: Sequence[int], b0: int,
                 b1: int) -> int | None:
    """The first row of a block that is a header as wide as the rows below it."""
    width = len(band[0]) if band else 0
    for r in range(b0, min(b1, b0 + _PREAMBLE_SEARCH) + 1):
        if r > b0 + _HEADER_SEARCH and max(counts[b0:r]) > 2:
            return None  # past the search, unless only key-value lines came so far
        if not header_like(band[r], width):
            continue
        below = counts[r + 1 : min(b1, r + _LOOKAHEAD) + 1]
        if not below:
            return r if r == b0 and counts[r] >= 2 else None
        if counts[r] >= 0.5 * max(below):
            return r
    return None


def _wider_below(band: Sequence[Sequence[Cell]], counts: Sequence[int], merges: MergeMap,
                 r: int, b1: int, c0: int) -> int:
    """The real header when the one found is a key-value line above it (`統計表, 顧客数`,
    `作成者, 山田`): a header at least twice as wide below lines no wider than two cells.

    A row with merged cells is a header's top row, never such a line.
    """
    if counts[r] > 2 or any(merges.get(r, c0 + i) for i in range(len(band[r]))):
        return r
    for r2 in range(r + 1, min(b1, r + _PREAMBLE_SEARCH) + 1):
        if counts[r2] <= 2:
            continue
        below = counts[r2 + 1 : min(b1, r2 + _LOOKAHEAD) + 1]
        wide = counts[r2] >= max(3, 2 * counts[r]) and bool(below) and max(below) > 2 \
            and counts[r2] >= 0.5 * max(below)
        return r2 if wide and header_like(band[r2], len(band[r2])) else r
    return r


def _data_block(band: Sequence[Sequence[Cell]], counts: Sequence[int], b0: int, b1: int) -> bool:
    """A headerless block of data: several rows, or numbers and dates that no title holds."""
    if sum(1 for n in counts[b0 : b1 + 1] if n >= 2) >= 2:
        return True
    return any(v is not None and not isinstance(v, str) for v in band[b0])


def _starts_new(band: Sequence[Sequence[Cell]], current: _Draft, header: int | None) -> bool:
    """A block after a blank gap starts a new table only with a header of its own."""
    if header is None or not current.header:
        return False
    return _folded(band[header]) != _folded(band[current.header[0]])


def _folded(cells: Sequence[Cell]) -> list[str]:
    return [fold(str(v)) for v in cells if v is not None]


def _build(grid: Grid, rows: Sequence[Sequence[Cell]], cells: _Cells, merges: MergeMap,
           draft: _Draft) -> SourceTable:
    first = draft.body
    for r in range(draft.start, first):
        if r not in draft.header:
            draft.skipped.setdefault(r, SkipReason.BLANK)
    values = _fill_down(rows, merges, set(draft.header))
    if values is not rows:
        cells = _Cells(_cell_array(values, len(values[0])), None)
    data = _classify(values, cells, draft, first)
    cols = _kept_columns(values, draft, data)
    names = column_names(rows, draft.header, cols, merges,
                         lambda c: column_letter(grid.sheet_col(c)))
    frame = _frame(grid, cells, data, cols, names)
    skipped = [SkippedRow(grid.sheet_row(r) + 1, reason)
               for r, reason in sorted(draft.skipped.items())]
    return SourceTable(
        file=grid.file,
        sheet=grid.sheet,
        frame=frame,
        header_rows=[grid.sheet_row(h) + 1 for h in draft.header],
        skipped=skipped,
        columns_at=[column_letter(grid.sheet_col(c)) for c in cols],
        details=dict(grid.details),
    )


def _classify(rows: Sequence[Sequence[Cell]], cells: _Cells, draft: _Draft,
              first: int) -> list[int]:
    """Data row indexes; every other row of the table's area goes to draft.skipped.

    Only the rows _suspects finds are judged one by one; the others are data.
    """
    headers = [_folded([rows[h][c] for c in draft.cols]) for h in draft.header]
    area = (slice(first, draft.end + 1), slice(draft.cols[0], draft.cols[-1] + 1))
    block = cells.values[area]
    keep = np.ones(len(block), dtype=bool)
    kinds = None if cells.kinds is None else cells.kinds[area]
    for i in _suspects(block, any(headers), kinds):
        reason = _row_reason([rows[first + i][c] for c in draft.cols], headers)
        if reason is not None:
            draft.skipped[first + i] = reason
            keep[i] = False
    data: list[int] = (np.flatnonzero(keep) + first).tolist()
    _mark_footers(rows, draft, data)
    return data


def _suspects(block: np.ndarray, headers: bool, kinds: np.ndarray | None = None) -> list[int]:
    """Rows of `block` that _row_reason may skip: a superset, found column by column.

    A row can be skipped only when it is blank, when all its values are text (a repeated
    header; only with `headers`), or when one of its texts holds a word _HINT finds.
    Which cells are text or hold a value is read from the block's `kinds` (BLANK, TEXT,
    VALUE, TEXT_KIN) when the reader told them, else told per column from the set of its
    types (most columns hold one), not by a Python call per cell.
    """
    height, width = block.shape
    if kinds is not None:
        texts, values = (kinds == TEXT).T, (kinds != BLANK).T
        kin = bool((kinds == TEXT_KIN).any())
    else:
        texts, values, every = _kinds([block[:, j].tolist() for j in range(width)], height)
        kin = any(issubclass(k, str) and k is not str for k in every)
    if kin:
        return list(range(height))  # text of a str subclass: judge every row
    n_values = values.sum(axis=0)
    suspect = n_values == 0
    if headers:
        suspect |= texts.sum(axis=0) == n_values
    seen = np.zeros(height, dtype=np.int64)
    for j in range(width):
        seen += texts[j]
        first = texts[j] & (seen <= 3)  # the texts _row_reason searches
        if not first.any():
            continue
        column = block[:, j]
        if not first.all():
            column = column.copy()
            column[~first] = ""
        _hinted(column.tolist(), suspect)
    return np.flatnonzero(suspect).tolist()


def _kinds(columns: list[list[Cell]], height: int) -> tuple[np.ndarray, np.ndarray, set[type]]:
    """Per column (first axis): which cells are str, which hold a value; and every type."""
    texts = np.zeros((len(columns), height), dtype=bool)
    values = np.zeros((len(columns), height), dtype=bool)
    every: set[type] = set()
    for j, column in enumerate(columns):
        kinds = set(map(type, column))
        every |= kinds
        if kinds == {str}:
            texts[j] = values[j] = True
        elif str not in kinds and _NONE not in kinds:
            values[j] = True
        elif str not in kinds:
            values[j] = np.fromiter(map(operator.is_not, column, repeat(None)), dtype=bool,
                                    count=height)
        else:
            types = np.fromiter(map(type, column), dtype=object, count=height)
            texts[j] = types == str  # noqa: E721 (elementwise, numpy)
            values[j] = types != _NONE
    return texts, values, every


def _hinted(lines: list[str], suspect: np.ndarray) -> None:
    """Mark in `suspect` the rows whose text in `lines` ("" for none) _HINT may match."""
    joined = "\x00" + "\x00".join(lines)
    if not _may_hint(joined):
        return
    spans = [m.span() for m in _HINT_JOINED.finditer(joined)]
    if not spans:
        return
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines)) + 1
    starts = np.cumsum(lengths) - lengths + 1
    for a, b in (np.searchsorted(starts, np.array(spans), side="right") - 1).tolist():
        suspect[max(a, 0) : b + 1] = True


def _may_hint(text: str) -> bool:
    """Whether _HINT_JOINED could match `text`: plain substring tests first, since the
    case-blind regex of alternatives tries every position (76 ms per 300,000 codes)."""
    lower = text.lower()
    return any(word in lower for word in _HINT_LETTERS)


def _row_reason(cells: Sequence[Cell], headers: Sequence[list[str]]) -> SkipReason | None:
    values = [v for v in cells if v is not None]
    if not values:
        return SkipReason.BLANK
    texts = [v for v in values if isinstance(v, str)]
    if (headers and len(texts) == len(values)
            and any(fold(texts[0]) == h[0] for h in headers if h)
            and _folded(cells) in headers):
        return SkipReason.REPEATED_HEADER
    for text in texts[:3]:
        if not _HINT.search(text):
            continue
        kind = skip_kind(fold(text))
        if kind == "note" and text is values[0] and len(values) <= 2:
            return SkipReason.NOTE
        if kind in ("subtotal", "total") and len(texts) <= max(2, len(cells) // 2):
            return SkipReason(kind)
    return None


def _mark_footers(rows: Sequence[Sequence[Cell]], draft: _Draft, data: list[int]) -> None:
    """Trailing one-cell text rows after the data are footers (printed-by lines, 以上)."""
    if len(draft.cols) < 2:
        return
    while data:
        r = data[-1]
        values = [rows[r][c] for c in draft.cols if rows[r][c] is not None]
        if len(values) != 1 or not isinstance(values[0], str):
            return
        text = values[0]
        after_gap = draft.skipped.get(r - 1) == SkipReason.BLANK
        if not (after_gap or FOOTER.search(fold(text)) or (len(text) > 30 and not is_label(text))):
            return
        draft.skipped[r] = SkipReason.FOOTER
        data.pop()


def _kept_columns(rows: Sequence[Sequence[Cell]], draft: _Draft, data: Sequence[int]) -> list[int]:
    """Columns with a header label or any data value; empty spacer columns are dropped."""
    kept = []
    for c in draft.cols:
        if any(rows[h][c] is not None for h in draft.header) or any(
            rows[r][c] is not None for r in data
        ):
            kept.append(c)
    return kept


def _fill_down(rows: Sequence[Sequence[Cell]], merges: MergeMap,
               header: set[int]) -> Sequence[Sequence[Cell]]:
    """A cell merged down over several rows (部署 over its customers) holds on each row.

    Merges anchored in a header row are left out: a label is not a data value.
    """
    vertical = [m for m in merges.merges if m[2] > m[0] and m[0] not in header]
    if not vertical:
        return rows
    filled = [list(r) for r in rows]
    for r0, c0, r1, _ in vertical:
        value = rows[r0][c0]
        for r in range(r0 + 1, r1 + 1):
            if filled[r][c0] is None:
                filled[r][c0] = value
    return filled


def _frame(grid: Grid, cells: _Cells, data: Sequence[int], cols: Sequence[int],
           names: Sequence[str]) -> pd.DataFrame:
    """Columns of exact values: all-text columns as str, others as object (no coercion).

    `cells` holds the table's rows as a 2-D array: a column is taken from it in one step,
    and where their kinds are known, so is whether it holds only text.
    """
    columns: dict[str, pd.Series] = {}
    at = np.asarray(data, dtype=np.int64)
    # Data rows that run on without a gap (most tables) are taken as a slice: a column
    # of it costs no gather (0.047 s for a 100,000 x 20 table; its Series copies it)
    rows: slice | np.ndarray = at
    if data and np.array_equal(at, np.arange(data[0], data[-1] + 1)):
        rows = slice(data[0], data[-1] + 1)
    valued = None
    if cells.kinds is not None and data:
        valued = (cells.kinds[rows] == VALUE).any(axis=0).tolist()
    for c, name in zip(cols, names, strict=True):
        text = None if valued is None else not valued[c]
        columns[name] = to_series(cells.values[rows, c], text) if data else to_series([])
    n = len(data)
    columns[SOURCE_FILE] = pd.Series([grid.file] * n, dtype="str")
    columns[SOURCE_SHEET] = pd.Series([grid.sheet] * n, dtype="str")
    if grid.row_numbers is not None:
        at = np.asarray([grid.sheet_row(r) for r in data], dtype=np.int64)
    columns[SOURCE_ROW] = pd.Series(at + 1, dtype="int64")
    return pd.DataFrame(columns)
