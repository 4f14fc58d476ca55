"""Cells of an OpenDocument spreadsheet's tables, repeats counted, from content.xml's bytes.

Why: a row or cell element can say it repeats a million times
(`table:number-rows-repeated`, `table:number-columns-repeated`); python-calamine expands
every repeat of a value into a cell, so a 900-byte file can ask for 10^12 cells. Here
the repeats are multiplied out as numbers, never as cells: one regular-expression
match per element, bounded memory. Empty repeated cells, which LibreOffice writes to
the end of every sheet, count for nothing, as calamine skips them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from migrator.read.model import SheetCells

_TAG = re.compile(
    rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])"
    rb"((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_NAME = re.compile(rb'table:name="([^"]*)"')
_ROWS = re.compile(rb'table:number-rows-repeated="([0-9]+)"')
_COLS = re.compile(rb'table:number-columns-repeated="([0-9]+)"')


def _repeats(pattern: re.Pattern[bytes], attrs: bytes) -> int:
    if b"repeated" not in attrs:
        return 1
    m = pattern.search(attrs)
    return max(int(m.group(1)), 1) if m else 1


class OdsCounter:
    """Fed content.xml in chunks cut between tags; the tables found, by name."""

    def __init__(self) -> None:
        self.sheet = ""
        self.cells = 0
        """Cells with a value in the current table, repeats multiplied out."""
        self._done: list[tuple[str, SheetCells]] = []
        self._row = self._rows = self._right = 0
        self._row_cells = self._row_repeats = self._col = self._row_right = 0
        self._handlers: dict[bytes, Callable[[bool, bytes, bool], None]] = {
            b"table": self._table, b"table-row": self._table_row,
            b"table-cell": self._cell, b"covered-table-cell": self._cell,
        }

    def feed(self, data: bytes) -> None:
        for m in _TAG.finditer(data):
            attrs = m.group(3)
            empty = attrs.endswith(b"/")
            self._handlers[m.group(2)](bool(m.group(1)), attrs, empty)

    def _table(self, closing: bool, attrs: bytes, empty: bool) -> None:
        if closing:
            self._end_table()
            return
        m = _NAME.search(attrs)
        self.sheet = html.unescape(m.group(1).decode("utf-8", "replace")) if m else ""
        self.cells = self._row = self._rows = self._right = 0
        if empty:
            self._end_table()

    def _table_row(self, closing: bool, attrs: bytes, empty: bool) -> None:
        if closing:
            self._end_row()
            return
        self._row_repeats = _repeats(_ROWS, attrs)
        self._row_cells = self._col = self._row_right = 0
        if empty:
            self._end_row()

    def _cell(self, closing: bool, attrs: bytes, empty: bool) -> None:
        if closing:
            return
        repeats = _repeats(_COLS, attrs)
        if not empty or b"value-type" in attrs:
            self._row_cells += repeats
            self._row_right = self._col + repeats
        self._col += repeats

    def _end_row(self) -> None:
        if self._row_cells:
            self.cells += self._row_cells * self._row_repeats
            self._rows = self._row + self._row_repeats
            self._right = max(self._right, self._row_right)
        self._row += self._row_repeats
        self._row_cells = 0

    def _end_table(self) -> None:
        self._done.append((self.sheet, SheetCells(self.cells, self._rows * self._right,
                                                  self._right)))
        self.cells = 0

    def close(self) -> None:
        """The member ended (every table was closed by its end tag)."""

    def finished(self) -> list[tuple[str, SheetCells]]:
        """The tables ended since the last call."""
        done, self._done = self._done, []
        return done
