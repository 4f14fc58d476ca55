"""The objects the read stage hands on: grids from files, source tables from grids."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

import pandas as pd

from migrator.lineage import LINEAGE_COLUMNS

Cell = Any
"""A cell value as a person sees it: str, int, float, bool, date/datetime/time/timedelta, None."""

Merge = tuple[int, int, int, int]
"""A merged range as 0-based inclusive (first_row, first_col, last_row, last_col)."""


class SkipReason(StrEnum):
    """Why a non-empty or blank row of a sheet is not a data row (DESIGN.md)."""

    TITLE = "title"
    BLANK = "blank"
    SUBTOTAL = "subtotal"
    TOTAL = "total"
    FOOTER = "footer"
    NOTE = "note"
    REPEATED_HEADER = "repeated_header"


@dataclass(frozen=True)
class SkippedRow:
    row: int
    """1-based Excel row number."""
    reason: SkipReason

    def asdict(self) -> dict[str, Any]:
        return {"row": self.row, "reason": str(self.reason)}


@dataclass(frozen=True)
class SkippedSheet:
    """A sheet that was seen and not read, and why (hidden, empty, chart, no table)."""

    file: str
    sheet: str
    reason: str

    def asdict(self) -> dict[str, Any]:
        return {"file": self.file, "sheet": self.sheet, "reason": self.reason}


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


@dataclass
class SourceTable:
    """One detected table: its values with lineage, and what detection decided.

    `frame` holds the data rows in source order with the lineage columns
    `_source_file`, `_source_sheet`, `_source_row` last.
    """

    file: str
    sheet: str | None
    frame: pd.DataFrame
    layout: Literal["table", "card"] = "table"
    header_rows: list[int] = field(default_factory=list)
    """1-based Excel rows that form the header (empty for a headerless table)."""
    skipped: list[SkippedRow] = field(default_factory=list)
    """Rows inside the table's area that are not data, with the reason."""
    columns_at: list[str] = field(default_factory=list)
    """Excel column letters of each data column, in order (for a card: empty)."""
    cells: dict[str, str] = field(default_factory=dict)
    """For a card: each label's usual value cell (`{"会社名": "C4"}`)."""
    value_cells: list[dict[str, str]] = field(default_factory=list)
    """For a card: per row, each label's value cell on that row's sheet."""
    details: dict[str, Any] = field(default_factory=dict)
    """What the reader decided about the file (encoding, delimiter, date system...)."""

    @property
    def columns(self) -> list[str]:
        """Data column names, lineage excluded."""
        return [c for c in self.frame.columns if c not in LINEAGE_COLUMNS]

    @property
    def data_rows(self) -> int:
        return len(self.frame)

    @property
    def name(self) -> str:
        return f"{self.file} [{self.sheet}]" if self.sheet else self.file

    def __str__(self) -> str:
        header = ", ".join(map(str, self.header_rows)) or "none"
        lines = [
            f"{self.name}: {self.layout}, {plural(self.data_rows, 'data row')}, "
            f"{plural(len(self.columns), 'column')}, header rows {header}",
            "  columns: " + " | ".join(self.columns),
        ]
        if self.skipped:
            counts: dict[str, list[int]] = {}
            for s in self.skipped:
                counts.setdefault(str(s.reason), []).append(s.row)
            parts = [f"{reason} {row_ranges(rows)}" for reason, rows in counts.items()]
            lines.append("  skipped: " + "; ".join(parts))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from html import escape

        head = escape(str(self)).replace("\n", "<br>")
        return f"<p>{head}</p>{self.frame.head(10).to_html()}"


class SourceTables(list[SourceTable]):
    """The tables read from a set of files, plus the sheets that were seen and skipped."""

    def __init__(self, tables: list[SourceTable] | None = None,
                 skipped_sheets: list[SkippedSheet] | None = None) -> None:
        super().__init__(tables or [])
        self.skipped_sheets: list[SkippedSheet] = list(skipped_sheets or [])

    def __str__(self) -> str:
        lines = [str(t) for t in self]
        lines += [f"{s.file} [{s.sheet}]: skipped ({s.reason})" for s in self.skipped_sheets]
        return "\n".join(lines)


def to_series(values: list[Cell]) -> pd.Series:
    """A column of exact values: all-text as pandas str, anything else as object (no coercion)."""
    if all(v is None or isinstance(v, str) for v in values):
        return pd.Series(values, dtype="str")
    return pd.Series(values, dtype="object")


def plural(n: int, noun: str) -> str:
    """`1 data row`, `2 data rows`."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: wide (CJK) characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def row_ranges(rows: Iterable[int], dash: str = "-") -> str:
    """Compact row numbers for people: [1, 2, 3, 7] → `1-3, 7`."""
    runs: list[list[int]] = []
    for n in rows:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}{dash}{b}" for a, b in runs)
