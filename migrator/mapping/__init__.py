"""The map stage: which source column feeds which target field, and the rows it makes."""

from migrator.errors import MappingError
from migrator.mapping.apply import apply_mapping
from migrator.mapping.learn import learn, learned_synonyms
from migrator.mapping.spec import ColumnTarget, Mapping, SourceSpec
from migrator.mapping.suggest import suggest_mapping
from migrator.tables import MappedTables

__all__ = ["ColumnTarget", "MappedTables", "Mapping", "MappingError", "SourceSpec",
           "apply_mapping", "learn", "learned_synonyms", "suggest_mapping"]
