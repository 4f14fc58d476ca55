"""migrator: customer data out of messy spreadsheets, into a database or a CRM."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

_LAZY = {
    "MigratorError": "migrator.errors",
    "ReadError": "migrator.errors",
    "ReadLimits": "migrator.read",
    "ReadOptions": "migrator.read",
    "SourceTable": "migrator.read",
    "SourceTables": "migrator.read",
    "read_sources": "migrator.read",
}


def __getattr__(name: str) -> Any:
    """Import stages on first use so `migrator --help` stays fast (no pandas at start-up)."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'migrator' has no attribute {name!r}")
