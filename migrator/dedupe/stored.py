"""The records already in the target, read for matching: next month's sheet is matched
against last month's customers, so a client loaded under code 000123 is updated, never
inserted again under a generated code.

Only the schema's fields and the lineage columns are read, and only from tables that
exist; a target that does not exist yet (a new SQLite file) holds nothing and is not
created. A stored row takes part in matching and survivorship but is never a row of this
run: it is not counted, loaded or merged; it lends its key to the row that matches it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from migrator.errors import LoadError
from migrator.lineage import LINEAGE_COLUMNS
from migrator.reference.companies import match_key
from migrator.schema import TableSpec
from migrator.urls import redact

STORED = "_stored"
"""Helper column: True for a row read from the target, not from a source."""


def stored_rows(url: str, table: str, spec: TableSpec) -> pd.DataFrame:
    """The target's rows of `table` (fields it holds and lineage), with `_<name>_key` for
    the company name as clean makes it; an empty frame when there is nothing to read."""
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError, ValueError) as exc:
        raise LoadError(f"{redact(url)} is not a database URL this installation can use "
                        f"({type(exc).__name__})") from exc
    if _missing_sqlite_file(engine):
        return pd.DataFrame()
    try:
        with engine.connect() as conn:
            if table not in sa.inspect(conn).get_table_names():
                return pd.DataFrame()
            present = {c["name"] for c in sa.inspect(conn).get_columns(table)}
            columns = [c for c in [*spec.fields, *LINEAGE_COLUMNS] if c in present]
            found = sa.Table(table, sa.MetaData(), *[sa.Column(c) for c in columns])
            frame = pd.DataFrame(conn.execute(sa.select(found)).fetchall(), columns=columns,
                                 dtype=object)
    except sa.exc.SQLAlchemyError as exc:
        raise LoadError(f"could not read {table} from {redact(url)} to match it "
                        f"({type(exc).__name__}); check the URL and that the server is "
                        "running") from exc
    finally:
        engine.dispose()
    for name, field in spec.fields.items():
        if field.semantic == "company_name" and name in frame:
            frame[f"_{name}_key"] = frame[name].map(_key, na_action="ignore")
    frame[STORED] = True
    return frame


def _key(name: object) -> object:
    key = match_key(str(name))
    return key or None


def _missing_sqlite_file(engine: object) -> bool:
    url = engine.url  # type: ignore[attr-defined]
    database = url.database
    return (url.get_backend_name() == "sqlite" and bool(database) and database != ":memory:"
            and not str(database).startswith("file:") and not Path(str(database)).exists())
