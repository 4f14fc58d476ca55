"""load: cleaned frames → database rows, in one transaction, as an idempotent upsert.

Per table the incoming rows are compared in Python with the stored rows of the same
keys (inserted / updated / unchanged); only new and changed rows are written:
PostgreSQL through COPY into a temporary staging table and one INSERT ... ON CONFLICT,
SQLite through INSERT ... ON CONFLICT, MariaDB through INSERT ... ON DUPLICATE KEY
UPDATE, both executemany in batches. A failure anywhere rolls everything back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from migrator.lineage import LINEAGE_COLUMNS
from migrator.load.bookkeeping import raw_none, run_id_of, write_bookkeeping
from migrator.load.ddl import (
    RUN_ID,
    LoadError,
    build_metadata,
    check_existing,
    table_order,
    view_statements,
)
from migrator.load.urls import redact
from migrator.schema import TableSpec, TargetSchema

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, MetaData, Table

BATCH = 1000
_SCALE = Decimal("0.0001")  # NUMERIC(18, 4)


@dataclass(frozen=True)
class TableCounts:
    """What the load did (or, in a dry run, would do) to one table."""

    inserted: int
    """Rows whose key was not in the table."""
    updated: int
    """Rows whose key was there with a different value in at least one loaded field."""
    unchanged: int
    """Rows identical in every loaded field to the stored row; not written."""


@dataclass
class _Prepared:
    name: str
    spec: TableSpec
    fields: list[str]
    """The schema fields the frame holds, in schema order; only these are compared."""
    columns: list[str]
    """fields + lineage + _run_id: what is written."""
    rows: list[dict[str, Any]]


@dataclass
class _State:
    step: str = "connect"
    created: tuple[list[str], list[str]] = ([], [])
    """Tables and views this run created (MariaDB commits DDL, so a failure drops them)."""


def load(url: str, schema: TargetSchema, frames: dict[str, pd.DataFrame], *,
         run: dict[str, Any], rejects: pd.DataFrame, merges: pd.DataFrame | None = None,
         dry_run: bool = False, fault: Callable[[str], None] | None = None
         ) -> dict[str, TableCounts]:
    """Create missing tables and views, upsert `frames`, record the run; all or nothing.

    `fault(step)` is called before each step (`ddl`, `views`, `table:<name>`,
    `bookkeeping`) so tests can make a step fail. Every failure is a LoadError of one
    sentence with the URL's password hidden.

    Example:
        >>> counts = load("sqlite:///crm.db", load_schema("crm"), cleaned.frames,
        ...               run={"run_id": "r1"}, rejects=cleaned.rejects)
        >>> counts["customers"]
        TableCounts(inserted=120, updated=0, unchanged=0)
    """
    import sqlalchemy as sa

    target = redact(url)
    run_id = run_id_of(run)
    prepared = [_prepare(name, schema.tables[name], frames[name], run_id)
                for name in _ordered(schema, frames)]
    engine = _engine(url, target)
    metadata = build_metadata(schema, engine.dialect.name)
    state = _State()
    try:
        if dry_run and _missing_sqlite_file(engine):
            return {t.name: TableCounts(len(t.rows), 0, 0) for t in prepared}
        if dry_run:
            with engine.connect() as conn:
                counts = _run_steps(conn, metadata, prepared, state, fault, write=False)
                conn.rollback()
            return counts
        with engine.begin() as conn:
            counts = _run_steps(conn, metadata, prepared, state, fault, write=True,
                                schema=schema)
            _step(state, fault, "bookkeeping")
            write_bookkeeping(
                conn, metadata, run={**run, "dry_run": False}, run_id=run_id, target=target,
                counts={t: asdict(c) for t, c in counts.items()}, rejects=rejects,
                merges=merges)
        return counts
    except LoadError:
        _undo_ddl(engine, state)
        raise
    except sa.exc.SQLAlchemyError as exc:
        undone = _undo_ddl(engine, state)
        raise LoadError(_db_message(exc, target, state.step, undone)) from exc
    except Exception as exc:  # a fault anywhere must roll back and read as one sentence
        undone = _undo_ddl(engine, state)
        raise LoadError(f"the load into {target} failed at step {state.step} "
                        f"({type(exc).__name__}: {_first_line(exc)}); "
                        f"{_nothing_written(undone)}") from exc
    finally:
        engine.dispose()


def _engine(url: str, target: str) -> Engine:
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool, hide_parameters=True)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError, ValueError) as exc:
        raise LoadError(f"{target} is not a database URL this installation can use "
                        f"({type(exc).__name__}); install migrator[postgres] or "
                        "migrator[mysql] for those servers.") from exc
    if engine.dialect.name == "sqlite":
        _sqlite_transactions(engine)
    return engine


def _missing_sqlite_file(engine: Engine) -> bool:
    """True for an SQLite file that does not exist yet (a dry run must not create it)."""
    from pathlib import Path

    database = engine.url.database
    return (engine.dialect.name == "sqlite" and bool(database) and database != ":memory:"
            and not str(database).startswith("file:") and not Path(str(database)).exists())


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


def _run_steps(conn: Connection, metadata: MetaData, prepared: list[_Prepared],
               state: _State, fault: Callable[[str], None] | None, *, write: bool,
               schema: TargetSchema | None = None) -> dict[str, TableCounts]:
    import sqlalchemy as sa

    _step(state, fault, "ddl")
    existing = check_existing(conn, metadata)
    if write:
        views_before = set(sa.inspect(conn).get_view_names())
        state.created = ([t.name for t in metadata.sorted_tables if t.name not in existing], [])
        metadata.create_all(conn, checkfirst=True)
        _step(state, fault, "views")
        assert schema is not None
        for statement in view_statements(schema, conn.dialect.name):
            conn.exec_driver_sql(statement)
        state.created[1].extend(v for v in ("customer_purchase_history",
                                            "customer_product_summary")
                                if v not in views_before)
    counts = {}
    for table in prepared:
        _step(state, fault, f"table:{table.name}")
        stored = metadata.tables[table.name]
        old = _existing(conn, stored, table) if table.name in existing else {}
        counts[table.name], changed = _diff(table, old)
        if write and changed:
            _write(conn, stored, table, changed)
    return counts


def _ordered(schema: TargetSchema, frames: dict[str, pd.DataFrame]) -> list[str]:
    unknown = [name for name in frames if name not in schema.tables]
    if unknown:
        raise LoadError(f"the cleaned tables include {unknown[0]}, which schema {schema.name} "
                        "does not define; map it to a schema table or drop it.")
    return table_order(schema, list(frames))


def _prepare(name: str, spec: TableSpec, frame: pd.DataFrame, run_id: str) -> _Prepared:
    """The rows to load: schema fields coerced to their type, lineage, `_run_id`."""
    pk = spec.primary_key
    if frame.empty and pk not in frame.columns:
        return _Prepared(name, spec, [pk], [pk, *LINEAGE_COLUMNS, RUN_ID], [])
    frame = _generate_keys(name, spec, frame)
    if pk not in frame.columns:
        raise LoadError(f"the {name} table has no {pk} column, its primary key; map a source "
                        f"column to {name}.{pk}.")
    fields = [f for f in spec.fields if f in frame.columns]
    lineage = [c for c in LINEAGE_COLUMNS if c in frame.columns]
    rows: list[dict[str, Any]] = []
    records = frame[fields + lineage].astype(object).to_dict("records")
    for record in records:
        row = {f: _coerce(record[f], spec.fields[f].type, name, f, record) for f in fields}
        row.update({c: _lineage_value(c, record.get(c)) for c in LINEAGE_COLUMNS})
        row[RUN_ID] = run_id
        rows.append(row)
    _check_keys(name, pk, rows)
    return _Prepared(name, spec, fields, [*fields, *LINEAGE_COLUMNS, RUN_ID], rows)


def _generate_keys(name: str, spec: TableSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Fill the schema's `generated` keys a row lacks with an id derived from its lineage.

    The id is a hash of table, file, sheet and row, so loading the same sheet again gives
    the same ids and the upsert stays idempotent.
    """
    wanted = [k for k in spec.generated if k not in frame.columns or frame[k].isna().any()]
    if not wanted or frame.empty or not all(c in frame.columns for c in LINEAGE_COLUMNS):
        return frame
    frame = frame.copy()
    basis = [f"{name}|{f}|{s if pd.notna(s) else ''}|{r}" for f, s, r in
             frame[list(LINEAGE_COLUMNS)].itertuples(index=False)]
    for key in wanted:
        made = pd.Series(["G" + hashlib.sha1(b.encode("utf-8")).hexdigest()[:10].upper()
                          for b in basis], index=frame.index, dtype=object)
        frame[key] = made if key not in frame.columns else frame[key].where(
            frame[key].notna(), made).astype(object)
    return frame


def _check_keys(name: str, pk: str, rows: list[dict[str, Any]]) -> None:
    seen: dict[Any, dict[str, Any]] = {}
    for row in rows:
        key = row[pk]
        if key is None:
            raise LoadError(f"{name} row {_where(row)} has no {pk}; it is the primary key, "
                            "so the row must be rejected or given one before loading.")
        if key in seen:
            raise LoadError(f"{name} row {_where(row)} repeats the {pk} of row "
                            f"{_where(seen[key])}; merge the duplicates before loading.")
        seen[key] = row


def _where(row: dict[str, Any]) -> str:
    parts = [str(row.get(c)) for c in LINEAGE_COLUMNS if row.get(c) is not None]
    return ":".join(parts) if parts else "(no lineage)"


def _lineage_value(column: str, value: Any) -> Any:
    if raw_none(value):
        return None
    return int(value) if column == "_source_row" else str(value)


def _coerce(value: Any, kind: str, table: str, field: str, record: dict[str, Any]) -> Any:
    """A python value of the field's type (str, int, Decimal, date, bool) or None."""
    if raw_none(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    try:
        return _COERCE[kind](value)
    except (ValueError, TypeError, InvalidOperation, ArithmeticError) as exc:
        raise LoadError(f"{table}.{field} at {_where(record)} is not a {kind} value; clean or "
                        "reject the row before loading.") from exc


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("a boolean is not an amount")
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return number.quantize(_SCALE)


def _to_date(value: Any) -> date:
    if isinstance(value, datetime):  # pd.Timestamp too
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _to_bool(value: Any) -> bool:
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("true", "1", "yes", "t", "y"):
            return True
        if word in ("false", "0", "no", "f", "n"):
            return False
        raise ValueError(value)
    return bool(value)


def _to_int(value: Any) -> int:
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(value)
    return int(value)


_COERCE: dict[str, Callable[[Any], Any]] = {
    "text": str, "code": str, "integer": _to_int, "decimal": _to_decimal, "date": _to_date,
    "boolean": _to_bool,
}


def _batches(items: list[Any], size: int = BATCH) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _existing(conn: Connection, stored: Table, table: _Prepared) -> dict[Any, dict[str, Any]]:
    """The stored rows for the incoming keys: {key: {field: value}}."""
    import sqlalchemy as sa

    pk = table.spec.primary_key
    keys = [row[pk] for row in table.rows]
    columns = [stored.c[f] for f in table.fields]
    found: dict[Any, dict[str, Any]] = {}
    for batch in _batches(keys):
        for row in conn.execute(sa.select(*columns).where(stored.c[pk].in_(batch))):
            values = dict(row._mapping)
            found[values[pk]] = values
    return found


def _diff(table: _Prepared, old: dict[Any, dict[str, Any]]
          ) -> tuple[TableCounts, list[dict[str, Any]]]:
    """Counts, and the rows to write (new or different in a schema field)."""
    pk = table.spec.primary_key
    inserted = updated = 0
    changed = []
    for row in table.rows:
        stored = old.get(row[pk])
        if stored is None:
            inserted += 1
        elif any(not _same(row[f], stored[f], table.spec.fields[f].type) for f in table.fields):
            updated += 1
        else:
            continue
        changed.append(row)
    return TableCounts(inserted, updated, len(table.rows) - inserted - updated), changed


def _same(new: Any, stored: Any, kind: str) -> bool:
    if new is None or stored is None:
        return new is None and stored is None
    if kind == "decimal":
        return Decimal(str(stored)).quantize(_SCALE) == new
    if kind == "date" and isinstance(stored, datetime):
        stored = stored.date()
    if kind == "boolean":
        stored = bool(stored)
    return bool(new == stored)


def _write(conn: Connection, stored: Table, table: _Prepared, rows: list[dict[str, Any]]) -> None:
    dialect = conn.dialect.name
    if dialect == "postgresql":
        _write_postgres(conn, table, rows)
        return
    pk = table.spec.primary_key
    updates = [c for c in table.columns if c != pk]
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        lite = sqlite_insert(stored)
        statement: Any = lite.on_conflict_do_update(
            index_elements=[pk], set_={c: lite.excluded[c] for c in updates})
    elif dialect in ("mysql", "mariadb"):
        from sqlalchemy.dialects.mysql import insert as mysql_insert

        my = mysql_insert(stored)
        statement = my.on_duplicate_key_update({c: my.inserted[c] for c in updates})
    else:
        raise LoadError(f"the loader does not support {dialect} databases; use SQLite, "
                        "PostgreSQL or MariaDB/MySQL.")
    for batch in _batches(rows):
        conn.execute(statement, batch)


def _write_postgres(conn: Connection, table: _Prepared, rows: list[dict[str, Any]]) -> None:
    """COPY into a temporary staging table, then one INSERT ... ON CONFLICT DO UPDATE."""
    quote = conn.dialect.identifier_preparer.quote
    name, stage = quote(table.name), quote(f"_migrator_stage_{table.name}")
    pk = table.spec.primary_key
    cols = ", ".join(quote(c) for c in table.columns)
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS "
                         f"SELECT {cols} FROM {name} WITH NO DATA")
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(f"COPY {stage} ({cols}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in table.columns])
    compared = [quote(f) for f in table.fields if f != pk]
    if compared:
        sets = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in table.columns if c != pk)
        mine = ", ".join(f"{name}.{c}" for c in compared)
        theirs = ", ".join(f"EXCLUDED.{c}" for c in compared)
        action = f"DO UPDATE SET {sets} WHERE ROW({mine}) IS DISTINCT FROM ROW({theirs})"
    else:
        action = "DO NOTHING"
    conn.exec_driver_sql(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM {stage} "
                         f"ON CONFLICT ({quote(pk)}) {action}")
    conn.exec_driver_sql(f"DROP TABLE {stage}")


def _undo_ddl(engine: Engine, state: _State) -> bool:
    """MariaDB commits CREATE TABLE/VIEW at once: drop what this run created. True if clean."""
    tables, views = state.created
    if engine.dialect.name not in ("mysql", "mariadb") or not (tables or views):
        return True
    import sqlalchemy as sa

    try:
        with engine.begin() as conn:
            for view in views:
                conn.exec_driver_sql(f"DROP VIEW IF EXISTS {view}")
            for name in reversed(tables):
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
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
    if step == "connect":
        return (f"could not connect to {target} ({_first_line(exc.orig or exc)}); check the "
                "URL, the credentials and that the server is running.")
    if _lost(exc):
        return (f"the database connection was lost during the load into {target}; "
                f"{'nothing was written' if undone else 'empty tables it created may remain'}.")
    return (f"the database refused the load into {target} at step {step} "
            f"({_first_line(getattr(exc, 'orig', None) or exc)}); {_nothing_written(undone)}")


def _first_line(exc: object) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line[:200].rstrip(". ")
