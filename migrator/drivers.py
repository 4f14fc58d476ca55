"""What the database drivers say, made fit to print: names, never values.

A driver's error text may quote the row it refused: PostgreSQL's DETAIL (`Failing row
contains (...)`, `Key (email)=(...)`), a COPY's CONTEXT line, a trigger's `RAISE` of
`NEW`, MariaDB's `Duplicate entry '...'`, a `SIGNAL` built from the row. `describe`
names the error, the constraint, the table and the column from the driver's structured
fields instead, and hides any password left in what it keeps.

The drivers also log: psycopg warns "error ignored terminating <Copy>" with three lines
of libpq text when a connection dies mid-COPY, and with no logging configured Python
prints such warnings on stderr around our one sentence. `quiet_logs` gives their
loggers a NullHandler, the way libraries are meant to ship: an application that
configures logging (as `migrator --debug` does) still gets every record.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

from migrator.urls import scrub

_SAFE_SQLSTATE_CLASSES = frozenset({"08", "0A", "25", "40", "42", "53", "54", "55", "57", "58"})
"""PostgreSQL error classes whose primary message names objects, never values: connection,
unsupported feature, transaction state, rollback (deadlock), syntax and access rules,
resources, limits, object state (locks), operator intervention, system errors."""
_PG_FUNCTION = re.compile(r"PL/pgSQL function ([^\s(]+)\(")
_PG_COPY = re.compile(r"^COPY ([^,\s]+), line \d+(?:, column ([^:]+):)?", re.MULTILINE)
_MARIADB_QUOTED = re.compile(
    r"(?i)(?P<name>\b(?:column|key|table|constraint|index|database|schema)\s+)?'[^']*'")
"""A quoted literal in a MariaDB/SQLite message: kept after `column`, `key` and such
(an identifier), hidden otherwise (a value)."""
MARIADB_SIGNAL = 1644
"""ER_SIGNAL_EXCEPTION: a trigger's or procedure's SIGNAL, whose text it wrote itself."""


DRIVER_LOGGERS = ("psycopg", "sqlalchemy", "pymysql")


def quiet_logs() -> None:
    """Keep the drivers' log records off stderr unless the application configured logging.

    Python prints a record no handler takes on stderr (`logging.lastResort`); a
    NullHandler on the driver's logger takes it, and records still propagate to any
    handler the application set on the root logger.
    """
    for name in DRIVER_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


def describe(exc: BaseException) -> str:
    """One clause for a database error: what kind, on which constraint, table and column.

    Values never appear: the text is rebuilt from the driver's fields where the message
    may quote the row, and a message of another origin keeps only its first line.

    Example:
        >>> describe(check_violation)
        'check violation of constraint phone_format on table customers, SQLSTATE 23514'
    """
    error: Any = getattr(exc, "orig", None) or exc
    driver = _driver(error)
    if driver == "psycopg":
        return scrub(_postgres(error))
    if driver == "pymysql":
        return scrub(_mariadb(error))
    if driver == "sqlite3":
        return scrub(_MARIADB_QUOTED.sub(_literal, first_line(error)))
    return scrub(f"{type(error).__name__}: {first_line(error)}")


def is_driver_error(exc: BaseException) -> bool:
    """True for an error a database driver raised itself (not wrapped by SQLAlchemy)."""
    return _driver(exc) is not None


def _driver(error: object) -> str | None:
    """The driver module that raised `error`, of those we load through; None for others.

    Looked up in sys.modules: a driver nobody imported cannot have raised it.
    """
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(error, psycopg.Error):
        return "psycopg"
    pymysql = sys.modules.get("pymysql")
    if pymysql is not None and isinstance(error, pymysql.err.MySQLError):
        return "pymysql"
    sqlite3 = sys.modules.get("sqlite3")
    if sqlite3 is not None and isinstance(error, sqlite3.Error):
        return "sqlite3"
    return None


def _postgres(error: Any) -> str:
    diag = error.diag
    code = error.sqlstate or ""
    context = diag.context or ""
    primary = diag.message_primary
    if primary and code[:2] in _SAFE_SQLSTATE_CLASSES and "at RAISE" not in context:
        return f"{first_line(primary)}, SQLSTATE {code}"
    copy = _PG_COPY.search(context)
    table = diag.table_name or (copy.group(1) if copy else None)
    column = diag.column_name or (copy.group(2) if copy else None)
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", type(error).__name__).lower()
    if diag.constraint_name:
        words += f" of constraint {diag.constraint_name}"
    if table and column:
        words += f" on {table}.{column}"
    elif table or column:
        words += f" on table {table}" if table else f" on column {column}"
    function = _PG_FUNCTION.search(context)
    if function:
        words += f" in function {function.group(1)}()"
    return f"{words}, SQLSTATE {code}" if code else words


def _mariadb(error: Any) -> str:
    code, message = (*error.args, None, "")[:2]
    if code == MARIADB_SIGNAL:
        return f"a trigger or stored procedure signalled an error, MariaDB error {code}"
    kept = _MARIADB_QUOTED.sub(_literal, first_line(message))
    return f"{kept}, MariaDB error {code}" if code else kept


def _literal(match: re.Match[str]) -> str:
    return match.group(0) if match.group("name") else "'…'"


def first_line(text: object) -> str:
    """The first line of `text` (an error's DETAIL, CONTEXT and SQL follow it), at most
    200 characters, without a closing full stop."""
    lines = str(text).strip().splitlines()
    line = lines[0] if lines else type(text).__name__
    return line[:200].rstrip(". ")
