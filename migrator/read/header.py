"""Is this row a header, and what are the columns called?

Our own algorithm: spreadsheet libraries give cells, not tables, and pandas'
`header=` must be told the row. People put title lines, date/author lines and
two-row merged headers above their data; this module finds the header by what
header cells look like (short distinct labels, no data shapes) compared with the
rows below, and names columns the way a person reads them (`連絡先 / TEL`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from migrator.lineage import LINEAGE_COLUMNS, column_letter
from migrator.read.model import Cell, Merge
from migrator.read.patterns import fold, skip_kind

# Values that are data, never a column label: phone/postal/code digit runs, e-mail, URL.
_DATA_SHAPE = re.compile(
    r"\d{3,}|@|https?://|www\.|\d+[/.年-]\d+[/.月-]\d+|^[-+(]?[\d,.]+\)?%?$")
_MAX_LABEL = 40
# Words of a title row, never of a group label above a header (顧客一覧, 2024年度, list).
_TITLE = re.compile(r"一覧|台帳|名簿|リスト|明細|集計|報告|年度|現在|作成|list|report|summary")
# Header labels that mean little without the group above them: 得意先 / コード, 名称.
_NEEDS_GROUP = frozenset(["コード", "名称", "名前", "番号", "略称", "カナ", "フリガナ", "ふりがな",
                          "code", "name", "id", "no", "no.", "number"])


def is_label(value: Cell) -> bool:
    """A cell that could be a column label: short text with no data shape."""
    if not isinstance(value, str) or len(value) > _MAX_LABEL:
        return False
    return not _DATA_SHAPE.search(value)


def header_like(cells: Sequence[Cell], width: int) -> bool:
    """A row of distinct short labels covering enough of the table's width."""
    values = [v for v in cells if v is not None]
    need = 1 if width == 1 else 2
    if len(values) < need or not all(is_label(v) for v in values):
        return False
    folded = [fold(v) for v in values]
    if len(set(folded)) < len(folded):
        return False
    return not any(skip_kind(f) for f in folded[:2])


class MergeMap:
    """Where merged ranges are: the anchor of each covered cell."""

    def __init__(self, merges: Sequence[Merge]) -> None:
        self.merges = list(merges)
        self._anchor: dict[tuple[int, int], Merge] = {}
        for m in self.merges:
            r0, c0, r1, c1 = m
            if (r1 - r0 + 1) * (c1 - c0 + 1) > 10_000:
                continue  # a sheet-sized merge says nothing about headers
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self._anchor[(r, c)] = m

    def get(self, r: int, c: int) -> Merge | None:
        return self._anchor.get((r, c))

    def spans_columns(self, r: int, c: int) -> bool:
        m = self._anchor.get((r, c))
        return m is not None and m[3] > m[1]

    def joins_rows(self, r_top: int, r_bottom: int, c: int) -> bool:
        """True when (r_top, c) and (r_bottom, c) are one merged cell."""
        m = self._anchor.get((r_top, c))
        return m is not None and m[0] <= r_top and m[2] >= r_bottom


def is_second_header(top: Sequence[Cell], bottom: Sequence[Cell], row: int,
                     cols: Sequence[int], merges: MergeMap) -> bool:
    """Does `bottom` complete `top` as the second row of a two-row header?

    Yes when a label in `top` is merged across columns that `bottom` labels, when a
    cell is merged down over both rows, or when the two rows fill each other's gaps
    (`連絡先` above `TEL`, `FAX`, `メール` with the cells beside `連絡先` left blank).
    """
    values = [bottom[c] for c in cols if bottom[c] is not None]
    if not values or not all(is_label(v) for v in values):
        return False
    under_span = any(merges.spans_columns(row, c) and bottom[c] is not None for c in cols)
    joined = any(merges.joins_rows(row, row + 1, c) for c in cols)
    fills_gap = any(top[c] is None and bottom[c] is not None for c in cols)
    leaves_gap = any(top[c] is not None and bottom[c] is None for c in cols)
    return under_span or joined or (fills_gap and leaves_gap)


def is_group_row(top: Sequence[Cell], bottom: Sequence[Cell]) -> bool:
    """Is `top`, just above the header row `bottom`, its group labels typed without merging?

    `得意先` over the first of `コード`, `名称`, `住所` with the cells beside it left blank,
    maybe `連絡先` further on: labels over labelled columns, fewer than the header's, the
    first followed by a blank. A
    lone label is a group only over a header that needs one (`コード`, `名称`): otherwise it
    is a title (`売上` above a sales list), as is any row holding title words (`一覧`).
    """
    values = [(i, v) for i, v in enumerate(top) if v is not None]
    labelled = [i for i, v in enumerate(bottom) if v is not None]
    if not values or len(labelled) < 2 or len(values) >= len(labelled):
        return False
    if not all(is_label(v) and labelled[0] <= i <= labelled[-1] for i, v in values):
        return False
    folded = [fold(str(v)) for _, v in values]
    if len(set(folded)) < len(folded) or any(skip_kind(f) or _TITLE.search(f) for f in folded):
        return False
    if len(values) >= 2:
        # A group spans columns: the cell after its first label is blank (`作成者, 山田`
        # side by side is a key-value line, not two groups).
        first = values[0][0]
        return first + 1 < len(top) and top[first + 1] is None and bottom[first + 1] is not None
    under = bottom[values[0][0]]
    return under is not None and fold(str(under)) in _NEEDS_GROUP


def column_names(rows: Sequence[Sequence[Cell]], header: Sequence[int], cols: Sequence[int],
                 merges: MergeMap, letter: Callable[[int], str] = column_letter) -> list[str]:
    """Names for `cols` from one or two header rows (0-based indexes into `rows`).

    `letter` names a column without a label (`column_C`) by its letters in the sheet.
    """
    if not header:
        return [f"column_{letter(c)}" for c in cols]
    h = header[0]
    tops = [_top_label(rows, h, c, merges) for c in cols]
    if len(header) == 2:
        bottoms = [None if merges.joins_rows(h, h + 1, c) else rows[h + 1][c] for c in cols]
        for i in range(1, len(cols)):
            # 連絡先 typed once above TEL/FAX/メール, unmerged: the group carries right.
            if tops[i] is None and bottoms[i] is not None and bottoms[i - 1] is not None:
                tops[i] = tops[i - 1]
        raw = [_join(t, b) for t, b in zip(tops, bottoms, strict=True)]
    else:
        raw = [None if t is None else str(t) for t in tops]
    return _continue_blanks(raw, cols, letter)


def _top_label(rows: Sequence[Sequence[Cell]], h: int, c: int, merges: MergeMap) -> Cell:
    value = rows[h][c]
    if value is None:
        m = merges.get(h, c)
        if m is not None and m[0] == h and m[1] < c:
            value = rows[m[0]][m[1]]
    return value


def _join(top: Cell, bottom: Cell) -> str | None:
    if top is None:
        return None if bottom is None else str(bottom)
    if bottom is None or fold(str(top)) == fold(str(bottom)):
        return str(top)
    return f"{top} / {bottom}"


def _continue_blanks(raw: Sequence[str | None], cols: Sequence[int],
                     letter: Callable[[int], str]) -> list[str]:
    """Blank labels continue the label on their left (`住所`, `住所 (2)`); names made unique,
    also against the lineage columns every table gets (a sheet migrator wrote has
    `_source_row` of its own: it reads as `_source_row (2)`, its values kept)."""
    names: list[str] = []
    seen: dict[str, int] = dict.fromkeys(LINEAGE_COLUMNS, 1)
    base: str | None = None
    for name, c in zip(raw, cols, strict=True):
        if name is not None:
            base = name
        elif base is None:
            name = f"column_{letter(c)}"
        else:
            name = base
        count = seen.get(name, 0) + 1
        seen[name] = count
        names.append(name if count == 1 else f"{name} ({count})")
    return names
