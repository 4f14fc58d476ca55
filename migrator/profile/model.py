"""Profiles of source tables, written as the profile JSON of DESIGN.md."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrator.read.model import SkippedRow, SkippedSheet, SourceTable


@dataclass(frozen=True)
class ColumnProfile:
    name: str
    """The column's name as read (`連絡先 / TEL`)."""
    column: str | None
    """Excel column letter(s) in the sheet; None for a card."""

    def asdict(self) -> dict[str, Any]:
        return {"name": self.name, "column": self.column}


@dataclass(frozen=True)
class TableProfile:
    file: str
    sheet: str | None
    layout: str
    header_rows: list[int]
    data_rows: int
    skipped: list[SkippedRow]
    columns: list[ColumnProfile]
    cells: dict[str, str] = field(default_factory=dict)
    sheets: list[str] = field(default_factory=list)
    """For a card table: the card sheets it was read from."""

    def asdict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": self.file,
            "sheet": self.sheet,
            "layout": self.layout,
            "header_rows": self.header_rows,
            "data_rows": self.data_rows,
            "skipped": [s.asdict() for s in self.skipped],
            "columns": [c.asdict() for c in self.columns],
        }
        if self.layout == "card":
            out["sheets"] = self.sheets
            out["cells"] = self.cells
        return out


@dataclass
class Profile:
    """Profiles of every table read, and the sheets that were skipped."""

    tables: list[TableProfile]
    skipped_sheets: list[SkippedSheet] = field(default_factory=list)

    def asdict(self) -> dict[str, Any]:
        return {
            "tables": [t.asdict() for t in self.tables],
            "skipped_sheets": [s.asdict() for s in self.skipped_sheets],
        }

    def to_json(self, path: Path) -> None:
        """Write atomically: a reader of `path` never sees half a file."""
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.asdict(), ensure_ascii=False, indent=2) + "\n",
                       encoding="utf-8")
        tmp.replace(path)


def profile(table: SourceTable) -> TableProfile:
    """The table part of a profile: where the table is and how it was read."""
    letters: list[str | None] = list(table.columns_at) or [None] * len(table.columns)
    return TableProfile(
        file=table.file,
        sheet=table.sheet,
        layout=table.layout,
        header_rows=list(table.header_rows),
        data_rows=table.data_rows,
        skipped=list(table.skipped),
        columns=[ColumnProfile(n, c) for n, c in zip(table.columns, letters, strict=True)],
        cells=dict(table.cells),
        sheets=list(table.details.get("sheets", [])),
    )
