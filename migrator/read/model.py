"""Grids: one sheet's cells as the readers hand them to detection.

The source tables built from them are a contract between stages: migrator.tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

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

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def to_series(values: list[Cell]) -> pd.Series:
    """A column of exact values: all-text as pandas str, anything else as object (no coercion)."""
    if all(v is None or isinstance(v, str) for v in values):
        return pd.Series(values, dtype="str")
    return pd.Series(values, dtype="object")
