"""Tables from the target schema (SQLAlchemy Core), and the check that existing ones agree.

An existing table whose columns disagree with the schema is a LoadError naming the
table and the column, raised before anything is written: never a silent change.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from migrator.errors import LoadError
from migrator.lineage import LINEAGE_COLUMNS
from migrator.load.bookkeeping import ADDED_COLUMNS, add_bookkeeping_tables
from migrator.schema import FieldSpec, TableSpec, TargetSchema
from migrator.schema.model import MAX_NAME_BYTES

if TYPE_CHECKING:
    from sqlalchemy import Connection, MetaData, Table
    from sqlalchemy.schema import ExecutableDDLElement
    from sqlalchemy.types import TypeEngine

RUN_ID = "_run_id"
BY_HAND = "by hand"
"""The `_run_id` of a record a person changed through the entry role (`migrator roles`)."""
ROW_COLUMNS: tuple[str, ...] = (*LINEAGE_COLUMNS, RUN_ID)
"""Columns every data row carries besides its schema fields."""
MARIADB_KEY_LENGTH = 255
"""VARCHAR length for an indexed text column without max_length (MariaDB cannot index TEXT)."""


POSTGRES_CODE_COLLATION = "C"
"""The collation of identifier-like text columns on PostgreSQL (`is_code`): byte order.

Their keys, indexes and foreign keys are built by sorting, and under a libc locale
(C.UTF-8 or en_US.UTF-8 alike) every comparison goes through strcoll, without abbreviated
keys. In "C" the 300,000-sale customer_code index took 112-152 ms instead of 287-335, and
the run benchmark's keys, indexes and foreign keys 906-969 ms instead of 1119-1299 (two
runs each). Equality, which is all a code is looked up by, is the same in any
deterministic collation; only ORDER BY a code changes, to the order of its characters.
Names and other prose keep the database's own collation. A table created before keeps its
columns: an older target loads and merges as it did."""
_CODE_FORMATS = frozenset({"e164", "email"})


def is_code(spec: FieldSpec) -> bool:
    """Whether a text field holds identifiers (codes, phone numbers, e-mail addresses),
    compared as they are written rather than sorted as words."""
    return spec.type == "code" or spec.format in _CODE_FORMATS


def column_type(spec: FieldSpec, dialect: str, *, indexed: bool = False) -> TypeEngine[Any]:
    """The SQL type of a schema field on `dialect` (sqlite, postgresql, mysql/mariadb)."""
    import sqlalchemy as sa

    if spec.type in ("text", "code"):
        collation = POSTGRES_CODE_COLLATION if dialect == "postgresql" and is_code(spec) \
            else None
        if spec.max_length:
            return sa.String(spec.max_length, collation=collation)
        if dialect in ("mysql", "mariadb") and (indexed or spec.type == "code"):
            return sa.String(MARIADB_KEY_LENGTH)
        return sa.Text(collation=collation)
    simple: dict[str, TypeEngine[Any]] = {
        "integer": sa.BigInteger(), "decimal": sa.Numeric(18, 4), "date": sa.Date(),
        "boolean": sa.Boolean(),
    }
    return simple[spec.type]


def build_metadata(schema: TargetSchema, dialect: str) -> MetaData:
    """One MetaData with every schema table (fields, lineage, `_run_id`) and the bookkeeping."""
    import sqlalchemy as sa

    metadata = sa.MetaData()
    for name in schema.table_order():
        _data_table(metadata, name, schema.tables[name], dialect)
    add_bookkeeping_tables(metadata, dialect)
    return metadata


def _indexed(spec: TableSpec) -> set[str]:
    keyed = {spec.primary_key, *spec.match_keys, *(fk.column for fk in spec.foreign_keys)}
    return keyed | {c for columns in spec.unique for c in columns}


def _data_table(metadata: MetaData, name: str, spec: TableSpec, dialect: str) -> Table:
    import sqlalchemy as sa

    indexed = _indexed(spec)
    refs = {fk.column: fk.references for fk in spec.foreign_keys}
    columns: list[Any] = []
    for field, fspec in spec.fields.items():
        args: list[Any] = [sa.ForeignKey(refs[field])] if field in refs else []
        columns.append(sa.Column(
            field, column_type(fspec, dialect, indexed=field in indexed), *args,
            primary_key=field == spec.primary_key,
            nullable=not fspec.required and field != spec.primary_key,
            autoincrement=False,
        ))
    columns += [
        sa.Column("_source_file", sa.Text()),
        sa.Column("_source_sheet", sa.Text()),
        sa.Column("_source_row", sa.BigInteger()),
        sa.Column(RUN_ID, sa.String(64), nullable=False),
    ]
    table = sa.Table(name, metadata, *columns)
    for i, unique in enumerate(spec.unique):
        table.append_constraint(sa.UniqueConstraint(*unique, name=index_name("uq", name, str(i))))
    for field in dict.fromkeys([*spec.match_keys, *(fk.column for fk in spec.foreign_keys)]):
        if field != spec.primary_key:
            sa.Index(index_name("ix", name, field), table.c[field])
    return table


def _family(sqltype: Any) -> str:
    """A coarse type family, so VARCHAR(100) and TEXT agree but TEXT and DATE do not."""
    import sqlalchemy.types as st

    for family, kinds in (
        ("boolean", (st.Boolean,)), ("datetime", (st.DateTime,)), ("date", (st.Date,)),
        ("integer", (st.Integer,)), ("decimal", (st.Numeric, st.Float)),
        ("text", (st.String, st.Text, st.Enum)), ("binary", (st.LargeBinary,)),
    ):
        if isinstance(sqltype, kinds):
            return family
    return type(sqltype).__name__.lower()


def _agree(expected: str, found: str) -> bool:
    # MariaDB reflects BOOLEAN as TINYINT(1); SQLite may reflect an untyped column as NULL.
    return expected == found or (expected == "boolean" and found == "integer")


def check_existing(conn: Connection, metadata: MetaData) -> set[str]:
    """Raise LoadError when an existing table lacks a column or holds one of another type.

    Returns the names of the tables that already exist. Extra columns are left alone.
    """
    import sqlalchemy as sa

    inspector = sa.inspect(conn)
    existing = set(inspector.get_table_names())
    for table in metadata.sorted_tables:
        if table.name not in existing:
            continue
        found = {c["name"]: c["type"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in found and column.name in ADDED_COLUMNS.get(table.name, ()):
                continue  # added by upgrade_bookkeeping
            if column.name not in found:
                raise LoadError(
                    f"table {table.name} in the target has no column {column.name}, which the "
                    "schema defines; add it or load into another database, since the loader "
                    "never changes an existing table.")
            want, got = _family(column.type), _family(found[column.name])
            if not _agree(want, got):
                raise LoadError(
                    f"column {table.name}.{column.name} in the target is {got} but the schema "
                    f"says {want}; change the column or the schema, since the loader never "
                    "changes an existing table.")
    return existing


def create_tables(conn: Connection, metadata: MetaData, existing: set[str], data: set[str],
                  *, stand_ins: bool = False
                  ) -> tuple[list[ExecutableDDLElement], list[ExecutableDDLElement]]:
    """Create the missing tables; return the DDL to run once rows are in: the primary
    keys and indexes, then the foreign keys (they wait until rejected rows are gone).

    `data` are the tables this load writes rows to: they get their indexes (and, on
    PostgreSQL, their primary and foreign keys, see `_keyless`) later. MariaDB commits at
    every CREATE INDEX, so there the tables are created whole. MariaDB also commits every
    CREATE TABLE, so a dry run there (`stand_ins`) creates the `data` tables TEMPORARY
    instead: the connection keeps them to itself and drops them when it closes. MariaDB
    refuses foreign keys on them, and their secondary indexes change nothing a load is
    told, so both are left out.
    """
    from sqlalchemy.schema import AddConstraint, CreateIndex, CreateTable

    dialect = conn.dialect.name
    missing = [t for t in metadata.sorted_tables if t.name not in existing]
    if stand_ins:
        for table in (t for t in missing if t.name in data):
            ddl = str(CreateTable(table, include_foreign_key_constraints=[])
                      .compile(dialect=conn.dialect))
            conn.exec_driver_sql(ddl.replace("CREATE TABLE", "CREATE TEMPORARY TABLE", 1))
        return [], []
    if dialect not in ("postgresql", "sqlite"):
        metadata.create_all(conn, tables=missing, checkfirst=False)
        return [], []
    keys: list[ExecutableDDLElement] = []
    indexes: list[ExecutableDDLElement] = []
    references: list[ExecutableDDLElement] = []
    keyless: set[str] = set()
    for table in missing:
        deferred = table.name in data
        created = [CreateIndex(index) for index in sorted(table.indexes, key=_index_name)]
        if deferred and dialect == "postgresql":
            conn.execute(CreateTable(_keyless(table)))
            keyless.add(table.name)
            keys.append(AddConstraint(table.primary_key))
            references += [AddConstraint(fk) for fk in table.foreign_key_constraints]
        else:  # a key to a table without its primary key yet waits for that key
            waiting = [fk for fk in table.foreign_key_constraints
                       if fk.referred_table.name in keyless]
            conn.execute(CreateTable(table, include_foreign_key_constraints=[
                fk for fk in table.foreign_key_constraints if fk not in waiting]))
            references += [AddConstraint(fk) for fk in waiting]
        if deferred:
            indexes += created
        else:
            for element in created:
                conn.execute(element)
    return [*keys, *indexes], references


def _keyless(table: Table) -> Table:
    """`table` without its primary key and foreign keys, for COPY to fill before they are
    built: a key built once over the loaded rows costs less than one kept up row by row.
    Duplicate keys never reach the database (`prepare` refuses them), so the key's
    refusals come no later than they did; unique constraints stay, so a schema's unique
    field is still refused at its table's step."""
    import sqlalchemy as sa

    columns = [sa.Column(c.name, c.type, nullable=c.nullable, autoincrement=False)
               for c in table.columns]
    unique = [sa.UniqueConstraint(*c.columns.keys(), name=c.name) for c in table.constraints
              if isinstance(c, sa.UniqueConstraint)]
    return sa.Table(table.name, sa.MetaData(), *columns, *unique)


def _index_name(index: Any) -> str:
    return str(index.name)


def view_statements(schema: TargetSchema, dialect: str) -> list[str]:
    """CREATE statements for the schema's views, replacing the ones there."""
    statements = []
    for name, view in schema.views.items():
        quoted = quote_name(name, dialect)
        if dialect == "sqlite":
            statements += [f"DROP VIEW IF EXISTS {quoted}",
                           f"CREATE VIEW {quoted} AS {view.select}"]
        else:
            statements.append(f"CREATE OR REPLACE VIEW {quoted} AS {view.select}")
    return statements


def quote_name(name: str, dialect: str) -> str:
    """`name` as an SQL identifier on `dialect`; schema names are letters, digits and _."""
    return f"`{name}`" if dialect in ("mysql", "mariadb") else f'"{name}"'


def index_name(prefix: str, *parts: str) -> str:
    """`ix_customers_phone`; past PostgreSQL's 63 bytes (Japanese names), a stable hash."""
    name = "_".join((prefix, *parts))
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    return f"{prefix}_{hashlib.sha1(name.encode('utf-8')).hexdigest()[:16]}"
