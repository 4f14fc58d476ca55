"""write_tables: frames → database rows, in one transaction, as an idempotent upsert.

Tables this run creates get their secondary indexes (and, on PostgreSQL, their primary
and foreign keys) after the rows are in: building an index once is cheaper than growing
it row by row, and PostgreSQL checks a foreign key added to a full table with one join
instead of one lookup per row. How rows are compared and written is `upsert`'s business.
A failure anywhere rolls everything back.

Every table's rows go in first (into the table, or a stage beside it), then the load is
settled: rows taken back out, stages compared and merged, foreign keys added, the run
recorded. `write_tables` settles at once; `write_settled` waits in between for what only
validation knows (`Outcome`), so that `LoadAhead` can write the rows while it runs.

A dry run is the same load, rolled back at the end instead of committed: its counts are
what the database accepted, and a load the database refuses fails the dry run with the
same sentence. A new SQLite file is stood in for by an empty in-memory database. On
MariaDB, which commits DDL at once, the tables the rows go to are stood in for by
temporary ones, and the views and the bookkeeping are left out of a dry run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from migrator.drivers import describe, first_line, is_driver_error, quiet_logs
from migrator.errors import LoadError
from migrator.load.bookkeeping import (
    HISTORY,
    run_id_of,
    upgrade_bookkeeping,
    write_bookkeeping,
)
from migrator.load.ddl import (
    build_metadata,
    check_existing,
    create_tables,
    quote_name,
    view_statements,
)
from migrator.load.early import Early, settle_early
from migrator.load.lock import lock_mariadb, lock_postgresql
from migrator.load.prepare import Prepared, key_values, prepare, same_rows
from migrator.load.upsert import (
    History,
    TableCounts,
    Written,
    drop_rows,
    is_empty,
    settle_rows,
    write_rows,
)
from migrator.progress import Progress, silent
from migrator.schema import TargetSchema
from migrator.target import missing_sqlite_file, unusable_url
from migrator.urls import redact, scrub

if TYPE_CHECKING:
    from sqlalchemy import Connection, Dialect, Engine, MetaData
    from sqlalchemy.sql.ddl import ExecutableDDLElement

__all__ = ["Outcome", "TableCounts", "write_tables"]


@dataclass
class Outcome:
    """What a load learns only once its rows are checked: which of them to keep, and
    what to record of the run."""

    run: dict[str, Any] | Callable[[], dict[str, Any]]
    """The `_runs` row's content, or a callable that makes it when it is written."""
    rejects: pd.DataFrame
    merges: pd.DataFrame | None = None
    issues: pd.DataFrame | None = None
    frames: dict[str, pd.DataFrame] | None = None
    """The checked frames, each the written one less some rows; None keeps every row."""
    progress: Progress | None = None
    waited: Callable[[float], None] | None = None


class Unsettled(Exception):
    """The rows written cannot be settled, and nothing was: the checked frames are not
    the written rows less some, or the connection was lost while they waited. Load the
    checked rows the usual way."""


@dataclass
class _State:
    step: str = "connect"
    progress: Progress = silent
    created: tuple[list[str], list[str]] = field(default_factory=lambda: ([], []))
    """Tables and views this run created (MariaDB commits DDL, so a failure drops them)."""
    undone: bool = True
    """False when a failed load could not drop the tables it created."""
    waited: float | None = None
    """Seconds the load waited for another run loading into the same target."""
    outcome: Outcome | None = None
    """What `settle` said, once it did."""
    queued: bool = True
    """Whether COPY sends from a thread of its own (see `write_rows`)."""
    beside: bool = False
    """Whether the caller works while the server builds the keys (`_leave_a_core`)."""

    def waiting(self, started: bool) -> None:
        self.progress("waiting", 0 if started else 1, 1)


def write_tables(url: str, schema: TargetSchema, frames: dict[str, pd.DataFrame], *,
                 run: dict[str, Any] | Callable[[], dict[str, Any]], rejects: pd.DataFrame,
                 merges: pd.DataFrame | None = None, issues: pd.DataFrame | None = None,
                 dry_run: bool = False, fault: Callable[[str], None] | None = None,
                 progress: Progress | None = None,
                 waited: Callable[[float], None] | None = None) -> dict[str, TableCounts]:
    """Create missing tables and views, upsert `frames`, record the run; all or nothing.

    `run` is the `_runs` row's content, or a callable that makes it when it is written.
    `fault(step)` is called before each step (`ddl`, `views`, `table:<name>`, `indexes`,
    `bookkeeping`) so tests can make a step fail. Every failure is a LoadError of one
    sentence with the URL's password hidden. `progress` is told the rows loaded so far.
    One load at a time writes into a PostgreSQL or MariaDB target (`lock`); `waited` is
    told the seconds this one waited for another, when it did.

    Example:
        >>> counts = write_tables("sqlite:///crm.db", load_schema("crm"), checked.frames,
        ...                       run={"run_id": "r1"}, rejects=checked.rejects)
        >>> counts["customers"]
        TableCounts(inserted=120, updated=0, unchanged=0)
    """
    outcome = Outcome(run, rejects, merges, issues, progress=progress, waited=waited)
    return write_settled(url, schema, frames, run_id_of(run() if callable(run) else run),
                         lambda: outcome, dry_run=dry_run, fault=fault, progress=progress)


def write_settled(url: str, schema: TargetSchema, frames: Mapping[str, pd.DataFrame],
                  run_id: str, settle: Callable[[], Outcome], *, dry_run: bool = False,
                  fault: Callable[[str], None] | None = None,
                  progress: Progress | None = None, queued: bool = True,
                  made: Callable[[str], Prepared] | None = None,
                  early: Callable[[list[str]], dict[str, Early]] | None = None,
                  beside: bool = False) -> dict[str, TableCounts]:
    """write_tables, whose rows go in before `settle()` says which of them to keep and
    what to record of the run (`Outcome`); it is called once, in the transaction, when
    every row is written and the new tables' keys and indexes are built.

    `made(name)` hands over a table another thread prepares (`LoadAhead`), in
    `load_order`, when the load comes to it; by default all are prepared here first.
    Then `frames` may name its tables before it holds them: a frame is first looked up
    once the tables are created, when the rows are due. `early(names)`, given the new
    tables of a PostgreSQL load, hands over those whose rows go in before the frames
    come (`early.py`): they are written at once, and later made the rows of the frame.
    `beside`: the caller's process works while the server builds the keys and indexes
    (`LoadAhead` validates meanwhile), so a server on this machine leaves it a core.

    When the checked frames are not the written rows less some, or the connection was
    lost while waiting, Unsettled is raised before anything is settled, and the
    transaction is rolled back.
    """
    target = redact(url)
    names = load_order(schema, frames)
    if made is None:
        prepared = [_Pending.of(prepare(name, schema.tables[name], frames[name], run_id))
                    for name in names]
    else:
        prepared = [_Pending(name, partial(_rows, frames, name), partial(made, name),
                             partial(frames.__getitem__, name))
                    for name in names]
    engine = open_engine(url)
    metadata = build_metadata(schema, engine.dialect.name)
    state = _State(progress=progress or silent, queued=queued, beside=beside)
    new_file = missing_sqlite_file(engine)
    loaded = False

    def bookkeeping(conn: Connection, counts: dict[str, TableCounts]) -> None:
        outcome = state.outcome
        assert outcome is not None
        run = outcome.run() if callable(outcome.run) else outcome.run
        write_bookkeeping(
            conn, metadata, run={**run, "dry_run": dry_run}, run_id=run_id, target=target,
            counts={t: asdict(c) for t, c in counts.items()}, rejects=outcome.rejects,
            merges=outcome.merges, issues=outcome.issues)

    try:
        if dry_run and new_file:  # an empty database holds what the new file would
            engine.dispose()
            engine = open_engine("sqlite://")
        with _one_load_at_a_time(engine, state):
            counts = _write(engine, metadata, prepared, state, fault, schema, bookkeeping,
                            settle, dry_run=dry_run, run_id=run_id, early=early)
        loaded = not dry_run
        told = state.outcome.waited if state.outcome is not None else None
        if told is not None and state.waited is not None:
            told(state.waited)
        return counts
    except (LoadError, Unsettled):
        raise
    except Exception as exc:  # a fault anywhere must roll back and read as one sentence
        raise LoadError(_db_message(exc, target, state.step, state.undone)) from exc
    finally:
        engine.dispose()
        if new_file and not loaded and not dry_run:
            _remove_sqlite_file(engine)


@contextmanager
def _one_load_at_a_time(engine: Engine, state: _State) -> Iterator[None]:
    """MariaDB's load lock around the whole load (PostgreSQL's is in the transaction)."""
    if engine.dialect.name not in ("mysql", "mariadb"):
        yield
        return
    with lock_mariadb(engine, state.waiting) as waited:
        state.waited = waited
        yield


def _write(engine: Engine, metadata: MetaData, prepared: list[_Pending], state: _State,
           fault: Callable[[str], None] | None, schema: TargetSchema,
           bookkeeping: Callable[[Connection, dict[str, TableCounts]], None],
           settle: Callable[[], Outcome], *, dry_run: bool, run_id: str,
           early: Callable[[list[str]], dict[str, Early]] | None = None
           ) -> dict[str, TableCounts]:
    """The load's one transaction, committed, or for a dry run rolled back; on a failure,
    MariaDB's new tables are dropped again."""
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                # a higher default level would fix the snapshot before the lock is granted
                conn.execution_options(isolation_level="READ COMMITTED")
            with conn.begin() as transaction:
                if conn.dialect.name == "postgresql":
                    state.waited = lock_postgresql(conn, state.waiting)
                counts = _run_steps(conn, metadata, prepared, state, fault, settle,
                                    schema=schema, dry_run=dry_run, run_id=run_id,
                                    early=early)
                _step(state, fault, "bookkeeping")
                if not dry_run or _transactional_ddl(conn):
                    bookkeeping(conn, counts)
                if dry_run:
                    transaction.rollback()
        return counts
    except Exception:
        state.undone = _undo_ddl(engine, state)
        raise


def _remove_sqlite_file(engine: Engine) -> None:
    """A failed first load leaves no empty database behind: nothing half-written, no file."""
    from pathlib import Path

    database = Path(str(engine.url.database))
    for path in (database, database.with_name(database.name + "-journal")):
        path.unlink(missing_ok=True)


def open_engine(url: str) -> Engine:
    """An engine for a load into `url` (SQLite: foreign keys on, DDL inside transactions);
    LoadError in one sentence for a URL no driver takes."""
    import sqlalchemy as sa

    quiet_logs()
    try:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool, hide_parameters=True)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError, ValueError) as exc:
        raise unusable_url(url, exc) from exc
    if engine.dialect.name == "sqlite":
        _sqlite_transactions(engine)
    return engine


def _sqlite_transactions(engine: Engine) -> None:
    """Let SQLite's transaction cover DDL too (pysqlite only begins one before DML)."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")


def _step(state: _State, fault: Callable[[str], None] | None, name: str) -> None:
    state.step = name
    if fault is not None:
        fault(name)


def _chunk(state: _State, fault: Callable[[str], None] | None, name: str, _rows: int) -> None:
    """`_step` again after each COPY chunk of rows written early: a load abandoned
    meanwhile (dedupe failed) stops there, not once every row is in."""
    _step(state, fault, name)


def _run_steps(conn: Connection, metadata: MetaData, prepared: list[_Pending],
               state: _State, fault: Callable[[str], None] | None,
               settle: Callable[[], Outcome], *, schema: TargetSchema, dry_run: bool,
               run_id: str, early: Callable[[list[str]], dict[str, Early]] | None = None
               ) -> dict[str, TableCounts]:
    """Tables, views and rows, in `conn`'s transaction; what each table got."""
    import sqlalchemy as sa

    _step(state, fault, "ddl")
    existing = check_existing(conn, metadata)
    stand_ins = dry_run and not _transactional_ddl(conn)
    views_before = set(sa.inspect(conn).get_view_names())
    if not stand_ins:
        state.created = ([t.name for t in metadata.sorted_tables if t.name not in existing], [])
    indexes, references = create_tables(conn, metadata, existing, {t.name for t in prepared},
                                        stand_ins=stand_ins)
    _sort_memory(conn)
    if state.beside:
        _leave_a_core(conn)
    referenced = _batched(conn.dialect, references)
    if not stand_ins:  # MariaDB would commit these at once, even in a dry run
        upgrade_bookkeeping(conn, metadata, existing)
        _step(state, fault, "views")
        for statement in view_statements(schema, conn.dialect.name):
            conn.exec_driver_sql(statement)
        state.created[1].extend(v for v in schema.views if v not in views_before)
    ahead: dict[str, Early] = {}
    if early is not None and conn.dialect.name == "postgresql" and not stand_ins:
        ahead = early([p.name for p in prepared if p.name not in existing])
    by_name: dict[str, Written] = {}
    for name, before in ahead.items():
        step = f"table:{name}"
        _step(state, fault, step)
        by_name[name] = write_rows(conn, metadata.tables[name], before.table, empty=True,
                                   queued=state.queued, advance=partial(_chunk, state, fault, step),
                                   fresh=True)
    if ahead:  # keyed now, while this process makes the deduplicated rows' COPY payload:
        # built after them, beside validation, the sales' 0.29 s ran on the load's path
        # (the keys ended after validation); two sets of 10 interleaved pairs of runs:
        # load 0.95 -> 0.89 s and 0.93 -> 0.83 s, the run 7.40 -> 7.41 s and 7.23 -> 7.17 s
        _step(state, fault, "indexes")
        _batched(conn.dialect, [e for e in indexes if _table_of(e) in ahead])(conn)
    keyed = _batched(conn.dialect, [e for e in indexes if _table_of(e) not in ahead])
    total, done = sum(t.size() for t in prepared), 0
    state.progress("loading", 0, total)

    def advance(rows: int) -> None:
        nonlocal done
        done += rows
        state.progress("loading", done, total)

    for pending in prepared:
        _step(state, fault, f"table:{pending.name}")
        if pending.name in ahead:
            assert pending.frame is not None
            by_name[pending.name] = settle_early(conn, by_name[pending.name],
                                                 ahead[pending.name], pending.frame(),
                                                 run_id, queued=state.queued)
            advance(by_name[pending.name].rows)
            continue
        table = pending.make()
        stored = metadata.tables[table.name]
        empty = table.name not in existing or is_empty(conn, stored)
        keyed_now = table.name in existing or conn.dialect.name != "postgresql"
        if empty and keyed_now and _refers_to_staged(table, list(by_name.values())):
            empty = False  # its rows would name customers merged only once settled
        by_name[table.name] = write_rows(conn, stored, table, empty=empty, advance=advance,
                                         queued=state.queued, fresh=table.name not in existing)
    written = [by_name[p.name] for p in prepared]
    _step(state, fault, "indexes")
    keyed(conn)
    outcome = settle()
    dropped = _dropped(written, outcome.frames)
    if outcome.frames is not None:
        _alive(conn)
    state.outcome = outcome
    state.progress = outcome.progress or state.progress
    state.progress("loading", total, total)
    # MariaDB's dry run has no bookkeeping tables to keep history in (see above)
    history = None if stand_ins else History(metadata.tables[HISTORY], run_id)
    counts = {}
    for rows in written:
        _step(state, fault, f"table:{rows.table.name}")
        drop_rows(conn, rows, dropped[rows.table.name])
        counts[rows.table.name] = settle_rows(conn, rows, history=history)
    _step(state, fault, "indexes")
    referenced(conn)
    return counts


def _batched(dialect: Dialect, elements: list[ExecutableDDLElement]
             ) -> Callable[[Connection], None]:
    """Run `elements` later, on PostgreSQL as one batch compiled now.

    Sent one by one, each statement waited for this thread to send the next, and the
    thread shares the GIL with validation, which runs meanwhile: 0.10-0.14 s of the
    server's time between the keys and indexes of 100,000 customers and 300,000 sales
    went idle that way (its statement log). In one batch the server runs them back to
    back; the first that fails fails the batch, as it would have failed the load."""
    batch = ";\n".join(str(e.compile(dialect=dialect)).strip() for e in elements) \
        if dialect.name == "postgresql" and elements else None

    def run(conn: Connection) -> None:
        if batch is not None:
            conn.exec_driver_sql(batch)
            return
        for element in elements:
            conn.execute(element)

    return run


def _table_of(element: ExecutableDDLElement) -> str | None:
    """The name of the table a key or index statement builds on."""
    target = getattr(element, "element", None)
    table = getattr(target, "table", None)
    return getattr(table, "name", None)


def _refers_to_staged(table: Prepared, written: list[Written]) -> bool:
    """Whether a foreign key of `table` names a table whose rows wait in a stage."""
    staged = {rows.table.name for rows in written if rows.stage is not None}
    return any(fk.references.partition(".")[0] in staged for fk in table.spec.foreign_keys)


def _alive(conn: Connection) -> None:
    """Unsettled when the connection was lost while the rows waited to be settled."""
    import sqlalchemy as sa

    try:
        conn.exec_driver_sql("SELECT 1")
    except sa.exc.DBAPIError as exc:
        raise Unsettled("the connection was lost while the rows waited") from exc


def _dropped(written: list[Written], checked: dict[str, pd.DataFrame] | None
             ) -> dict[str, list[Any]]:
    """Per table, the keys of the written rows the checked frame no longer holds;
    Unsettled unless each checked frame is its written rows, in order, less those."""
    dropped: dict[str, list[Any]] = {rows.table.name: [] for rows in written}
    if checked is None:
        return dropped
    if set(checked) != set(dropped):
        raise Unsettled(f"tables {sorted(checked)}, written {sorted(dropped)}")
    for rows in written:
        table = rows.table
        if same_rows(table, checked[table.name]):
            continue
        keys = pd.Index(table.values[table.spec.primary_key])
        kept = key_values(table.name, table.spec, checked[table.name])
        keep = keys.isin(kept)
        if int(keep.sum()) != len(kept) or not np.array_equal(keys[keep], kept):
            raise Unsettled(f"{table.name}: the checked keys are not the written "
                                    "keys less some, in order")
        dropped[table.name] = keys[~keep].tolist()
    return dropped


SORT_MEMORY_KB = 256 * 1024
"""maintenance_work_mem the load's transaction asks PostgreSQL for (`_sort_memory`)."""


def _sort_memory(conn: Connection) -> None:
    """Raise PostgreSQL's maintenance_work_mem to SORT_MEMORY_KB for the rest of the
    transaction, where the server's own is lower (its default is 64 MB). Done before the
    rows go in, so that nothing stands between the last COPY and the keys.

    The keys, indexes and foreign keys are built after the rows, as PostgreSQL's
    "Populating a Database" advises, and the same page advises this too: the sorts of
    1,000,000 customers and 3,000,000 sales outgrow 64 MB. Those statements took
    13.1 and 9.1 s with 64 MB, 10.5 and 8.2 s with 256 MB (two pairs of runs; 10.4 s with
    512 MB); at 100,000 customers nothing changed. SET LOCAL ends with the transaction."""
    if conn.dialect.name != "postgresql":
        return
    current = conn.exec_driver_sql("SELECT setting::bigint FROM pg_settings "
                                   "WHERE name = 'maintenance_work_mem'").scalar()
    if current is not None and int(current) < SORT_MEMORY_KB:
        conn.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{SORT_MEMORY_KB}kB'")


def _leave_a_core(conn: Connection) -> None:
    """Lower PostgreSQL's max_parallel_maintenance_workers for the rest of the transaction
    so that, with its own process, a server on this machine leaves this process a core
    while it builds the keys and indexes; a remote server keeps its setting.

    Why: a load that goes ahead (`LoadAhead`) builds them while this process validates.
    On 2 cores, the 2 workers each index build takes by default (the sales' keys are
    large enough) ran beside the server's own process and this one: validation held
    the GIL but ran about 72 % of its time (its thread's CPU 0.97-0.99 s of 1.36 s).
    Without them, 10 interleaved pairs at 100,000 customers: validation 1.22 -> 0.98 s,
    the run 8.72 -> 8.42 s (medians; 9 of 10 runs faster)."""
    if conn.dialect.name != "postgresql" or not _on_this_machine(conn.engine.url.host):
        return
    spare = max(0, (os.cpu_count() or 1) - 2)  # this process's core, the server's own
    current = conn.exec_driver_sql("SELECT setting::int FROM pg_settings "
                                   "WHERE name = 'max_parallel_maintenance_workers'").scalar()
    if current is not None and int(current) > spare:
        conn.exec_driver_sql(f"SET LOCAL max_parallel_maintenance_workers = {spare}")


def _on_this_machine(host: str | None) -> bool:
    """Whether a URL's host is this machine: none or a directory (a Unix socket), or a
    loopback name or address."""
    import ipaddress

    if not host or host.startswith("/") or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _transactional_ddl(conn: Connection) -> bool:
    """PostgreSQL and SQLite roll back CREATE TABLE; MariaDB commits it at once."""
    return conn.dialect.name in ("postgresql", "sqlite")


@dataclass
class _Pending:
    """A table to write: prepared before the load begins, or handed over by `make` when
    the load comes to it (LoadAhead prepares it in another thread meanwhile)."""

    name: str
    size: Callable[[], int]
    make: Callable[[], Prepared]
    frame: Callable[[], pd.DataFrame] | None = None
    """The frame `make` prepares, where a table may go in early (`early.py`)."""

    @classmethod
    def of(cls, table: Prepared) -> _Pending:
        return cls(table.name, lambda: table.size, lambda: table)


def _rows(frames: Mapping[str, pd.DataFrame], name: str) -> int:
    return len(frames[name])


def load_order(schema: TargetSchema, frames: Mapping[str, pd.DataFrame]) -> list[str]:
    unknown = [name for name in frames if name not in schema.tables]
    if unknown:
        raise LoadError(f"the cleaned tables include {unknown[0]}, which schema {schema.name} "
                        "does not define; map it to a schema table or drop it.")
    return schema.table_order(list(frames))


def _undo_ddl(engine: Engine, state: _State) -> bool:
    """MariaDB commits CREATE TABLE/VIEW at once: drop what this run created. True if clean."""
    tables, views = state.created
    if engine.dialect.name not in ("mysql", "mariadb") or not (tables or views):
        return True
    import sqlalchemy as sa

    try:
        with engine.begin() as conn:
            for view in views:
                conn.exec_driver_sql(f"DROP VIEW IF EXISTS {quote_name(view, 'mysql')}")
            for name in reversed(tables):
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS {quote_name(name, 'mysql')}")
    except sa.exc.SQLAlchemyError:
        return False
    return True


def _nothing_written(undone: bool) -> str:
    if undone:
        return "it was rolled back and nothing was written."
    return "it was rolled back, but empty tables it created may remain."


def _lost(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if getattr(exc, "connection_invalidated", False):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _db_message(exc: Any, target: str, step: str, undone: bool) -> str:
    """One sentence for a failed load; a driver's text is cut to names (`describe`)."""
    import sqlalchemy as sa

    from_database = isinstance(exc, sa.exc.SQLAlchemyError) or is_driver_error(exc)
    if step == "connect" and from_database:
        reason = scrub(first_line(getattr(exc, "orig", None) or exc))
        return (f"could not connect to {target} ({reason}); check the URL, the credentials "
                "and that the server is running.")
    if _lost(exc):
        return (f"the database connection was lost during the load into {target}; "
                f"{'nothing was written' if undone else 'empty tables it created may remain'}.")
    if not from_database:  # ours, or a fault a test made
        return (f"the load into {target} failed at step {step} ({describe(exc)}); "
                f"{_nothing_written(undone)}")
    return (f"the database refused the load into {target} at step {step} ({describe(exc)}); "
            f"{_nothing_written(undone)}")
