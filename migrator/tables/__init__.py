"""The tables that flow between the stages, and nothing else: the contracts below them.

`sources`: what read_sources hands to profile and map (SourceTable, SourceTables).
`results`: what each stage from map to validate hands on (MappedTables, CleanedTables,
DedupedTables, ValidationReport), with the per-source FieldRule and the run's Trail.
Every stage imports these, and no stage imports another.
"""

from migrator.tables.results import (
    CLUSTER_COLUMNS,
    DEFAULT_RULE,
    FAILURE_COLUMNS,
    PAIR_COLUMNS,
    RULES,
    STAGES,
    CleanedTables,
    DedupedTables,
    FieldRule,
    FixPlace,
    MappedTables,
    RowCounts,
    StageTables,
    Trail,
    ValidationReport,
    require,
)
from migrator.tables.sources import (
    SkippedRow,
    SkippedSheet,
    SkipReason,
    SourceFile,
    SourceTable,
    SourceTables,
)

__all__ = [
    "CLUSTER_COLUMNS",
    "CleanedTables",
    "DEFAULT_RULE",
    "DedupedTables",
    "FAILURE_COLUMNS",
    "PAIR_COLUMNS",
    "FieldRule",
    "FixPlace",
    "MappedTables",
    "RULES",
    "RowCounts",
    "STAGES",
    "SkipReason",
    "SkippedRow",
    "SkippedSheet",
    "SourceFile",
    "SourceTable",
    "SourceTables",
    "StageTables",
    "Trail",
    "ValidationReport",
    "require",
]
