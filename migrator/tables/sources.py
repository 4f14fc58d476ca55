"""Source tables: what the read stage hands to profile and map, with Excel lineage.

A contract between stages, so it sits below them: the read stage builds these objects,
the profile and map stages read them, and none of them imports another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from migrator.display import html_lines, html_table, plural, row_ranges, text_table
from migrator.lineage import LINEAGE_COLUMNS, SOURCE_ROW


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


@dataclass(frozen=True)
class SourceFile:
    """One file a run read: the run report names it with its SHA-256."""

    path: Path
    """As the caller gave it; used to place outputs beside the sources, never reported."""
    sha256: str
    size: int
    """Bytes."""

    @property
    def name(self) -> str:
        return self.path.name

    def asdict(self) -> dict[str, str]:
        """The run report's entry: the file's name and hash, not the caller's path."""
        return {"file": self.name, "sha256": self.sha256}


@dataclass(repr=False)
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

    @property
    def anchor(self) -> str | None:
        """The table's top-left cell in Excel terms (`A5`): its header's first cell, or its
        first data cell when it has no header; None for a card.

        It tells apart the tables of one sheet in the mapping, and does not move when rows
        are added below the header.
        """
        if self.layout == "card" or not self.columns_at:
            return None
        if self.header_rows:
            return f"{self.columns_at[0]}{self.header_rows[0]}"
        if not len(self.frame):
            return None
        return f"{self.columns_at[0]}{int(self.frame[SOURCE_ROW].iloc[0])}"

    def skipped_summary(self) -> str:
        """`title 1-2; subtotal 20, 34`: the skipped rows by reason, or empty."""
        counts: dict[str, list[int]] = {}
        for s in self.skipped:
            counts.setdefault(str(s.reason), []).append(s.row)
        return "; ".join(f"{reason} {row_ranges(rows)}" for reason, rows in counts.items())

    def __str__(self) -> str:
        header = ", ".join(map(str, self.header_rows)) or "none"
        lines = [
            f"{self.name}: {self.layout}, {plural(self.data_rows, 'data row')}, "
            f"{plural(len(self.columns), 'column')}, header rows {header}",
            "  columns: " + " | ".join(self.columns),
        ]
        if self.skipped:
            lines.append("  skipped: " + self.skipped_summary())
        lines += self.left_out()
        return "\n".join(lines)

    def left_out(self) -> list[str]:
        """`  left out: ...` lines for the tables inside cards that the card rows omit."""
        return [f"  left out: the table inside the card on [{left['sheet']}] "
                f"rows {left['rows'][0]}-{left['rows'][1]}"
                for left in self.details.get("tables_left_out", [])]

    def __repr__(self) -> str:
        return (f"<SourceTable {self.name}: {plural(self.data_rows, 'data row')}, "
                f"{plural(len(self.columns), 'column')}>")

    def _repr_html_(self) -> str:
        return html_lines(str(self).splitlines()) + self.frame.head(10).to_html()


class SourceTables(list[SourceTable]):
    """The tables read from a set of files, the sheets seen and skipped, and the files."""

    def __init__(self, tables: list[SourceTable] | None = None,
                 skipped_sheets: list[SkippedSheet] | None = None, *,
                 files: list[SourceFile] | None = None, started_at: str | None = None,
                 seconds: float = 0.0) -> None:
        super().__init__(tables or [])
        self.skipped_sheets: list[SkippedSheet] = list(skipped_sheets or [])
        self.files: list[SourceFile] = list(files or [])
        """Every file read, in the order given, with its hash."""
        self.started_at = started_at
        """When reading began (ISO 8601, UTC): the start of a run that goes on from here."""
        self.seconds = seconds
        """How long reading took."""
        self.meanwhile_seconds = 0.0
        """How much longer `read_sources` took for its `meanwhile` work, once reading was
        done (the pipeline counts it in validate: it imports the validation engine)."""
        self.early_seconds = 0.0
        """Likewise for its `early` work (the pipeline counts it in clean: it cleans
        columns ahead)."""

    def summary_rows(self) -> list[tuple[Any, ...]]:
        """Per table: where it is, how it was read, and its size."""
        return [(t.name, t.layout, ", ".join(map(str, t.header_rows)) or "none", t.data_rows,
                 len(t.columns), t.skipped_summary()) for t in self]

    SUMMARY_HEADER = ("table", "layout", "header rows", "data rows", "columns", "skipped")

    def __str__(self) -> str:
        lines = [str(t) for t in self]
        lines += [f"{s.file} [{s.sheet}]: skipped ({s.reason})" for s in self.skipped_sheets]
        return "\n".join(lines)

    def __repr__(self) -> str:
        head = (f"SourceTables: {plural(len(self), 'table')} from "
                f"{plural(len(self.files), 'file')}, "
                f"{plural(sum(t.data_rows for t in self), 'data row')}")
        rows = self.summary_rows()
        skipped = [f"  {s.file} [{s.sheet}]: skipped ({s.reason})" for s in self.skipped_sheets]
        return "\n".join([head, text_table(self.SUMMARY_HEADER, rows), *skipped])

    def _repr_html_(self) -> str:
        skipped = [(f"{s.file} [{s.sheet}]", s.reason) for s in self.skipped_sheets]
        out = html_table(self.SUMMARY_HEADER, self.summary_rows(),
                         caption=repr(self).splitlines()[0])
        if skipped:
            out += html_table(("sheet", "skipped because"), skipped)
        return out
