"""What the target already holds, read for the stages that need it before the load:
dedupe matches next month's rows with last month's records, validate checks a sale's
customer against the customers stored there.

Only tables that exist and columns they have are read; a target that does not exist
yet (a new SQLite file) holds nothing and is not created.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from migrator.drivers import quiet_logs
from migrator.errors import LoadError
from migrator.urls import redact


def stored_frame(url: str, table: str, columns: Sequence[str]) -> pd.DataFrame:
    """The target's rows of `table`, the `columns` it has; empty when there is none."""
    import sqlalchemy as sa

    quiet_logs()
    try:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError, ValueError) as exc:
        raise unusable_url(url, exc) from exc
    if missing_sqlite_file(engine):
        return pd.DataFrame()
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            if table not in inspector.get_table_names():
                return pd.DataFrame()
            present = {c["name"] for c in inspector.get_columns(table)}
            wanted = [c for c in columns if c in present]
            found = sa.Table(table, sa.MetaData(), *[sa.Column(c) for c in wanted])
            # plain tuples: DataFrame probes each row for `_fields` and the like, and a
            # Row answers a missing attribute by raising, 4 times a row (1.2 s per 100k)
            rows = [tuple(row) for row in conn.execute(sa.select(found))]
    except sa.exc.SQLAlchemyError as exc:
        raise LoadError(f"could not read {table} from {redact(url)} ({type(exc).__name__}); "
                        "check the URL and that the server is running") from exc
    finally:
        engine.dispose()
    return pd.DataFrame(rows, columns=wanted, dtype=object)


def holds_rows(url: str, table: str) -> bool:
    """Whether the target has `table` with a row in it; False when it cannot tell (a
    bad URL, a server away): the caller then goes on as for an empty target."""
    import sqlalchemy as sa

    quiet_logs()
    try:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError, ValueError):
        return False
    try:
        if missing_sqlite_file(engine):
            return False
        with engine.connect() as conn:
            if table not in sa.inspect(conn).get_table_names():
                return False
            first = sa.select(sa.literal(1)).select_from(sa.table(table)).limit(1)
            return conn.execute(first).first() is not None
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def unusable_url(url: str, exc: Exception) -> LoadError:
    """The one sentence for a URL SQLAlchemy cannot use: unreadable, or its driver missing."""
    import sqlalchemy as sa

    if isinstance(exc, sa.exc.ArgumentError | ValueError) and \
            not isinstance(exc, sa.exc.NoSuchModuleError):
        return LoadError(f"{redact(url)} is not a database URL ({type(exc).__name__}); write "
                         "it as an SQLAlchemy URL such as postgresql+psycopg://app@db/crm or "
                         "sqlite:///crm.db.")
    return LoadError(f"{redact(url)} is not a database URL this installation can use "
                     f"({type(exc).__name__}); install migrator[postgres] or migrator[mysql] "
                     "for those servers.")


def missing_sqlite_file(engine: Any) -> bool:
    """True for an SQLite file that does not exist yet: reading it or a dry run must not
    create it, and a failed first load removes it."""
    url = engine.url
    database = url.database
    return (url.get_backend_name() == "sqlite" and bool(database) and database != ":memory:"
            and not str(database).startswith("file:") and not Path(str(database)).exists())
