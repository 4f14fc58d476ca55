"""migrator: customer data out of messy spreadsheets, into a database or a CRM."""

from __future__ import annotations

from typing import TYPE_CHECKING

from migrator.lazy import lazy_attributes

__version__ = "0.1.0"

__all__ = [
    "MigratorError",
    "ReadError",
    "ReadLimits",
    "ReadOptions",
    "SourceTable",
    "SourceTables",
    "read_sources",
]

if TYPE_CHECKING:
    from migrator.errors import MigratorError, ReadError
    from migrator.read import ReadLimits, ReadOptions, SourceTable, SourceTables, read_sources

__getattr__ = lazy_attributes(__name__, {
    "MigratorError": "migrator.errors",
    "ReadError": "migrator.errors",
    "ReadLimits": "migrator.read",
    "ReadOptions": "migrator.read",
    "SourceTable": "migrator.read",
    "SourceTables": "migrator.read",
    "read_sources": "migrator.read",
})
