"""The dedupe stage: the same record typed twice becomes one, reviewed by a person."""

from migrator.dedupe.decisions import Decision, Decisions, RecordRef, review
from migrator.dedupe.stage import dedupe
from migrator.tables import DedupedTables

__all__ = ["Decision", "Decisions", "DedupedTables", "RecordRef", "dedupe", "review"]
