"""The clean stage: every value in its canonical form, every change recorded."""

from migrator.clean.stage import clean
from migrator.tables import CleanedTables

__all__ = ["CleanedTables", "clean"]
