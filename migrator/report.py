"""RunReport: what a run did, per table, in the shape of DESIGN.md's run report JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from migrator.display import fixes_line, html_lines, html_table, text_table


@dataclass
class TableReport:
    rows_read: int = 0
    rows_loaded: int = 0
    rows_merged: int = 0
    rows_rejected: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def accounting_ok(self) -> bool:
        """Nothing is lost: every row read was loaded, merged or rejected."""
        return self.rows_read == self.rows_loaded + self.rows_merged + self.rows_rejected

    def asdict(self) -> dict[str, Any]:
        return {**asdict(self), "accounting_ok": self.accounting_ok}


def who() -> dict[str, str]:
    """The OS user, the host and the migrator version of this process (for `_runs`)."""
    import getpass
    import socket
    from importlib.metadata import PackageNotFoundError, version

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry for the uid (a container)
        user = "unknown"
    try:
        release = version("migrator")
    except PackageNotFoundError:
        release = "unknown"
    return {"user": user, "host": socket.gethostname(), "version": release}


@dataclass
class RunReport:
    run_id: str
    started_at: str
    target: str
    """The target URL with its password hidden."""
    dry_run: bool = False
    status: str = "running"
    finished_at: str | None = None
    sources: list[dict[str, str]] = field(default_factory=list)
    mapping_sha256: str | None = None
    rejects_file: str | None = None
    tables: dict[str, TableReport] = field(default_factory=dict)
    not_loaded: dict[str, int] = field(default_factory=dict)
    """Per source table the mapping maps no column of, its data rows: read, not loaded."""
    needs_review: dict[str, int] = field(default_factory=dict)
    """Per table, the groups of likely duplicates left apart for a person (`--review`)."""
    waited_seconds: float | None = None
    """Seconds the load waited for another run loading into the same target; None when
    it did not wait."""
    seconds: dict[str, float] = field(default_factory=dict)
    """Seconds each stage took, in pipeline order (read, profile, suggest, map, clean,
    dedupe, validate, load)."""
    fixes_sha256: str | None = None
    """The hand fixes file's SHA-256; None (and the two below too) when none was given."""
    fixes_applied: int | None = None
    """Hand fixes that found their row and value, and changed it."""
    fixes_stale: list[dict[str, Any]] | None = None
    """The hand fixes that found nothing (the source changed): table, field, file, sheet,
    row each; never the values."""
    decisions_sha256: str | None = None
    """The duplicate decisions file's SHA-256; None when none was given."""
    run_by: dict[str, str] = field(default_factory=lambda: who())
    """Who ran it: the OS user, the host and the migrator version."""
    cell_issues: dict[str, int] = field(default_factory=dict)
    """Per table, the optional values that could not be cleaned and were loaded empty (the
    rows loaded; the raw values are kept in `_cell_issues` and the cell issues file)."""
    cell_issues_file: str | None = None
    """`cell-issues-<run_id>.csv`; None when there were none (or in a dry run)."""

    @property
    def accounting_ok(self) -> bool:
        return all(t.accounting_ok for t in self.tables.values())

    def asdict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "status": self.status, "started_at": self.started_at,
            "finished_at": self.finished_at, "sources": self.sources,
            "mapping_sha256": self.mapping_sha256, "target": self.target,
            "dry_run": self.dry_run, "rejects_file": self.rejects_file,
            "tables": {name: t.asdict() for name, t in self.tables.items()},
            "not_loaded": dict(self.not_loaded), "needs_review": dict(self.needs_review),
            "waited_seconds": None if self.waited_seconds is None
            else round(self.waited_seconds, 3),
            "seconds": {step: round(s, 3) for step, s in self.seconds.items()},
            "fixes_sha256": self.fixes_sha256, "fixes_applied": self.fixes_applied,
            "fixes_stale": self.fixes_stale, "decisions_sha256": self.decisions_sha256,
            "run_by": dict(self.run_by),
            "cell_issues": dict(self.cell_issues), "cell_issues_file": self.cell_issues_file,
        }

    def to_json(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.asdict(), ensure_ascii=False, indent=2) + "\n",
                       encoding="utf-8")
        tmp.replace(path)

    _HEADER = ("table", "read", "loaded", "merged", "rejected", "inserted", "updated",
               "unchanged")

    def _rows(self) -> list[tuple[object, ...]]:
        return [(name, t.rows_read, t.rows_loaded, t.rows_merged, t.rows_rejected, t.inserted,
                 t.updated, t.unchanged) for name, t in self.tables.items()]

    def _headline(self) -> str:
        dry = " (dry run: loaded, then rolled back; nothing written)" if self.dry_run else ""
        return f"run {self.run_id}: {self.status}{dry} → {self.target}"

    def footer(self) -> list[str]:
        """What a person reads under the table: the accounting, then what needs a look
        (rejects, cell issues, rows not loaded, hand fixes, duplicates to review)."""
        verdict = "holds" if self.accounting_ok else "DOES NOT HOLD"
        lines = [f"  accounting (read = loaded + merged + rejected): {verdict}"]
        if self.waited_seconds is not None:
            lines.append(f"  waited {self.waited_seconds:.1f} s for another run loading into "
                         "the same target to finish")
        empty = [name for name, t in self.tables.items() if not t.rows_read]
        if empty:
            lines.append(f"  nothing to load into {', '.join(empty)}: the sources hold no data "
                         "rows for it")
        if self.rejects_file:
            lines.append(f"  rejected rows with reasons: {self.rejects_file}")
        issues = sum(self.cell_issues.values())
        if issues:
            where = f": {self.cell_issues_file}" if self.cell_issues_file else ""
            noun = "value could not be cleaned and was" if issues == 1 \
                else "values could not be cleaned and were"
            lines.append(f"  {issues:,} {noun} loaded empty (cell issues, raw values kept)"
                         f"{where}")
        for source, rows in self.not_loaded.items():
            lines.append(f"  {rows:,} row(s) of {source} not loaded: the mapping maps none of "
                         "its columns")
        if self.fixes_sha256 is not None:
            stale = [(f["table"], f["field"], f["file"], f["sheet"], f["row"])
                     for f in self.fixes_stale or []]
            lines.append(f"  {fixes_line(self.fixes_applied or 0, stale)}")
        waiting = {t: n for t, n in self.needs_review.items() if n}
        if waiting:
            groups = ", ".join(f"{t} {n}" for t, n in waiting.items())
            lines.append(f"  likely duplicates left apart for review: {groups} (list them "
                         "with --review FILE)")
        return lines

    def timings(self) -> str:
        """`seconds: read 0.81 · map 0.02 · clean 1.20 · ... · total 3.05`."""
        if not self.seconds:
            return "  seconds: not recorded"
        steps = " · ".join(f"{step} {s:.2f}" for step, s in self.seconds.items())
        return f"  seconds: {steps} · total {sum(self.seconds.values()):.2f}"

    def __str__(self) -> str:
        return "\n".join([self._headline(), text_table(self._HEADER, self._rows()),
                          *self.footer()])

    def __repr__(self) -> str:
        return f"{self}\n{self.timings()}"

    def _repr_html_(self) -> str:
        return (html_table(self._HEADER, self._rows(), caption=self._headline())
                + html_lines([*self.footer(), self.timings()]))
