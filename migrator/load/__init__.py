"""The load stage: validated tables → SQLite, PostgreSQL or MariaDB, in one transaction."""

from __future__ import annotations

from migrator.errors import LoadError
from migrator.load.sql import write_tables
from migrator.load.stage import LoadResult, load
from migrator.load.undo import UndoResult, undo
from migrator.load.upsert import TableCounts
from migrator.urls import redact

__all__ = ["LoadError", "LoadResult", "TableCounts", "UndoResult", "load", "redact", "undo",
           "write_tables"]
