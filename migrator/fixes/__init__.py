"""The hand fixes stage: a person's corrected (or accepted) values, replayed on every run.

`Fixes` is the fixes file beside the mapping (a value keyed by the row's lineage and the
value it replaces); `apply_fixes` puts them into apply_mapping's result before clean.
"""

from migrator.fixes.apply import apply_fixes
from migrator.fixes.file import Fixes
from migrator.fixes.fix import Fix

__all__ = ["Fix", "Fixes", "apply_fixes"]
