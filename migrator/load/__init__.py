"""load: cleaned tables → SQLite, PostgreSQL or MariaDB, in one transaction, repeatable."""

from __future__ import annotations

from migrator.load.ddl import LoadError
from migrator.load.sql import TableCounts, load
from migrator.load.urls import redact

__all__ = ["LoadError", "TableCounts", "load", "redact"]
