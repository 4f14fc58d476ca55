"""Tables from the target schema (SQLAlchemy Core), and the check that existing ones agree.

An existing table whose columns disagree with the schema is a LoadError naming the
table and the column, raised before anything is written: never a silent change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from migrator.errors import MigratorError
from migrator.lineage import LINEAGE_COLUMNS
from migrator.schema import FieldSpec, TableSpec, TargetSchema

if TYPE_CHECKING:
    from sqlalchemy import Connection, MetaData, Table
    from sqlalchemy.types import TypeEngine

RUN_ID = "_run_id"
ROW_COLUMNS: tuple[str, ...] = (*LINEAGE_COLUMNS, RUN_ID)
"""Columns every data row carries besides its schema fields."""
MARIADB_KEY_LENGTH = 255
"""VARCHAR length for an indexed text column without max_length (MariaDB cannot index TEXT)."""


class LoadError(MigratorError):
    """The load cannot go on or failed; nothing was written. One sentence, never a password."""


def column_type(spec: FieldSpec, dialect: str, *, indexed: bool = False) -> TypeEngine[Any]:
    """The SQL type of a schema field on `dialect` (sqlite, postgresql, mysql/mariadb)."""
    import sqlalchemy as sa

    if spec.type in ("text", "code"):
        if spec.max_length:
            return sa.String(spec.max_length)
        if dialect in ("mysql", "mariadb") and (indexed or spec.type == "code"):
            return sa.String(MARIADB_KEY_LENGTH)
        return sa.Text()
    simple: dict[str, TypeEngine[Any]] = {
        "integer": sa.BigInteger(), "decimal": sa.Numeric(18, 4), "date": sa.Date(),
        "boolean": sa.Boolean(),
    }
    return simple[spec.type]


def table_order(schema: TargetSchema, names: list[str] | None = None) -> list[str]:
    """Table names with every referenced table before the tables that reference it."""
    wanted = list(schema.tables) if names is None else names
    done: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in done or name in path:
            return
        for fk in schema.tables[name].foreign_keys:
            if fk.ref_table != name:
                visit(fk.ref_table, (*path, name))
        done.append(name)

    for name in schema.tables:
        visit(name, ())
    return [name for name in done if name in wanted]


def build_metadata(schema: TargetSchema, dialect: str) -> MetaData:
    """One MetaData with every schema table (fields, lineage, `_run_id`) and the bookkeeping."""
    import sqlalchemy as sa

    from migrator.load.bookkeeping import add_bookkeeping_tables

    metadata = sa.MetaData()
    for name in table_order(schema):
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
        table.append_constraint(sa.UniqueConstraint(*unique, name=f"uq_{name}_{i}"))
    for field in dict.fromkeys([*spec.match_keys, *(fk.column for fk in spec.foreign_keys)]):
        if field != spec.primary_key:
            sa.Index(f"ix_{name}_{field}", table.c[field])
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


VIEW_NEEDS = {
    "customers": ("customer_code", "name"),
    "sales": ("customer_code", "sale_date", "product", "quantity", "unit_price", "amount"),
}
_HISTORY = (
    "SELECT c.customer_code, c.name, s.sale_date, s.product, s.quantity, s.unit_price, "
    "COALESCE(s.amount, s.quantity * s.unit_price) AS amount "
    "FROM customers c JOIN sales s ON s.customer_code = c.customer_code"
)
_SUMMARY = (
    "SELECT s.customer_code, s.product, MIN(s.sale_date) AS first_purchase, "
    "MAX(s.sale_date) AS last_purchase, SUM(s.quantity) AS total_quantity, "
    "SUM(COALESCE(s.amount, s.quantity * s.unit_price)) AS total_amount "
    "FROM sales s GROUP BY s.customer_code, s.product"
)
VIEWS = {"customer_purchase_history": _HISTORY, "customer_product_summary": _SUMMARY}
"""The seed's Access queries as views: a customer's purchases, and per customer and product."""


def view_statements(schema: TargetSchema, dialect: str) -> list[str]:
    """CREATE statements for the views, or none when the schema lacks their tables or fields."""
    for table, fields in VIEW_NEEDS.items():
        spec = schema.tables.get(table)
        if spec is None or any(f not in spec.fields for f in fields):
            return []
    statements = []
    for name, select in VIEWS.items():
        if dialect == "sqlite":
            statements += [f"DROP VIEW IF EXISTS {name}", f"CREATE VIEW {name} AS {select}"]
        else:
            statements.append(f"CREATE OR REPLACE VIEW {name} AS {select}")
    return statements
