"""run(): read → map → clean → dedupe → validate → load, and account for every row.

The load is one transaction; the rejects file is written next to a temporary name and
moved into place only after the commit, so a failure anywhere leaves the target and
the rejects directory exactly as they were.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from migrator.errors import MigratorError
from migrator.lineage import LINEAGE_COLUMNS
from migrator.progress import Progress, silent
from migrator.report import RunReport, TableReport


class AccountingError(MigratorError):
    """rows_read != loaded + merged + rejected: a bug of ours, never a silent loss."""


def default_target(sources: Sequence[Path]) -> str:
    """DATABASE_URL, else an SQLite file `migrator.db` next to the first source."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    return f"sqlite:///{Path(sources[0]).resolve().parent / 'migrator.db'}"


def run(sources: Sequence[Path], *, mapping: Path | None = None, auto: bool = False,
        schema: str = "crm", to: str | None = None, rejects_dir: Path | None = None,
        dry_run: bool = False, options: Any = None, docs: Path | None = None,
        progress: Progress | None = None) -> RunReport:
    """Run the whole pipeline on `sources` into `to`; see RunReport for what happened.

    `progress(step, done, total)` follows each step (`reading`, `cleaning`, `validating`,
    `loading`), for a progress display; `docs` writes Great Expectations Data Docs there.
    """
    tick = progress or silent
    from migrator.clean.stage import clean
    from migrator.load import load, redact
    from migrator.mapping import Mapping, suggest_mapping
    from migrator.mapping.apply import apply_mapping
    from migrator.read import read_sources
    from migrator.schema import load_schema

    target_schema = load_schema(schema)
    url = to or default_target(sources)
    report = RunReport(run_id=uuid.uuid4().hex[:12], started_at=_now(), target=redact(url),
                       dry_run=dry_run)
    tables = read_sources(sources, options=options, progress=tick)
    report.sources = [_source(p) for p in sources]
    if mapping is not None:
        chosen = Mapping.load(mapping)
    elif auto:
        chosen = suggest_mapping(tables, target_schema)
    else:
        raise MigratorError("no mapping: pass --mapping FILE (write one with migrator suggest) "
                            "or --auto to accept the suggestion unreviewed")
    chosen.check(target_schema, file=mapping.name if mapping else "suggested mapping")
    report.mapping_sha256 = hashlib.sha256(chosen.to_yaml().encode("utf-8")).hexdigest()
    cleaned = clean(apply_mapping(tables, chosen), chosen, target_schema, progress=tick)
    frames, rejects = _repeated_keys(cleaned.frames, cleaned.rejects, target_schema)
    frames, rejects = _validated(frames, rejects, target_schema, docs, tick)
    _account(report, cleaned.rows_read, frames, rejects)
    with tempfile.TemporaryDirectory(prefix="migrator-rejects-") as staging:
        files = _stage_rejects(rejects, Path(staging), report.run_id)
        report.rejects_file = _final_path(files, rejects_dir, sources)
        report.status, report.finished_at = "succeeded", _now()
        counts = load(url, target_schema, frames, run=_run_row(report), rejects=rejects,
                      dry_run=dry_run, progress=tick)
        if files and not dry_run:
            _publish(files, Path(report.rejects_file).parent if report.rejects_file else None)
    for name, c in counts.items():
        t = report.tables.setdefault(name, TableReport())
        t.inserted, t.updated, t.unchanged = c.inserted, c.updated, c.unchanged
    if dry_run:
        report.rejects_file = None
    return report


def _repeated_keys(frames: dict[str, pd.DataFrame], rejects: pd.DataFrame,
                   schema: Any) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Until the dedupe stage merges them, a row repeating an earlier row's key is rejected.

    The first row with a key is kept (the ledger before the cards, in source order); the
    later one is rejected as `duplicate_key:<key>` with its lineage, never dropped.
    """
    from migrator.clean.stage import rejects_frame

    extra, kept = [], {}
    for name, frame in frames.items():
        key = schema.tables[name].primary_key
        repeated = frame[key].notna() & frame.duplicated(subset=[key], keep="first") \
            if key in frame else pd.Series(False, index=frame.index)
        rows = frame[repeated]
        if len(rows):
            extra.append(rejects_frame(name, rows, [f"duplicate_key:{key}"] * len(rows)))
        kept[name] = frame[~repeated].reset_index(drop=True)
    if extra:
        rejects = pd.concat([rejects, *extra], ignore_index=True)
    return kept, rejects


def _validated(frames: dict[str, pd.DataFrame], rejects: pd.DataFrame, schema: Any,
               docs: Path | None = None, progress: Progress = silent
               ) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Rows failing an expectation join the rejects with `expectation:column` reasons.

    Customers are validated first, so that a contact or sale whose customer was rejected
    fails its foreign key instead of reaching the database.
    """
    from migrator.validate import validate

    kept: dict[str, pd.DataFrame] = {}
    extra = []
    order = [["customers"], [t for t in frames if t != "customers"]]
    progress("validating", 0, len(frames))
    for i, group in enumerate(order):
        present = {t: frames[t] for t in group if t in frames}
        if not present:
            continue
        report = validate({**kept, **present}, schema, docs=docs if i == 1 else None)
        for name, frame in present.items():
            failed = report.failed_rows(name)
            if len(failed):
                why = report.failures[report.failures["table"] == name]
                extra.append(_as_rejects(name, frame.loc[failed], why))
            kept[name] = frame.drop(index=failed).reset_index(drop=True)
        progress("validating", len(kept), len(frames))
    if extra:
        rejects = pd.concat([rejects, *extra], ignore_index=True)
    return kept, rejects


def _as_rejects(table: str, rows: pd.DataFrame, failures: pd.DataFrame) -> pd.DataFrame:
    from migrator.clean.stage import rejects_frame

    key = list(LINEAGE_COLUMNS)
    reasons = (failures.assign(reason=failures["expectation"] + ":" + failures["column"])
               .groupby(key, dropna=False)["reason"].agg(lambda r: "; ".join(sorted(set(r)))))
    why = [reasons.get(tuple(r), "failed_validation") for r in rows[key].itertuples(index=False)]
    return rejects_frame(table, rows, why)


def _account(report: RunReport, read: dict[str, int], frames: dict[str, pd.DataFrame],
             rejects: pd.DataFrame) -> None:
    for name, rows in read.items():
        rejected = int((rejects["table"] == name).sum()) if len(rejects) else 0
        t = TableReport(rows_read=rows, rows_loaded=len(frames.get(name, ())),
                        rows_rejected=rejected)
        report.tables[name] = t
        if not t.accounting_ok:
            raise AccountingError(
                f"accounting failed for {name}: {t.rows_read} read but {t.rows_loaded} "
                f"loaded + {t.rows_merged} merged + {t.rows_rejected} rejected; nothing was "
                "written (this is a bug, please report it)")


def _stage_rejects(rejects: pd.DataFrame, staging: Path, run_id: str) -> list[Path]:
    if not len(rejects):
        return []
    from migrator.load.rejects_file import write_rejects

    files = write_rejects(rejects, staging, run_id=run_id)
    return [p for p in (files.csv, files.xlsx) if p is not None]


def _final_path(files: list[Path], rejects_dir: Path | None,
                sources: Sequence[Path]) -> str | None:
    if not files:
        return None
    directory = rejects_dir or Path(sources[0]).resolve().parent
    return str(directory / files[0].name)


def _publish(files: list[Path], directory: Path | None) -> None:
    """Move the staged rejects files into place, after the load committed."""
    if directory is None:
        return
    directory.mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.move(str(path), directory / path.name)


def _run_row(report: RunReport) -> dict[str, Any]:
    data = report.asdict()
    data["tables"] = {n: t.asdict() for n, t in report.tables.items()}
    return data


def _source(path: Path) -> dict[str, str]:
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return {"file": Path(path).name, "sha256": digest}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
