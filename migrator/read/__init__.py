"""The read stage: spreadsheets and CSVs → SourceTables with Excel lineage."""

from migrator.read.model import SkippedRow, SkippedSheet, SkipReason, SourceTable, SourceTables
from migrator.read.reader import read_sources
from migrator.read.settings import ReadLimits, ReadOptions

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
