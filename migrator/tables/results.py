"""The results that flow from map to load: one object per stage, and what they share.

    apply_mapping → MappedTables → clean → CleanedTables → dedupe → DedupedTables
      → validate → ValidationReport → load (or export)

Each stage reads the stage before it only through these objects, so the stages stand
side by side and import none of each other. Every object carries the target schema, one
frame per target table, every row rejected so far (with its lineage and reasons), every
cell changed, every row merged, the rows each table started with, and a Trail of what the
run report needs: the files read, the mapping's checksum and the seconds each stage took.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import pandas as pd

from migrator.display import fixes_line, html_lines, html_table, plural, text_table
from migrator.errors import StageOrderError
from migrator.lineage import LINEAGE_COLUMNS
from migrator.rejects import (
    CHANGE_COLUMNS,
    ISSUE_COLUMNS,
    MERGE_COLUMNS,
    REJECT_COLUMNS,
    count_by_table,
    empty_frame,
    reason_pairs,
)
from migrator.tables.sources import SourceFile

if TYPE_CHECKING:  # pydantic's import is 0.07 s of a read helper's start-up, which needs none
    from migrator.schema import TargetSchema

RULES = "_rules"
"""Hidden column of a mapped frame: which entry of MappedTables.rules cleans the row."""
FAILURE_COLUMNS = ["table", "column", "expectation", "value", *LINEAGE_COLUMNS]
"""A validation failure: the table, the expectation broken, where, and the value."""
CLUSTER_COLUMNS = ["table", "cluster", *LINEAGE_COLUMNS, "score", "role"]
"""A row found to be one record with others: its cluster, score and role in it."""
PAIR_COLUMNS = ["table", *(f"left{c}" for c in LINEAGE_COLUMNS),
                *(f"right{c}" for c in LINEAGE_COLUMNS), "score", "agreed"]
"""A scored pair of rows: where each was read, the match probability, the fields that
agreed (`left_source_row`...)."""
FixPlace = tuple[str, str, str, str | None, int]
"""Where a hand fix applies: table, field, and the row's file, sheet and 1-based row."""
STAGES = ("read", "profile", "suggest", "map", "clean", "dedupe", "validate", "load")
"""The order stage timings are shown in."""


@dataclass(frozen=True)
class FieldRule:
    """How one source's values of one field are cleaned (the mapping's per-column settings).

    Settings travel with the rows of their own source: a UK sheet's `date_dmy` never
    touches the rows of a JP sheet that feeds the same field.
    """

    transform: tuple[str, ...] = ()
    """Named transforms in order; empty means the default for the field's format."""
    on_error: Literal["reject", "null", "issue"] | None = None
    """What a value that cannot be cleaned does: reject its row, empty the value (`null`),
    or empty it and keep the raw value as a cell issue (`issue`). None: the field's default
    (reject for a required field, a primary or a foreign key; issue for the others)."""
    country: str | None = None
    """The country (ISO 3166-1 alpha-2) national numbers of this column are read in, for
    every row of the source; None: the row's, else the sheet's, else the default."""


DEFAULT_RULE = FieldRule()


@dataclass(frozen=True)
class Trail:
    """What the run report needs from the stages before load."""

    files: tuple[SourceFile, ...] = ()
    """The files read, with their SHA-256."""
    started_at: str | None = None
    """When reading began (ISO 8601, UTC)."""
    mapping_sha256: str | None = None
    seconds: tuple[tuple[str, float], ...] = ()
    """(stage, seconds), in pipeline order (STAGES)."""
    not_loaded: tuple[tuple[str, int], ...] = ()
    """(source table, data rows) of the tables the mapping maps no column of: read,
    counted, and reported as not loaded."""
    privacy: tuple[tuple[str, str], ...] = ()
    """(`table.field`, mask | hash | drop): what validate protects before anything is
    written (migrator/privacy.py)."""
    decisions_sha256: str | None = None
    """The duplicate decisions' SHA-256 (the file's, when read from one); None when none."""
    fixes_sha256: str | None = None
    """The hand fixes' SHA-256 (the file's, when read from one); None when none were given."""
    fixes_applied: int = 0
    """Hand fixes that found their row holding the value they replace, and changed it."""
    fixes_stale: tuple[FixPlace, ...] = ()
    """(table, field, file, sheet, row) of each hand fix that found no such row: the source
    changed since the fix was made, so it no longer applies."""

    def then(self, step: str, seconds: float) -> Trail:
        """This trail with one more stage's seconds (added to a stage already timed)."""
        times = dict(self.seconds)
        times[step] = times.get(step, 0.0) + seconds
        order = sorted(times, key=lambda s: STAGES.index(s) if s in STAGES else len(STAGES))
        return replace(self, seconds=tuple((s, times[s]) for s in order))

    @property
    def timings(self) -> dict[str, float]:
        return dict(self.seconds)


@dataclass(frozen=True)
class RowCounts:
    """Where one target table's rows are after a stage: read = kept + merged + rejected."""

    read: int
    kept: int
    merged: int
    rejected: int
    changed: int
    """Cells changed (the change log's rows), not rows."""
    issues: int = 0
    """Cells that could not be cleaned and were kept empty (cell issues); their rows are
    kept, so they are not in the accounting."""

    @property
    def accounting_ok(self) -> bool:
        return self.read == self.kept + self.merged + self.rejected


@dataclass(repr=False)
class StageTables:
    """What every stage from map to validate hands on; see the module docstring."""

    schema: TargetSchema
    frames: dict[str, pd.DataFrame]
    """One frame per target table: schema fields, helper columns (`_…`) and lineage."""
    rows_read: dict[str, int] = field(default_factory=dict)
    """Rows each target table started with (after apply_mapping)."""
    rejects: pd.DataFrame = field(default_factory=lambda: empty_frame(REJECT_COLUMNS))
    """Every row rejected so far: table, lineage, reasons, record (JSON)."""
    changes: pd.DataFrame = field(default_factory=lambda: empty_frame(CHANGE_COLUMNS))
    """Every cell changed so far: table, lineage, field, before, after, rule."""
    issues: pd.DataFrame = field(default_factory=lambda: empty_frame(ISSUE_COLUMNS))
    """Every cell issue so far: an optional value that could not be cleaned, emptied in its
    row (which is kept) and kept here as typed: table, lineage, field, value, reason."""
    merges: pd.DataFrame = field(default_factory=lambda: empty_frame(MERGE_COLUMNS))
    """Every row merged into another as its duplicate: table, surviving key, lineage, why."""
    clusters: pd.DataFrame = field(default_factory=lambda: empty_frame(CLUSTER_COLUMNS))
    """From dedupe on: rows found to be one record (role `survivor` or `merged`, one
    cluster number each) and rows in pairs that need a person's review (role `review`):
    table, cluster, lineage, score (the row's best pair), role."""
    trail: Trail = field(default_factory=Trail)

    stage: ClassVar[str] = "tables"
    """What made this object, for messages (`cleaned tables`)."""
    made_by: ClassVar[str] = ""

    def counts(self) -> dict[str, RowCounts]:
        """Per target table: rows read, kept, merged and rejected, cells changed and cell
        issues."""
        return {name: RowCounts(read, len(self.frames.get(name, ())),
                                count_by_table(self.merges, name),
                                count_by_table(self.rejects, name),
                                count_by_table(self.changes, name),
                                count_by_table(self.issues, name))
                for name, read in self.rows_read.items()}

    @property
    def accounting_ok(self) -> bool:
        """Nothing is lost: every row read is kept, merged or rejected, in every table."""
        return all(c.accounting_ok for c in self.counts().values())

    def reasons(self) -> list[tuple[str, int]]:
        """Reject reasons (`invalid_phone:phone`) with how many rows carry each, most first."""
        found: Counter[str] = Counter()
        for text in self.rejects["reasons"]:
            found.update(f"{code}:{name}" if name else code for code, name in reason_pairs(text))
        return found.most_common()

    def headline(self) -> str:
        counts = self.counts().values()
        read = sum(c.read for c in counts)
        parts = [plural(len(self.frames), "table"), f"{read:,} rows read",
                 f"{sum(c.kept for c in counts):,} kept"]
        merged = sum(c.merged for c in counts)
        if merged:
            parts.append(f"{merged:,} merged")
        parts.append(f"{sum(c.rejected for c in counts):,} rejected")
        return f"{type(self).__name__}: " + ", ".join(parts)

    def summary_lines(self) -> list[str]:
        """What a person reads first: counts per table, the accounting, the top reasons."""
        lines = [self.headline()]
        verdict = "holds" if self.accounting_ok else "DOES NOT HOLD"
        lines.append(f"  accounting (read = kept + merged + rejected): {verdict}")
        top = self.reasons()[:5]
        if top:
            lines.append("  top reject reasons: " + ", ".join(f"{r} ×{n}" for r, n in top))
        issues = [f"{plural(c.issues, 'cell issue')} in {name}"
                  for name, c in self.counts().items() if c.issues]
        if issues:
            lines.append("  " + ", ".join(issues) + " (loaded empty, raw values kept)")
        if self.trail.fixes_sha256 is not None:
            lines.append(f"  {fixes_line(self.trail.fixes_applied, self.trail.fixes_stale)}")
        return lines

    _HEADER = ("table", "read", "kept", "merged", "rejected", "cells changed")

    def _rows(self) -> list[tuple[Any, ...]]:
        return [(name, c.read, c.kept, c.merged, c.rejected, c.changed)
                for name, c in self.counts().items()]

    def __repr__(self) -> str:
        lines = self.summary_lines()
        return "\n".join([lines[0], text_table(self._HEADER, self._rows()), *lines[1:]])

    __str__ = __repr__

    def _repr_html_(self) -> str:
        lines = self.summary_lines()
        return html_table(self._HEADER, self._rows(), caption=lines[0]) + html_lines(lines[1:])


@dataclass(repr=False)
class MappedTables(StageTables):
    """apply_mapping's result: raw values per target table, rows linked, lineage kept."""

    rules: list[dict[str, FieldRule]] = field(default_factory=list)
    """Per mapping source, the rule of each `table.field` it feeds; a row's `_rules` column
    names its entry. A field a source does not name takes DEFAULT_RULE."""

    stage: ClassVar[str] = "mapped tables"
    made_by: ClassVar[str] = "apply_mapping()"

    def rule(self, index: int, table: str, name: str) -> FieldRule:
        """The rule of `table.name` for rows of rule set `index`."""
        return self.rules[index].get(f"{table}.{name}", DEFAULT_RULE) if self.rules \
            else DEFAULT_RULE


@dataclass(repr=False)
class CleanedTables(StageTables):
    """clean's result: every value canonical, every change logged, every failure a reject."""

    stage: ClassVar[str] = "cleaned tables"
    made_by: ClassVar[str] = "clean()"


@dataclass(repr=False)
class DedupedTables(StageTables):
    """dedupe's result: one row per key, the duplicates merged or rejected, with clusters."""

    compared: dict[str, int] = field(default_factory=dict)
    """Per matched table, the candidate pairs scored (blocking keeps this near-linear)."""
    pairs: pd.DataFrame = field(default_factory=lambda: empty_frame(PAIR_COLUMNS))
    """The pairs that scored at least the review threshold, each with its score and the
    fields that agreed (the rest of the candidates scored lower and are not kept)."""

    stage: ClassVar[str] = "deduplicated tables"
    made_by: ClassVar[str] = "dedupe()"

    def summary_lines(self) -> list[str]:
        lines = super().summary_lines()
        for table, pairs in self.compared.items():
            found = self.clusters[self.clusters["table"] == table]
            merged = found[found["role"] != "review"]["cluster"].nunique()
            review = found[found["role"] == "review"]["cluster"].nunique()
            lines.append(f"  {table}: {pairs:,} pairs compared, {merged:,} clusters merged, "
                         f"{review:,} groups need review")
        return lines



@dataclass(repr=False)
class ValidationReport(StageTables):
    """validate's result: the rows that passed every suite, ready to load or export; the
    rows that failed joined the rejects, and `failures` says which expectation each broke."""

    failures: pd.DataFrame = field(default_factory=lambda: empty_frame(FAILURE_COLUMNS))
    """table, column, expectation, value, lineage: one row per (row, expectation) failed."""
    results: dict[str, Any] = field(default_factory=dict)
    """Per table: GX `success`, counts, and per expectation its `unexpected_count`."""
    docs: Path | None = None
    """The Data Docs index page, when validate wrote one."""

    stage: ClassVar[str] = "validated tables"
    made_by: ClassVar[str] = "validate()"

    @property
    def success(self) -> bool:
        """True when every expectation held for every row (before failing rows were set
        aside)."""
        return all(r["success"] for r in self.results.values())

    def summary_lines(self) -> list[str]:
        lines = super().summary_lines()
        for table, r in self.results.items():
            failed = [f"{e['expectation']}({e['column']}) ×{e['unexpected_count']}"
                      for e in r["expectations"] if not e["success"]]
            line = (f"  {table}: {r['evaluated_expectations']} expectations, "
                    f"{r['failed_expectations']} failed, {r['rows_failing']} of {r['rows']} "
                    "rows failing")
            lines.append(line + (": " + ", ".join(failed) if failed else ""))
        if self.docs is not None:
            lines.append(f"  Data Docs: {self.docs}")
        return lines



def require(given: object, *kinds: type[StageTables], verb: str) -> None:
    """StageOrderError unless `given` is one of `kinds`: the result of the stage `verb`
    follows (`clean(cleaned)` would clean twice; `load(cleaned)` would skip validation)."""
    if isinstance(given, kinds):
        return
    wanted = " or ".join(k.made_by for k in kinds)
    what = (f"{type(given).__name__} ({given.stage})" if isinstance(given, StageTables)
            else type(given).__name__)
    raise StageOrderError(f"{verb}() takes what {wanted} returns, not {what}")
