"""The map stage: which source column feeds which target field."""

from migrator.mapping.spec import ColumnTarget, Mapping, MappingError, SourceSpec
from migrator.mapping.suggest import suggest_mapping

__all__ = ["ColumnTarget", "Mapping", "MappingError", "SourceSpec", "suggest_mapping"]
