"""The dedupe stage: the same record entered twice becomes one (today: one row per key)."""

from migrator.dedupe.stage import dedupe
from migrator.tables import DedupedTables

__all__ = ["DedupedTables", "dedupe"]
