"""The read stage: spreadsheets and CSVs → SourceTables with Excel lineage."""

from migrator.read.reader import read_sources
from migrator.read.settings import ReadLimits, ReadOptions
from migrator.tables import SkippedRow, SkippedSheet, SkipReason, SourceTable, SourceTables

__all__ = [
    "ReadLimits",
    "ReadOptions",
    "SkipReason",
    "SkippedRow",
    "SkippedSheet",
    "SourceTable",
    "SourceTables",
    "read_sources",
]
