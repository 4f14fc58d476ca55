"""`migrator undo RUN_ID`: the target as it was before that run, in one transaction.

A run keeps in `_history` each record it updated as it was before (`upsert`); the records
it inserted carry its `_run_id`. Undo puts the updated records back (parent tables
first, so a restored contact finds its customer), then deletes the records still carrying
the run's `_run_id` (child tables first), and marks the run `undone` in `_runs` with who
undid it and when. A merge wrote
its survivor as an insert or an update, so undoing it is the same two steps: the merged
rows were never stored apart, and the survivor goes back to what it was. The run's
`_rejects`, `_merges` and `_cell_issues` rows stay: they are the log of what it did.

Undo refuses, in one sentence and changing nothing, when a later run that is not undone
changed a record this run wrote (its `_history` row names this run as `previous_run_id`:
undo that one first), when rows loaded later refer to a record it would delete, when a
record it updated no longer carries its `_run_id`, and when the run predates `_history`.
It takes the same lock as a load, so a load cannot slip in between the checks and the
changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from migrator.drivers import describe
from migrator.errors import LoadError
from migrator.load.bookkeeping import HISTORY, RUNS, UPDATED, as_json
from migrator.load.ddl import BY_HAND, RUN_ID
from migrator.load.lock import lock_mariadb, lock_postgresql
from migrator.load.sql import open_engine
from migrator.target import missing_sqlite_file
from migrator.urls import redact

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, MetaData, Table

BATCH = 1000


@dataclass
class UndoResult:
    """What undo did: per table, the records deleted (the run inserted them) and restored
    (the run updated them)."""

    run_id: str
    target: str
    deleted: dict[str, int] = field(default_factory=dict)
    restored: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        tables = list(dict.fromkeys([*self.restored, *self.deleted]))
        parts = [f"{t}: {self.deleted.get(t, 0):,} deleted, {self.restored.get(t, 0):,} "
                 "restored" for t in tables]
        return (f"run {self.run_id} undone in {self.target}"
                + (f" ({'; '.join(parts)})" if parts else " (it had changed no record)"))


def undo(run_id: str, to: str) -> UndoResult:
    """Restore `to` to its state before run `run_id`; LoadError (one sentence) if it cannot.

    Example:
        >>> undo("3c97d1129e2a", "sqlite:///crm.db")
        run 3c97d1129e2a undone in sqlite:///crm.db (customers: 63 deleted, 40 restored)
    """
    import sqlalchemy as sa

    target = redact(to)
    engine = open_engine(to)
    if missing_sqlite_file(engine):
        engine.dispose()
        raise LoadError(f"{target} does not exist; there is no run to undo")
    try:
        if engine.dialect.name in ("mysql", "mariadb"):
            with lock_mariadb(engine, lambda _started: None):
                return _undo(engine, run_id, target)
        return _undo(engine, run_id, target)
    except LoadError:
        raise
    except sa.exc.SQLAlchemyError as exc:
        raise LoadError(f"could not undo run {run_id} in {target} ({describe(exc)}); "
                        "it was rolled back and nothing changed.") from None
    finally:
        engine.dispose()


def _undo(engine: Engine, run_id: str, target: str) -> UndoResult:
    import sqlalchemy as sa

    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":  # take the lock before the first snapshot
            conn.execution_options(isolation_level="READ COMMITTED")
        with conn.begin():
            if engine.dialect.name == "postgresql":
                lock_postgresql(conn, lambda _started: None)
            names = set(sa.inspect(conn).get_table_names())
            if RUNS not in names:
                raise LoadError(f"{target} holds no runs of migrator (no _runs table)")
            runs = sa.Table(RUNS, sa.MetaData(), autoload_with=conn)
            run = conn.execute(sa.select(runs).where(runs.c.run_id == run_id)).mappings().first()
            _check_run(run, run_id, target, names)
            history = sa.Table(HISTORY, sa.MetaData(), autoload_with=conn)
            stored = data_tables(conn)
            updated = _updated(conn, history, run_id)
            _check_kept(run, updated, run_id)
            _check_later(conn, history, runs, run_id)
            _check_run_ids(conn, stored, updated, run_id)
            _check_inserted(conn, stored, run, run_id)
            result = UndoResult(run_id, target)
            order = [t for t in stored.sorted_tables if RUN_ID in t.c]
            for table in order:
                if updated.get(table.name):
                    result.restored[table.name] = _restore(conn, table, updated[table.name])
            for table in reversed(order):
                deleted = _delete(conn, table, run_id)
                if deleted:
                    result.deleted[table.name] = deleted
            _mark_undone(conn, runs, run_id)
    return result


def data_tables(conn: Connection) -> MetaData:
    """The target's tables whose rows carry `_run_id` (and the tables they refer to)."""
    import sqlalchemy as sa

    found = sa.MetaData()
    inspector = sa.inspect(conn)
    names = [n for n in inspector.get_table_names() if not n.startswith("_")
             and RUN_ID in {c["name"] for c in inspector.get_columns(n)}]
    found.reflect(conn, only=names)
    return found


def _check_run(run: Any, run_id: str, target: str, names: set[str]) -> None:
    if run is None:
        raise LoadError(f"{target} has no run {run_id}; `migrator history` lists its runs")
    if run["dry_run"]:
        raise LoadError(f"run {run_id} was a dry run; it changed nothing to undo")
    if run["status"] == "undone":
        raise LoadError(f"run {run_id} was undone already ({str(run.get('undone_at'))[:19]})")
    if HISTORY not in names:
        raise LoadError(f"run {run_id} was loaded by a migrator that kept no _history; it "
                        "cannot be undone")


def _check_kept(run: Any, updated: dict[str, list[tuple[str, str]]], run_id: str) -> None:
    """Refuse a run that updated more records than `_history` holds: an older migrator's."""
    try:
        counts = json.loads(run["counts"] or "{}")
    except (TypeError, ValueError):
        counts = {}
    for table, c in counts.items():
        if isinstance(c, dict) and int(c.get("updated") or 0) > len(updated.get(table, [])):
            raise LoadError(f"run {run_id} was loaded by a migrator that kept no _history "
                            "of the records it updated; it cannot be undone")


def _updated(conn: Connection, history: Table, run_id: str
             ) -> dict[str, list[tuple[str, str]]]:
    """Per table, the (key, previous row as JSON) of each record the run updated."""
    import sqlalchemy as sa

    updated: dict[str, list[tuple[str, str]]] = {}
    rows = conn.execute(sa.select(history.c.table_name, history.c.record_key,
                                  history.c.previous)
                        .where(history.c.run_id == run_id, history.c.action == UPDATED)
                        .order_by(history.c.id))
    for table, key, previous in rows:
        updated.setdefault(table, []).append((key, previous or "{}"))
    return updated


def _check_later(conn: Connection, history: Table, runs: Table, run_id: str) -> None:
    """Refuse when a later run, not undone, changed a record this run wrote."""
    import sqlalchemy as sa

    query = (sa.select(history.c.run_id, sa.func.count(), sa.func.min(runs.c.started_at))
             .select_from(history.join(runs, runs.c.run_id == history.c.run_id))
             .where(history.c.previous_run_id == run_id, history.c.run_id != run_id,
                    runs.c.status != "undone")
             .group_by(history.c.run_id).order_by(sa.func.min(runs.c.started_at).desc()))
    newer = conn.execute(query).first()
    if newer is not None:
        raise LoadError(f"run {newer[0]} (started {str(newer[2])[:19]}) changed {newer[1]:,} "
                        f"of the records run {run_id} wrote; undo run {newer[0]} first")


def _check_run_ids(conn: Connection, stored: MetaData,
                   updated: dict[str, list[tuple[str, str]]], run_id: str) -> None:
    """Refuse when a record the run updated no longer says so in `_run_id` (changed since
    by something `_history` does not know: an older migrator, a hand edit of `_run_id`)."""
    import sqlalchemy as sa

    for name, records in updated.items():
        if name not in stored.tables:
            raise LoadError(f"table {name}, which run {run_id} updated, is gone; undo cannot "
                            "restore it")
        table = stored.tables[name]
        pk = _primary_key(table)
        keys = [_typed(table.c[pk], k) for k, _ in records]
        changed = 0
        for start in range(0, len(keys), BATCH):
            changed += conn.execute(
                sa.select(sa.func.count()).select_from(table)
                .where(table.c[pk].in_(keys[start:start + BATCH]))
                .where(sa.or_(table.c[RUN_ID].is_(None), table.c[RUN_ID] != run_id))
            ).scalar_one()
        if changed:
            raise LoadError(_changed_since(changed, name, run_id, conn, table))


def _check_inserted(conn: Connection, stored: MetaData, run: Any, run_id: str) -> None:
    """Refuse when fewer records carry the run's `_run_id` than it inserted and updated: the
    others were changed (by hand, say) or deleted since, and undo would lose that."""
    import sqlalchemy as sa

    try:
        counts = json.loads(run["counts"] or "{}")
    except (TypeError, ValueError):
        return
    for name, c in counts.items():
        if not isinstance(c, dict) or name not in stored.tables:
            continue
        table = stored.tables[name]
        wrote = int(c.get("inserted") or 0) + int(c.get("updated") or 0)
        carry = conn.execute(sa.select(sa.func.count()).select_from(table)
                             .where(table.c[RUN_ID] == run_id)).scalar_one()
        if carry < wrote:
            raise LoadError(_changed_since(wrote - carry, name, run_id, conn, table))


def _changed_since(changed: int, name: str, run_id: str, conn: Connection,
                   table: Table) -> str:
    """The sentence for records a run wrote that something outside its history changed
    since; it names the edits the entry role made (`migrator roles` marks them)."""
    import sqlalchemy as sa

    by_hand = conn.execute(sa.select(sa.func.count()).select_from(table)
                           .where(table.c[RUN_ID] == BY_HAND)).scalar_one()
    marked = (f" ({by_hand:,} {name} records were edited by hand through the entry role)"
              if by_hand else "")
    return (f"{changed:,} {name} records run {run_id} wrote were changed since outside "
            f"migrator's history{marked}; undo would lose those changes, so it changed "
            "nothing")


def _restore(conn: Connection, table: Table, updated: list[tuple[str, str]]) -> int:
    """Put each updated record back as `_history` kept it."""
    import sqlalchemy as sa

    pk = _primary_key(table)
    columns = [c for c in table.columns if c.name != pk]
    statement = (table.update().where(table.c[pk] == sa.bindparam("_undo_key"))
                 .values({c.name: sa.bindparam(f"_undo_{c.name}") for c in columns}))
    rows = []
    for key, previous in updated:
        before = json.loads(previous, parse_float=Decimal)
        row = {f"_undo_{c.name}": _typed(c, before.get(c.name)) for c in columns}
        rows.append({"_undo_key": _typed(table.c[pk], key), **row})
    for start in range(0, len(rows), BATCH):
        conn.execute(statement, rows[start:start + BATCH])
    return len(rows)


def _delete(conn: Connection, table: Table, run_id: str) -> int:
    """Delete the records still carrying the run's `_run_id`: the ones it inserted (the ones
    it updated were restored first)."""
    import sqlalchemy as sa

    try:
        return int(conn.execute(table.delete().where(table.c[RUN_ID] == run_id)).rowcount)
    except sa.exc.IntegrityError:
        raise LoadError(f"records a later run loaded refer to {table.name} records run "
                        f"{run_id} inserted; undo the later runs first (nothing changed)"
                        ) from None


def _mark_undone(conn: Connection, runs: Table, run_id: str) -> None:
    from migrator.report import who

    values: dict[str, Any] = {"status": "undone"}
    if "undone_at" in runs.c:  # a `_runs` made before undo existed lacks them
        values["undone_at"] = datetime.now(UTC).replace(tzinfo=None)
        values["undone_by"] = as_json(who())
    conn.execute(runs.update().where(runs.c.run_id == run_id).values(values))


def _primary_key(table: Table) -> str:
    keys = [c.name for c in table.primary_key.columns]
    if len(keys) != 1:
        raise LoadError(f"table {table.name} has no single-column primary key; undo cannot "
                        "tell its records apart")
    return keys[0]


def _typed(column: Any, value: Any) -> Any:
    """A value read back from JSON or text, as the column's Python type."""
    if value is None:
        return None
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return value
    if kind is datetime and isinstance(value, str):
        return datetime.fromisoformat(value)
    if kind is date and isinstance(value, str):
        return date.fromisoformat(value[:10])
    if kind is Decimal:
        return Decimal(str(value))
    if kind is int and not isinstance(value, bool):
        return int(value)
    if kind is bool:
        return bool(value)
    return value
