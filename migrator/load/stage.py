"""load: ValidationReport → LoadResult; the tables, the run and its rejects, all or nothing.

The accounting is checked before anything is written (every row read is loaded, merged
or rejected). The rejects file is written under a temporary name first and moved beside
the sources only after the database committed, so a failure anywhere leaves the target
and the rejects folder exactly as they were.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from migrator.errors import AccountingError
from migrator.gcpause import fewer_collections
from migrator.load.ahead import LoadAhead
from migrator.load.sql import Outcome, write_tables
from migrator.load.upsert import TableCounts
from migrator.progress import Progress, now_iso
from migrator.rejects_file import write_rejects
from migrator.report import RunReport, TableReport
from migrator.tables import ValidationReport, require
from migrator.urls import default_target, redact


@dataclass(repr=False)
class LoadResult:
    """What load did: the run report (the `_runs` row), counts per table, the rejects file."""

    report: RunReport
    counts: dict[str, TableCounts] = field(default_factory=dict)
    """Per table: rows inserted, updated and unchanged (in a dry run: would be)."""

    @property
    def run_id(self) -> str:
        return self.report.run_id

    @property
    def rejects_file(self) -> str | None:
        return self.report.rejects_file

    def __getitem__(self, table: str) -> TableCounts:
        return self.counts[table]

    def __repr__(self) -> str:
        return repr(self.report)

    __str__ = __repr__

    def _repr_html_(self) -> str:
        return self.report._repr_html_()


@fewer_collections()
def load(checked: ValidationReport, to: str | None = None, *, rejects_dir: Path | None = None,
         dry_run: bool = False, run_id: str | None = None,
         progress: Progress | None = None, ahead: LoadAhead | None = None) -> LoadResult:
    """Upsert the validated tables into `to` in one transaction, with the run's bookkeeping.

    `to` is an SQLAlchemy URL; by default $DATABASE_URL, else `migrator.db` beside the
    first source. The rejected rows go to `rejects-<run>.csv` and `.xlsx` in
    `rejects_dir` (default: beside the sources). A dry run compares and writes nothing.
    `ahead` is the load of these rows that `run` started before validating them
    (`LoadAhead`): it is settled with them instead of writing them again.

    Example:
        >>> result = load(validate(dedupe(cleaned)), to="sqlite:///crm.db")
        >>> result["customers"]
        TableCounts(inserted=143, updated=0, unchanged=0)
    """
    require(checked, ValidationReport, verb="load")
    started = time.perf_counter()
    url = to or default_target([f.path for f in checked.trail.files])
    report = RunReport(run_id=run_id or uuid.uuid4().hex[:12],
                       started_at=checked.trail.started_at or now_iso(), target=redact(url),
                       dry_run=dry_run, sources=[f.asdict() for f in checked.trail.files],
                       mapping_sha256=checked.trail.mapping_sha256,
                       decisions_sha256=checked.trail.decisions_sha256)
    if checked.trail.fixes_sha256 is not None:
        report.fixes_sha256 = checked.trail.fixes_sha256
        report.fixes_applied = checked.trail.fixes_applied
        report.fixes_stale = [dict(zip(("table", "field", "file", "sheet", "row"), place,
                                       strict=True)) for place in checked.trail.fixes_stale]
    report.tables = accounting(checked)
    report.cell_issues = {name: c.issues for name, c in checked.counts().items() if c.issues}
    report.not_loaded = {}
    for name, rows in checked.trail.not_loaded:
        if rows:
            report.not_loaded[name] = report.not_loaded.get(name, 0) + rows
    review = checked.clusters[checked.clusters["role"] == "review"]
    report.needs_review = {str(t): int(g["cluster"].nunique())
                           for t, g in review.groupby("table", sort=False)}
    with tempfile.TemporaryDirectory(prefix="migrator-rejects-") as staging:
        files = _stage_rejects(checked, Path(staging), report.run_id)
        report.rejects_file = _final_path(
            [f for f in files if f.name.startswith("rejects-") and f.suffix == ".csv"],
            rejects_dir, checked)
        report.cell_issues_file = _final_path(
            [f for f in files if f.name.startswith("cell-issues-")], rejects_dir, checked)
        report.status = "succeeded"

        def run_row() -> dict[str, object]:
            """The `_runs` row, made as the transaction writes it, so its timings are whole."""
            report.finished_at = now_iso()
            made = ahead.made_seconds if ahead is not None else 0.0  # before validation
            report.seconds = checked.trail.then("load", time.perf_counter() - started
                                                + made).timings
            return _run_row(report)

        def waited(seconds: float) -> None:
            report.waited_seconds = seconds

        counts = None
        if ahead is not None and (dry_run or (ahead.url, ahead.run_id) != (url, report.run_id)):
            ahead.abandon()
        elif ahead is not None:
            counts = ahead.finish(Outcome(run_row, checked.rejects, checked.merges,
                                          checked.issues, frames=checked.frames,
                                          progress=progress, waited=waited))
        if counts is None:
            counts = write_tables(url, checked.schema, checked.frames, run=run_row,
                                  rejects=checked.rejects, merges=checked.merges,
                                  issues=checked.issues,
                                  dry_run=dry_run, progress=progress, waited=waited)
        placed = report.rejects_file or report.cell_issues_file
        if files and not dry_run:
            _publish(files, Path(placed).parent if placed else None)
    for name, c in counts.items():
        t = report.tables.setdefault(name, TableReport())
        t.inserted, t.updated, t.unchanged = c.inserted, c.updated, c.unchanged
    if dry_run:
        report.rejects_file = report.cell_issues_file = None
        run_row()  # a dry run writes no `_runs` row; its report still gets the timings
    return LoadResult(report, counts)


def accounting(checked: ValidationReport) -> dict[str, TableReport]:
    """Per table: rows read, loaded, merged, rejected; AccountingError if any row is lost."""
    tables = {}
    for name, c in checked.counts().items():
        t = TableReport(rows_read=c.read, rows_loaded=c.kept, rows_merged=c.merged,
                        rows_rejected=c.rejected)
        if not t.accounting_ok:
            raise AccountingError(
                f"accounting failed for {name}: {t.rows_read} read but {t.rows_loaded} "
                f"loaded + {t.rows_merged} merged + {t.rows_rejected} rejected; nothing was "
                "written (this is a bug, please report it)")
        tables[name] = t
    return tables


def _stage_rejects(checked: ValidationReport, staging: Path, run_id: str) -> list[Path]:
    if not len(checked.rejects) and not len(checked.issues):
        return []
    files = write_rejects(checked.rejects, staging, run_id=run_id, issues=checked.issues)
    return [p for p in (files.csv, files.xlsx, files.issues_csv) if p is not None]


def _final_path(files: list[Path], rejects_dir: Path | None,
                checked: ValidationReport) -> str | None:
    if not files:
        return None
    if rejects_dir is None and not checked.trail.files:
        return None
    directory = rejects_dir or Path(checked.trail.files[0].path).resolve().parent
    return str(Path(directory).resolve() / files[0].name)


def _publish(files: list[Path], directory: Path | None) -> None:
    """Move the staged rejects files into place, after the load committed."""
    if directory is None:
        return
    directory.mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.move(str(path), directory / path.name)


def _run_row(report: RunReport) -> dict[str, object]:
    data = report.asdict()
    data["tables"] = {n: t.asdict() for n, t in report.tables.items()}
    return data

