"""The bookkeeping tables `_runs`, `_rejects`, `_merges`, `_cell_issues` and `_history`, and
the rows a run writes there.

`_history` is what makes a run reversible (`migrator undo`): one row per record the run
updated: its key, the `_run_id` it had (`previous_run_id`) and the stored row as it was,
as JSON. The records a run inserted are the ones carrying its `_run_id`.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from migrator.lineage import LINEAGE_COLUMNS

if TYPE_CHECKING:
    from sqlalchemy import Connection, MetaData

RUNS, REJECTS, MERGES, ISSUES = "_runs", "_rejects", "_merges", "_cell_issues"
HISTORY = "_history"
BOOKKEEPING = (RUNS, REJECTS, MERGES, ISSUES, HISTORY)
UPDATED = "updated"
"""`_history.action`: the run updated the record (`previous` holds it as it was)."""
ADDED_COLUMNS: dict[str, tuple[str, ...]] = {
    RUNS: ("seconds", "fixes_sha256", "fixes_applied", "fixes_stale", "run_by",
           "cell_issues", "decisions_sha256", "undone_at", "undone_by")}
"""Nullable columns added to a bookkeeping table after it first shipped: a target made by
an older version lacks them, and the load adds them (`upgrade_bookkeeping`). Data tables
are never changed; these tables are ours."""


def add_bookkeeping_tables(metadata: MetaData, dialect: str) -> None:
    """Add `_runs`, `_rejects`, `_merges`, `_cell_issues`, `_history` to `metadata`."""
    import sqlalchemy as sa

    sa.Table(
        RUNS, metadata,
        sa.Column("run_id", sa.String(64), primary_key=True, autoincrement=False),
        sa.Column("started_at", sa.DateTime()),
        sa.Column("finished_at", sa.DateTime()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("target", sa.Text()),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("sources", sa.Text()),
        sa.Column("mapping_sha256", sa.String(64)),
        sa.Column("counts", sa.Text()),
        sa.Column("rejects_file", sa.Text()),
        sa.Column("seconds", sa.Text()),
        sa.Column("fixes_sha256", sa.String(64)),
        sa.Column("fixes_applied", sa.Integer()),
        sa.Column("fixes_stale", sa.Text()),
        sa.Column("run_by", sa.Text()),
        sa.Column("cell_issues", sa.Text()),
        sa.Column("decisions_sha256", sa.String(64)),
        sa.Column("undone_at", sa.DateTime()),
        sa.Column("undone_by", sa.Text()),
    )
    def lineage() -> list[sa.Column[Any]]:
        return [sa.Column("_source_file", sa.Text()), sa.Column("_source_sheet", sa.Text()),
                sa.Column("_source_row", sa.BigInteger())]

    sa.Table(
        REJECTS, metadata,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(64), nullable=False, index=True),
        sa.Column("table_name", sa.String(64), nullable=False),
        *lineage(),
        sa.Column("reasons", sa.Text()),
        sa.Column("record", sa.Text()),
    )
    sa.Table(
        MERGES, metadata,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(64), nullable=False, index=True),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("surviving_key", sa.Text()),
        *lineage(),
        sa.Column("why", sa.Text()),
    )
    sa.Table(
        ISSUES, metadata,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(64), nullable=False, index=True),
        sa.Column("table_name", sa.String(64), nullable=False),
        *lineage(),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("value", sa.Text()),
        sa.Column("reason", sa.String(64)),
    )
    sa.Table(
        HISTORY, metadata,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(64), nullable=False, index=True),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("record_key", sa.String(255), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("previous_run_id", sa.String(64), index=True),
        sa.Column("previous", sa.Text()),
    )


def upgrade_bookkeeping(conn: Connection, metadata: MetaData, existing: set[str]) -> None:
    """Add the ADDED_COLUMNS an existing bookkeeping table lacks (a target made by an older
    version). MariaDB commits an ALTER TABLE at once; the columns are nullable, so a load
    that fails later leaves a table that reads as before."""
    import sqlalchemy as sa

    inspector = sa.inspect(conn)
    for name, added in ADDED_COLUMNS.items():
        if name not in existing:
            continue
        present = {c["name"] for c in inspector.get_columns(name)}
        for column in added:
            if column not in present:
                spec = metadata.tables[name].c[column]
                kind = spec.type.compile(dialect=conn.dialect)
                preparer = conn.dialect.identifier_preparer
                conn.exec_driver_sql(f"ALTER TABLE {preparer.quote(name)} ADD COLUMN "
                                     f"{preparer.quote(column)} {kind}")


def run_id_of(run: dict[str, Any]) -> str:
    """The run's id; a fresh one when the caller gave none."""
    return str(run.get("run_id") or uuid.uuid4().hex)


def write_bookkeeping(conn: Connection, metadata: MetaData, *, run: dict[str, Any],
                      run_id: str, target: str, counts: dict[str, dict[str, int]],
                      rejects: pd.DataFrame, merges: pd.DataFrame | None,
                      issues: pd.DataFrame | None = None) -> None:
    """Insert the `_runs` row and the `_rejects` / `_merges` / `_cell_issues` rows of this
    run."""
    tables = metadata.tables
    conn.execute(tables[RUNS].insert(), [runs_row(run, run_id, target, counts)])
    rows = [_reject_row(r, run_id) for r in _records(rejects)]
    if rows:
        conn.execute(tables[REJECTS].insert(), rows)
    rows = [_merge_row(r, run_id) for r in _records(merges)]
    if rows:
        conn.execute(tables[MERGES].insert(), rows)
    rows = [_issue_row(r, run_id) for r in _records(issues)]
    if rows:
        conn.execute(tables[ISSUES].insert(), rows)


def runs_row(run: dict[str, Any], run_id: str, target: str,
             counts: dict[str, dict[str, int]]) -> dict[str, Any]:
    """The `_runs` row: the run report's content, the target always redacted."""
    reported = run.get("tables") or run.get("counts") or {}
    merged = {t: {**dict(reported.get(t, {})), **c} for t, c in counts.items()}
    merged.update({t: v for t, v in reported.items() if t not in merged})
    return {
        "run_id": run_id,
        "started_at": _utc(run.get("started_at")) or _now(),
        "finished_at": _utc(run.get("finished_at")) or _now(),
        "status": str(run.get("status") or "succeeded"),
        "target": target,
        "dry_run": bool(run.get("dry_run", False)),
        "sources": as_json(run.get("sources", [])),
        "mapping_sha256": run.get("mapping_sha256"),
        "counts": as_json(merged),
        "rejects_file": None if run.get("rejects_file") is None else str(run["rejects_file"]),
        "seconds": as_json(run["seconds"]) if run.get("seconds") else None,
        "fixes_sha256": run.get("fixes_sha256"),
        "fixes_applied": run.get("fixes_applied"),
        "fixes_stale": None if run.get("fixes_stale") is None else as_json(run["fixes_stale"]),
        "run_by": as_json(run["run_by"]) if run.get("run_by") else None,
        "cell_issues": None if run.get("cell_issues") is None else as_json(run["cell_issues"]),
        "decisions_sha256": run.get("decisions_sha256"),
    }



def _reject_row(record: dict[str, Any], run_id: str) -> dict[str, Any]:
    raw = record.get("record")
    return {
        "run_id": run_id,
        "table_name": str(record.get("table") or record.get("table_name") or ""),
        **_lineage(record),
        "reasons": None if raw_none(record.get("reasons")) else str(record["reasons"]),
        "record": None if raw_none(raw) else raw if isinstance(raw, str) else as_json(raw),
    }


def _merge_row(record: dict[str, Any], run_id: str) -> dict[str, Any]:
    key = record.get("surviving_key")
    return {
        "run_id": run_id,
        "table_name": str(record.get("table") or record.get("table_name") or ""),
        "surviving_key": None if raw_none(key) else str(key),
        **_lineage(record),
        "why": None if raw_none(record.get("why")) else str(record["why"]),
    }


def _issue_row(record: dict[str, Any], run_id: str) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "table_name": str(record.get("table") or record.get("table_name") or ""),
        **_lineage(record),
        "field": str(record.get("field") or ""),
        "value": None if raw_none(record.get("value")) else str(record["value"]),
        "reason": None if raw_none(record.get("reason")) else str(record["reason"]),
    }


def _lineage(record: dict[str, Any]) -> dict[str, Any]:
    out = {c: None if raw_none(record.get(c)) else record.get(c) for c in LINEAGE_COLUMNS}
    if out["_source_row"] is not None:
        out["_source_row"] = int(out["_source_row"])
    for c in ("_source_file", "_source_sheet"):
        if out[c] is not None:
            out[c] = str(out[c])
    return out


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    if frame is None or frame.empty:
        return []
    return frame.astype(object).to_dict("records")


def raw_none(value: Any) -> bool:
    """True for None, NaN, NA and NaT (but not for a list or dict)."""
    if value is None or isinstance(value, list | dict | tuple):
        return value is None
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def as_json(value: Any) -> str:
    """`value` as the JSON the bookkeeping stores (dates ISO, decimals as text)."""
    return json.dumps(value, ensure_ascii=False, default=_default, sort_keys=False)


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _utc(value: Any) -> datetime | None:
    """A naive UTC datetime from a datetime or an ISO string (all dialects store it alike)."""
    if raw_none(value):
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
