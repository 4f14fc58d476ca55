"""Cells of one .xlsx worksheet, and the area a dense read lays out, from its XML's bytes.

Why: python-calamine lays a sheet out densely from the smallest to the largest row and
column of its cells with a value, and python-calamine's to_python() from A1: a value in
A1 and one in XFD1048576 ask for 17 billion cells. Parsing the XML to find out would
cost what reading it does, so this uses byte searches at C speed: count the cells with
content (`</c>`; an empty cell is written `<c .../>`), and check that every cell lies
inside the `<dimension ref=...>` the sheet declares (Excel, LibreOffice and openpyxl
write it first; cellrefs.py reads every cell's position at once, a regex decides what it
cannot). Then the declared dimension bounds the dense area. A sheet without
one (openpyxl's write-only mode) has its farthest row and column measured instead,
with a regex match per cell. When a cell lies outside the dimension or does not name
its position (`<c r="B7"`), the area is unknown and the sheet is read sparsely.
"""

from __future__ import annotations

import re

from migrator.read.cellrefs import count, inside
from migrator.read.model import SheetCells

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})([0-9]{1,7})'
                        rb'(?::([A-Z]{1,3})([0-9]{1,7}))?"')
SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\b[^>]*?(/?)>")
"""A sheet's <sheetData> start tag: its element prefix, and "/" when it is empty."""


def beyond(bound: bytes, alphabet: tuple[int, int]) -> bytes:
    """A regex for the same-kind tokens greater than `bound` (letters or digits).

    Longer tokens are greater; among tokens as long, the first differing character
    decides: `J` gives `[A-Z]{2,}|[K-Z]`, `28034` gives `[0-9]{6,}|[3-9][0-9]{4}|…`.
    """
    lo, hi = (bytes([c]) for c in alphabet)
    any_ = b"[" + lo + b"-" + hi + b"]"
    alts = [any_ + b"{%d,}" % (len(bound) + 1)]
    for i, ch in enumerate(bound):
        if ch < alphabet[1]:
            rest = len(bound) - i - 1
            alts.append(re.escape(bound[:i]) + b"[" + bytes([ch + 1]) + b"-" + hi + b"]"
                        + (any_ + b"{%d}" % rest if rest else b""))
    return b"(?:" + b"|".join(alts) + b")"


class XlsxSheetCounter:
    """Fed one worksheet's XML in chunks cut between tags; then its SheetCells."""

    def __init__(self, sheet: str, measure: bool = False) -> None:
        """`measure`: without a dimension, find the farthest cell (else the area is None
        and `unmeasured` says a second pass with `measure` would tell it)."""
        self.sheet = sheet
        self.measure = measure
        self.unmeasured = False
        self.cells = 0
        """Cells with content so far: a value, or a formula without its cached value."""
        self._dimension: tuple[bytes, bytes] | None = None  # (last column, last row)
        self._outside: re.Pattern[bytes] | None = None
        self._prefix: bytes | None = None  # the element-name prefix, once <sheetData> is seen
        self._bounded = True
        self._far_row, self._far_column = 0, b""  # measured when there is no dimension
        self._done: list[tuple[str, SheetCells]] = []

    def feed(self, data: bytes) -> None:
        if self._prefix is None:
            data = self._start(data)
            if self._prefix is None:
                return
        self.cells += count(data, self._close)
        if self._bounded and self._outside is not None and self._dimension is not None \
                and not inside(data, self._tag, *self._dimension) \
                and self._outside.search(data):
            self._bounded = False
        elif self._bounded and self._outside is None and self.measure:
            self._measure(data)

    def _measure(self, data: bytes) -> None:
        """Without a dimension, find the farthest row and column (openpyxl's write-only
        mode writes none): slower, a regex match per cell, but C-level sets and maxima."""
        if self._unplaced.search(data):
            self._bounded = False
            return
        columns = set(self._columns.findall(data))
        if columns:
            far = max(columns, key=lambda c: (len(c), c))
            self._far_column = max(self._far_column, far, key=lambda c: (len(c), c))
        rows = set(self._rows.findall(data))
        if rows:
            self._far_row = max(self._far_row, max(map(int, rows)))

    def _start(self, data: bytes) -> bytes:
        """Find the dimension and <sheetData>; the data after it."""
        dim = _DIMENSION.search(data)
        if dim is not None:
            self._dimension = (dim.group(3) or dim.group(1), dim.group(4) or dim.group(2))
        m = SHEET_DATA.search(data)
        if m is None:
            return b""
        p = self._prefix = m.group(1) or b""
        self._close = b"</" + p + b"c>"
        self._tag = b"<" + p + b"c"
        c = b"<" + re.escape(p) + b"c"
        if self._dimension is None:
            self._unplaced = re.compile(c + rb'(?:[>/]| (?!r="))')
            self._columns = re.compile(c + rb' r="([A-Z]+)[0-9]')
            self._rows = re.compile(c + rb' r="[A-Z]*([0-9]+)"')
        else:
            column, row = self._dimension
            self._outside = re.compile(
                c + rb'(?:[>/]| (?!r=")| r="' + beyond(column, (65, 90)) + rb'[0-9]| r="[A-Z]+'
                + beyond(row, (48, 57)) + b'")')
        return b"" if m.group(2) else data[m.end():]

    def _declared_area(self) -> int | None:
        """The area the dimension declares, while every cell so far lies inside it."""
        if not self._bounded or self._dimension is None:
            return None
        column, row = self._dimension
        return int(row) * column_number(column)

    def so_far(self) -> SheetCells:
        """What the XML fed so far holds: its cells, and the declared area they lie in."""
        return SheetCells(self.cells, self._declared_area() if self._prefix is not None
                          else None)

    def close(self) -> None:
        """The member ended: the sheet is finished."""
        area = self._declared_area()
        if area is not None and not self.cells:
            area = 0
        elif area is None and self._bounded and self._prefix is not None and self.measure:
            area = self._far_row * column_number(self._far_column)
        self.unmeasured = self._bounded and self._dimension is None and not self.measure
        self._done.append((self.sheet, SheetCells(self.cells, area)))

    def finished(self) -> list[tuple[str, SheetCells]]:
        """The sheets finished since the last call."""
        done, self._done = self._done, []
        return done


def column_number(letters: bytes) -> int:
    """1-based column number of Excel letters (A → 1, XFD → 16384)."""
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number
