"""profile: source tables → Profile, written as the profile JSON of DESIGN.md."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrator.display import display_width, html_table, plural, row_ranges, text_table
from migrator.gcpause import fewer_collections
from migrator.lineage import LINEAGE_COLUMNS
from migrator.profile.column import ColumnProfile, profile_column
from migrator.tables import SkippedRow, SkippedSheet, SourceTable, SourceTables

__all__ = ["ColumnProfile", "Profile", "TableProfile", "profile", "profile_table"]


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
    source: SourceTable | None = field(default=None, repr=False, compare=False)
    """The table profiled, for the map stage (never written to the JSON)."""

    @property
    def name(self) -> str:
        return f"{self.file} [{self.sheet}]" if self.sheet else self.file

    def __str__(self) -> str:
        where = self.name
        header = row_ranges(self.header_rows) or "none"
        lines = [f"{where}: {self.layout}, {plural(self.data_rows, 'data row')}, "
                 f"header rows {header}"]
        width = max((display_width(c.name) for c in self.columns), default=0)
        for c in self.columns:
            name = c.name + " " * (width - display_width(c.name))
            sem = f"{c.semantic.type} {c.semantic.confidence:.0%}"
            flags = f"  ! {', '.join(c.flags)}" if c.flags else ""
            flags += f"  personal: {c.personal.kind}" if c.personal else ""
            lines.append(f"  {name}  {c.inferred_type:<8} {sem:<19} "
                         f"{c.null_share:>4.0%} empty{flags}")
        reasons: dict[str, list[int]] = {}
        for s in self.skipped:
            reasons.setdefault(str(s.reason), []).append(s.row)
        if reasons:
            lines.append("  skipped: " + "; ".join(f"{r} {row_ranges(rows)}"
                                                   for r, rows in reasons.items()))
        if self.source is not None:
            lines += self.source.left_out()
        return "\n".join(lines)

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
            left = self.source.details.get("tables_left_out") if self.source else None
            if left:
                out["tables_left_out"] = left
        return out


@dataclass(repr=False)
class Profile:
    """Profiles of every table read, and the sheets that were skipped; `profile`'s result.

    Each TableProfile keeps the SourceTable it describes (`.source`), so the map stage
    can take a Profile alone: `suggest_mapping(profile(tables))`.
    """

    tables: list[TableProfile]
    skipped_sheets: list[SkippedSheet] = field(default_factory=list)
    seconds: float = 0.0
    """How long profiling took."""
    sources: SourceTables = field(default_factory=SourceTables, compare=False)
    """The source tables profiled, as read_sources returned them."""

    def __str__(self) -> str:
        lines = [str(t) for t in self.tables]
        lines += [f"{s.file} [{s.sheet}]: skipped ({s.reason})" for s in self.skipped_sheets]
        return "\n".join(lines)

    def _rows(self) -> list[tuple[object, ...]]:
        return [(t.name, c.name, c.inferred_type, c.semantic.type,
                 f"{c.semantic.confidence:.0%}", f"{c.null_share:.0%}", c.distinct,
                 ", ".join(c.flags)) for t in self.tables for c in t.columns]

    _HEADER = ("table", "column", "type", "semantic", "sure", "empty", "distinct", "flags")

    def __repr__(self) -> str:
        columns = sum(len(t.columns) for t in self.tables)
        head = (f"Profile: {plural(len(self.tables), 'table')}, {plural(columns, 'column')}, "
                f"{plural(sum(t.data_rows for t in self.tables), 'data row')}")
        return "\n".join([head, text_table(self._HEADER, self._rows())])

    def _repr_html_(self) -> str:
        return html_table(self._HEADER, self._rows(), caption=repr(self).splitlines()[0])

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

    def to_html(self, path: Path) -> None:
        """Write the self-contained HTML report, atomically."""
        from migrator.profile.html import write_html

        write_html(self.asdict(), path)


@fewer_collections()
def profile(tables: SourceTables | list[SourceTable]) -> Profile:
    """Profile every table read: where it is, how it was read, what each column holds.

    Example:
        >>> prof = profile(read_sources(["sample_data/顧客台帳.xlsx"]))
        >>> prof.tables[0].columns[3].semantic
        Semantic(type='phone', confidence=1.0)
    """
    started = time.perf_counter()
    sources = tables if isinstance(tables, SourceTables) else SourceTables(list(tables))
    profiles = [profile_table(t) for t in sources]
    return Profile(profiles, list(sources.skipped_sheets), time.perf_counter() - started,
                   sources)


def profile_table(table: SourceTable) -> TableProfile:
    """Profile one source table."""
    letters: list[str | None] = list(table.columns_at) or [None] * len(table.columns)
    positions = [i for i, c in enumerate(table.frame.columns) if c not in LINEAGE_COLUMNS]
    columns = [profile_column(str(table.frame.columns[i]), letter, table.frame.iloc[:, i])
               for i, letter in zip(positions, letters, strict=True)]
    return TableProfile(
        file=table.file,
        sheet=table.sheet,
        layout=table.layout,
        header_rows=list(table.header_rows),
        data_rows=table.data_rows,
        skipped=list(table.skipped),
        columns=columns,
        cells=dict(table.cells),
        sheets=list(table.details.get("sheets", [])),
        source=table,
    )
