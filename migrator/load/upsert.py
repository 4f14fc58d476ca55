"""Write one prepared table: a bulk insert into an empty table, else stage, compare, merge.

An empty table takes every row as inserted: PostgreSQL through COPY straight into it,
the others through executemany in batches. A table with rows gets the incoming rows in
a temporary staging table (COPY on PostgreSQL); the database then counts what is new
and what differs in a loaded field (one query, NULL-safe, byte-exact on MariaDB whose
default collations ignore case), and one INSERT ... SELECT of just those rows merges
them (ON CONFLICT on PostgreSQL and SQLite, ON DUPLICATE KEY UPDATE on MariaDB).
Unchanged rows are never written, so their `_run_id` keeps naming the run that wrote them.

An upsert comes in two halves, so that rows can be written while another check still
runs on them: `write_rows` puts them in (the table or the stage) and `settle_rows`
compares and merges; between the two, `drop_rows` takes back rows the check rejected.

Given a `History`, the upsert first keeps what `migrator undo` needs in `_history`: every
row it is about to update, as it was, in one INSERT ... SELECT that builds the JSON in
the database (a per-row Python round trip cost more than the update itself). Inserted
rows need no history: they carry the run's `_run_id` until a later run changes them, and
that run's history then names this one (`previous_run_id`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from migrator.errors import LoadError
from migrator.load.bookkeeping import UPDATED
from migrator.load.ddl import RUN_ID, index_name
from migrator.load.prepare import COPY_ROWS, Prepared, copy_chunks, copy_columns, given_constants

if TYPE_CHECKING:
    from sqlalchemy import Connection, Table
    from sqlalchemy.sql.elements import ColumnElement

BATCH = 1000


@dataclass(frozen=True)
class TableCounts:
    """What the load did (or, in a dry run, would do) to one table."""

    inserted: int
    """Rows whose key was not in the table."""
    updated: int
    """Rows whose key was there with a different value in at least one loaded field."""
    unchanged: int
    """Rows identical in every loaded field to the stored row; not written."""


@dataclass(frozen=True)
class History:
    """Where a load keeps what it changed (`_history`), and under which run."""

    table: Table
    run_id: str


def is_empty(conn: Connection, stored: Table) -> bool:
    import sqlalchemy as sa

    return conn.execute(sa.select(sa.literal(1)).select_from(stored).limit(1)).first() is None


@dataclass
class Written:
    """One table's rows as the first half of an upsert left them: in the table itself
    (an empty table) or in a temporary staging table beside it."""

    stored: Table
    table: Prepared
    stage: Table | None
    """None when the rows went straight into `stored`."""
    rows: int
    """Rows written, less those `drop_rows` took back."""


def write_rows(conn: Connection, stored: Table, table: Prepared, *, empty: bool,
               advance: Callable[[int], None] = lambda _rows: None,
               queued: bool = True, fresh: bool = False) -> Written:
    """The first half of an upsert: every row of `table` into `stored` when it is empty,
    else into a staging table; nothing is compared yet.

    `advance(n)` is told each time n more rows went to the database (for progress).
    `queued`: PostgreSQL's COPY sends each chunk from a thread of its own while the next
    is built. A load that runs in a thread beside other work sends them itself: its
    waits for the server then leave the GIL to that work, with no third thread to hand
    it to and back (0.25 s of the benchmark's validation). `fresh`: `stored` was created in
    this transaction, so PostgreSQL's rows go in frozen (`_copy`)."""
    if empty or not table.size:
        if table.size:
            _insert(conn, stored, table, advance, queued, freeze=fresh)
        return Written(stored, table, None, table.size)
    return Written(stored, table, _stage(conn, stored, table, advance, queued), table.size)


def drop_rows(conn: Connection, written: Written, keys: list[Any]) -> None:
    """Take back the written rows with these primary keys (rows a later check rejected)."""
    into = written.stage if written.stage is not None else written.stored
    pk = into.c[written.table.spec.primary_key]
    for start in range(0, len(keys), BATCH):
        done = conn.execute(into.delete().where(pk.in_(keys[start:start + BATCH])))
        written.rows -= done.rowcount


def settle_rows(conn: Connection, written: Written, *, history: History | None = None
                ) -> TableCounts:
    """The second half of an upsert: count what is new and what changed, keep the changed
    rows' history, merge them; what was inserted, updated and left unchanged.

    With `history`, the updated rows' previous values go to `_history`."""
    stored, table, stage = written.stored, written.table, written.stage
    if stage is None:
        return TableCounts(written.rows, 0, 0)
    inserted, updated = _compare(conn, stored, stage, table)
    if history is not None and updated:
        _keep_updated(conn, history, table, stored, stage)
    if inserted + updated:
        _merge(conn, stored, stage, table)
    # on a failure the rollback (or, for MariaDB, closing the connection) drops it
    conn.exec_driver_sql(f"DROP {_temporary(conn)}TABLE {_quote(conn, stage.name)}")
    return TableCounts(inserted, updated, written.rows - inserted - updated)


def _keep_updated(conn: Connection, history: History, table: Prepared, stored: Table,
                  stage: Table) -> None:
    """One `_history` row per row about to be updated: its key, its `_run_id`, and every
    column as JSON, written by the database."""
    import sqlalchemy as sa

    _new, differs, joined = _changed(conn, stored, stage, table)
    old = joined.right  # the alias of `stored` that `_changed` joined
    rows = sa.select(sa.literal(history.run_id, sa.String), sa.literal(table.name, sa.String),
                     sa.cast(old.c[table.spec.primary_key], sa.String),
                     sa.literal(UPDATED, sa.String), old.c[RUN_ID],
                     _as_json(conn, [old.c[c.name] for c in stored.columns])
                     ).select_from(joined).where(differs)
    conn.execute(history.table.insert().from_select(
        ["run_id", "table_name", "record_key", "action", "previous_run_id", "previous"], rows))


def _as_json(conn: Connection, columns: list[Any]) -> ColumnElement[Any]:
    """A JSON object of `columns` by name, as text. Built in parts of 40 columns and merged
    (PostgreSQL takes at most 100 function arguments); a merge may drop a null, which
    reads back as null all the same."""
    import sqlalchemy as sa

    dialect = conn.dialect.name
    build, merge = {"postgresql": (sa.func.jsonb_build_object, None),
                    "sqlite": (sa.func.json_object, sa.func.json_patch)}.get(
        dialect, (sa.func.JSON_OBJECT, sa.func.JSON_MERGE_PATCH))
    parts = [build(*[x for c in columns[i:i + 40] for x in (sa.literal(c.name, sa.String), c)])
             for i in range(0, len(columns), 40)]
    merged: ColumnElement[Any] = parts[0]
    for part in parts[1:]:
        merged = merged.op("||")(part) if merge is None else merge(merged, part)
    return sa.cast(merged, sa.Text)


def _insert(conn: Connection, target: Table, table: Prepared,
            advance: Callable[[int], None], queued: bool = True, *, freeze: bool = False
            ) -> None:
    if conn.dialect.name == "postgresql":
        _copy(conn, target.name, table, advance, queued, freeze=freeze)
        return
    for start in range(0, table.size, BATCH):
        batch = table.records(start, start + BATCH)
        conn.execute(target.insert(), batch)
        advance(len(batch))


def _copy(conn: Connection, name: str, table: Prepared, advance: Callable[[int], None],
          queued: bool = True, *, freeze: bool = False) -> None:
    """The rows by COPY; `freeze`, into a table this transaction created: COPY FREEZE.

    Why FREEZE: the server then writes the rows as VACUUM FREEZE would leave them, and
    what reads them within the transaction (the keys and indexes, the foreign keys'
    checks) no longer asks of each row whether this transaction wrote it. The run
    benchmark's 300,000 sales and 100,000 customers, by hand in one transaction (two
    runs each): COPY 1,023 and 940 -> 710 and 840 ms, their foreign key's check 141 and
    150 -> 55 and 63 ms. PostgreSQL allows it only for a table created or truncated in
    the same (sub)transaction, and then without a cost to anyone: no other session sees
    the table before the commit. One thing differs, as PostgreSQL's COPY page says: a
    REPEATABLE READ transaction that began before the commit sees the rows once the
    table is committed, where it would otherwise see the table empty."""
    from psycopg import sql
    from psycopg.copy import QueuedLibpqWriter

    if table.chunks is not None:  # made by another thread, which chose
        given, payload = table.given, table.chunks
    else:
        given = given_constants(table) if freeze else None
        payload = copy_chunks(table, given=given)
    cols = ", ".join(_quote(conn, c) for c in copy_columns(table, given))
    driver = conn.connection.driver_connection
    assert driver is not None
    quoted = _quote(conn, name)
    if given:  # a table this transaction created: nobody else sees its defaults
        conn.exec_driver_sql(f"ALTER TABLE {quoted} " + ", ".join(
            f"ALTER COLUMN {_quote(conn, c)} SET DEFAULT "
            f"{sql.Literal(v).as_string(driver)}" for c, v in given.items()))
    with driver.cursor() as cursor, cursor.copy(
            f"COPY {quoted} ({cols}) FROM STDIN{' WITH (FREEZE)' if freeze else ''}",
            writer=QueuedLibpqWriter(cursor) if queued else None) as copy:
        for start, chunk in zip(range(0, table.size, COPY_ROWS), payload, strict=True):
            copy.write(chunk)
            advance(min(COPY_ROWS, table.size - start))
    if given:
        conn.exec_driver_sql(f"ALTER TABLE {quoted} " + ", ".join(
            f"ALTER COLUMN {_quote(conn, c)} DROP DEFAULT" for c in given))


def _stage(conn: Connection, stored: Table, table: Prepared,
           advance: Callable[[int], None], queued: bool = True) -> Table:
    """A temporary table with the incoming rows, typed like `stored`, no constraints."""
    import sqlalchemy as sa

    stage = sa.Table(index_name("_migrator_stage", table.name), sa.MetaData(),
                     *[sa.Column(c, stored.c[c].type) for c in table.columns],
                     prefixes=["TEMPORARY"])
    stage.create(conn)
    _insert(conn, stage, table, advance, queued, freeze=True)
    if conn.dialect.name == "postgresql":  # temporary tables get no statistics otherwise
        conn.exec_driver_sql(f"ANALYZE {_quote(conn, stage.name)}")
    return stage


def _differs(conn: Connection, old: ColumnElement[Any], new: ColumnElement[Any],
             kind: str) -> ColumnElement[bool]:
    import sqlalchemy as sa

    if conn.dialect.name in ("mysql", "mariadb") and kind in ("text", "code"):
        old, new = sa.cast(old, sa.LargeBinary), sa.cast(new, sa.LargeBinary)
    return old.is_distinct_from(new)


def _changed(conn: Connection, stored: Table, stage: Table, table: Prepared
             ) -> tuple[ColumnElement[bool], ColumnElement[bool], Any]:
    """(row is new, row differs in a loaded field, the stage LEFT JOIN stored)."""
    import sqlalchemy as sa

    pk = table.spec.primary_key
    old = stored.alias("o")
    new = old.c[pk].is_(None)
    compared = [_differs(conn, old.c[f], stage.c[f], table.kinds[f])
                for f in table.fields if f != pk]
    differs = sa.and_(old.c[pk].is_not(None), sa.or_(*compared)) if compared else sa.false()
    return new, differs, stage.outerjoin(old, old.c[pk] == stage.c[pk])


def _compare(conn: Connection, stored: Table, stage: Table, table: Prepared) -> tuple[int, int]:
    import sqlalchemy as sa

    new, differs, joined = _changed(conn, stored, stage, table)
    counted = sa.select(sa.func.sum(sa.case((new, 1), else_=0)),
                        sa.func.sum(sa.case((differs, 1), else_=0))).select_from(joined)
    inserted, updated = conn.execute(counted).one()
    return int(inserted or 0), int(updated or 0)


def _merge(conn: Connection, stored: Table, stage: Table, table: Prepared) -> None:
    """One INSERT ... SELECT of the new and changed rows, updating the changed ones."""
    import sqlalchemy as sa

    pk = table.spec.primary_key
    new, differs, joined = _changed(conn, stored, stage, table)
    rows = sa.select(*[stage.c[c] for c in table.columns]).select_from(joined).where(
        sa.or_(new, differs))
    updates = [c for c in table.columns if c != pk]
    dialect = conn.dialect.name
    statement: Any
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg = pg_insert(stored).from_select(table.columns, rows)
        statement = pg.on_conflict_do_update(index_elements=[pk],
                                             set_={c: pg.excluded[c] for c in updates})
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        lite = sqlite_insert(stored).from_select(table.columns, rows)
        statement = lite.on_conflict_do_update(index_elements=[pk],
                                               set_={c: lite.excluded[c] for c in updates})
    elif dialect in ("mysql", "mariadb"):
        _merge_by_key(conn, stored, stage, table, new, joined)
        return
    else:
        raise LoadError(f"the loader does not support {dialect} databases; use SQLite, "
                        "PostgreSQL or MariaDB/MySQL.")
    conn.execute(statement)


def _merge_by_key(conn: Connection, stored: Table, stage: Table, table: Prepared,
                  new: ColumnElement[bool], joined: Any) -> None:
    """MariaDB: the changed rows updated by key, then the new rows inserted.

    Not INSERT ... ON DUPLICATE KEY UPDATE: it fires on any unique key, so a new row whose
    unique value (a phone) another customer holds would overwrite that customer. Apart, a
    collision is refused like on PostgreSQL, and the load rolls back."""
    import sqlalchemy as sa

    pk = table.spec.primary_key
    updates = [c for c in table.columns if c != pk]
    compared = [_differs(conn, stored.c[f], stage.c[f], table.kinds[f])
                for f in table.fields if f != pk]
    if compared and updates:
        conn.execute(stored.update().where(stored.c[pk] == stage.c[pk])
                     .where(sa.or_(*compared)).values({c: stage.c[c] for c in updates}))
    rows = sa.select(*[stage.c[c] for c in table.columns]).select_from(joined).where(new)
    conn.execute(stored.insert().from_select(table.columns, rows))


def _temporary(conn: Connection) -> str:
    return "TEMPORARY " if conn.dialect.name in ("mysql", "mariadb") else ""


def _quote(conn: Connection, name: str) -> str:
    return str(conn.dialect.identifier_preparer.quote(name))
