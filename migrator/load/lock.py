"""One load at a time into one target: a PostgreSQL advisory lock, a MariaDB named lock.

Two runs creating the tables of an empty PostgreSQL database at once collide in its
catalog ("duplicate key value violates unique constraint pg_type_typname_nsp_index"),
and two runs comparing against one table both count a new row as inserted. A lock named
for the target, taken before the load first looks at its tables and held until it
committed, makes the second run wait and then see what the first one wrote.

PostgreSQL's lock belongs to the load's transaction (`pg_advisory_xact_lock`), so a
commit, a rollback or a lost connection releases it. MariaDB commits DDL at once and a
failed load drops the tables it created from another connection, so its lock
(`GET_LOCK`) is held by a connection of its own around the whole load, undo included.
SQLite locks the whole file by itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from migrator.errors import LoadError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

POSTGRESQL_KEY = "hashtextextended('migrator load:' || coalesce(current_schema(), ''), 0)"
"""The advisory lock's key: one per schema (advisory locks are per database already)."""
MARIADB_NAME = "CONCAT('migrator load:', MD5(COALESCE(DATABASE(), '')))"
"""The named lock of one database; lock names are at most 64 characters."""
MARIADB_WAIT = 365 * 24 * 3600
"""GET_LOCK's timeout in seconds: wait as long as the other load takes."""

Waiting = Callable[[bool], None]
"""waiting(True) when the load starts waiting for another one, waiting(False) when done."""


def lock_postgresql(conn: Connection, waiting: Waiting) -> float | None:
    """Take the target's lock for `conn`'s transaction: None if it was free, else the
    seconds spent waiting for the run holding it."""
    if conn.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({POSTGRESQL_KEY})").scalar():
        return None
    waiting(True)
    started = time.perf_counter()
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({POSTGRESQL_KEY})")
    waiting(False)
    return time.perf_counter() - started


@contextmanager
def lock_mariadb(engine: Engine, waiting: Waiting) -> Iterator[float | None]:
    """Hold the target's named lock while the block runs; yields None if it was free,
    else the seconds spent waiting for the run holding it."""
    with engine.connect() as conn:
        waited = None
        if conn.exec_driver_sql(f"SELECT GET_LOCK({MARIADB_NAME}, 0)").scalar() != 1:
            waiting(True)
            started = time.perf_counter()
            got = conn.exec_driver_sql(f"SELECT GET_LOCK({MARIADB_NAME}, {MARIADB_WAIT})")
            if got.scalar() != 1:
                raise LoadError("another run held the target's load lock for too long; "
                                "nothing was written.")
            waiting(False)
            waited = time.perf_counter() - started
        try:
            yield waited
        finally:
            with suppress(SQLAlchemyError):  # a lost connection has released it already
                conn.exec_driver_sql(f"SELECT RELEASE_LOCK({MARIADB_NAME})")
