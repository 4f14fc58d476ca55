"""Grids: one sheet's cells as the readers hand them to detection.

The source tables built from them are a contract between stages: migrator.tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from migrator.distinct import codes_if_repeated

Cell = Any
"""A cell value as a person sees it: str, int, float, bool, date/datetime/time/timedelta, None."""

Merge = tuple[int, int, int, int]
"""A merged range as 0-based inclusive (first_row, first_col, last_row, last_col)."""


@dataclass
class Grid:
    """One sheet's cells, 0-based, cleaned to what a person sees; the readers' output."""

    file: str
    """The file's name as the user gave it."""
    sheet: str | None
    """Sheet name; None for a CSV."""
    rows: list[list[Cell]]
    """Row-major cells; rows may differ in length; None is an empty cell."""
    merged: list[Merge] = field(default_factory=list)
    """Merged ranges, 0-based inclusive."""
    details: dict[str, Any] = field(default_factory=dict)
    """What the reader decided about the file (encoding, delimiter, date system...)."""
    row_numbers: list[int] | None = None
    """The sheet row (0-based) of each grid row when a sparse read cut long empty runs;
    None when grid rows are sheet rows."""
    col_numbers: list[int] | None = None
    """The sheet column (0-based) of each grid column, likewise."""
    cells: np.ndarray | None = None
    """The same cells as a (rows, columns) object array, when the reader laid the sheet
    out densely (every row then keeps its blank cells); detection reads columns from it."""
    kinds: np.ndarray | None = None
    """With `cells`: each cell's kind (migrator.read.cells: BLANK, TEXT, VALUE, TEXT_KIN)
    as an int8 array of the same shape, so detection tells text and blanks apart in bulk."""

    def sheet_row(self, r: int) -> int:
        """The 0-based sheet row of grid row `r`: lineage counts sheet rows."""
        return r if self.row_numbers is None else self.row_numbers[r]

    def sheet_col(self, c: int) -> int:
        """The 0-based sheet column of grid column `c`: letters are the sheet's."""
        return c if self.col_numbers is None else self.col_numbers[c]

    @property
    def width(self) -> int:
        if self.cells is not None and self.cells.shape[0] == len(self.rows):
            return int(self.cells.shape[1])
        return max(map(len, self.rows), default=0)


_DENSE_FLOOR = 1 << 20
"""Any sheet may be laid out densely up to this many cells (32 MB in calamine)."""


@dataclass(frozen=True)
class SheetCells:
    """What one sheet holds, counted in its XML before it is parsed (migrator.read.scan)."""

    cells: int
    """Cells with a value (repeated ODS cells counted one by one); empty styled cells not."""
    area: int | None
    """Cells a dense read lays out (from A1 to the last row and the rightmost column with a
    value), or None when the XML does not tell cheaply (cells without positions, rows out
    of order): such a sheet is read sparsely."""
    width: int | None = None
    """Columns up to the rightmost with a value, when the scan knows it exactly (ODS)."""

    def fits_densely(self) -> bool:
        """A dense read costs little more than the cells themselves."""
        return self.area is not None and self.area <= max(2 * self.cells, _DENSE_FLOOR)


_NONE = type(None)


def to_series(values: list[Cell] | np.ndarray, text: bool | None = None) -> pd.Series:
    """A column of exact values: all-text as pandas str, anything else as object (no coercion).

    `text` says whether every value is text or None when the caller knows (a dense
    sheet's kinds); else the values' types are looked at. An object array is taken as
    it is (pandas builds a str column from one in half the time it takes from a list)."""
    if text is None:
        text = all(k is _NONE or issubclass(k, str) for k in set(map(type, values)))
    if text:
        return pd.Series(shared_texts(values), dtype="str")
    return pd.Series(values, dtype="object")


SHARED_AT_MOST = 0.05
"""The share of distinct values at most with which equal texts are shared."""


def shared_texts(values: list[Cell] | np.ndarray) -> list[Cell] | np.ndarray:
    """A text column whose few values repeat (a product, a prefecture, a sales rep) with
    each value one object, else `values` as they are.

    Readers make one str per cell. Shared, the column takes a fraction of the memory,
    travels from a read helper as references (a 300,000-row product column pickled in
    0.071 -> 0.008 s and unpickled in 0.086 -> 0.006 s), and each value's hash is computed
    once for every later lookup. An even sample decides (`codes_if_repeated`), so that
    a column of codes costs one look at 2,000 cells, not a pass over all of them."""
    found = codes_if_repeated(values, SHARED_AT_MOST)
    if found is None:
        return values
    codes, uniques = found
    return uniques[codes]
