"""migrator: customer data out of messy spreadsheets, into a database or a CRM.

The front door names the whole pipeline; each verb takes the previous verb's result::

    from migrator import (read_sources, profile, suggest_mapping, apply_mapping, clean,
                          dedupe, validate, load)

    tables  = read_sources(["sample_data/顧客台帳.xlsx"])   # SourceTables
    prof    = profile(tables)                                # Profile
    mapping = suggest_mapping(prof)                          # Mapping: review, save()
    mapped  = apply_mapping(tables, mapping)                 # MappedTables
    cleaned = clean(mapped)                                  # CleanedTables
    deduped = dedupe(cleaned)                                # DedupedTables
    checked = validate(deduped)                              # ValidationReport
    result  = load(checked, to="sqlite:///crm.db")           # LoadResult
    files   = export(checked, "kintone", "out/")              # ExportResult (CRM files)

`prepare()` runs read through validate and stops; `run()` is prepare() then load().
Names are imported on first use, so `import migrator` (and `migrator --help`) stays fast.
The verbs `profile`, `clean`, `dedupe`, `validate`, `load` and `export` share their names with
their stage packages: `migrator.clean` is the function, and `from migrator.clean.phone
import phone_transform` still reaches the package.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

from migrator.lazy import lazy_attributes

__version__ = "0.1.0"

__all__ = [
    "Mapping",
    "MigratorError",
    "RunReport",
    "TargetSchema",
    "apply_mapping",
    "clean",
    "dedupe",
    "export",
    "load",
    "load_schema",
    "prepare",
    "profile",
    "read_sources",
    "run",
    "suggest_mapping",
    "validate",
]

if TYPE_CHECKING:
    from migrator.clean import clean
    from migrator.dedupe import dedupe
    from migrator.errors import MigratorError
    from migrator.errors import ReadError as ReadError
    from migrator.export import export
    from migrator.load import load
    from migrator.mapping import Mapping, apply_mapping, suggest_mapping
    from migrator.pipeline import prepare, run
    from migrator.profile import profile
    from migrator.read import ReadLimits as ReadLimits
    from migrator.read import ReadOptions as ReadOptions
    from migrator.read import read_sources
    from migrator.report import RunReport
    from migrator.schema import TargetSchema, load_schema
    from migrator.tables import SourceTable as SourceTable
    from migrator.tables import SourceTables as SourceTables
    from migrator.validate import validate

_HOMES = {
    "read_sources": "migrator.read",
    "profile": "migrator.profile",
    "suggest_mapping": "migrator.mapping",
    "Mapping": "migrator.mapping",
    "apply_mapping": "migrator.mapping",
    "clean": "migrator.clean",
    "dedupe": "migrator.dedupe",
    "validate": "migrator.validate",
    "load": "migrator.load",
    "export": "migrator.export",
    "prepare": "migrator.pipeline",
    "run": "migrator.pipeline",
    "RunReport": "migrator.report",
    "load_schema": "migrator.schema",
    "TargetSchema": "migrator.schema",
    "MigratorError": "migrator.errors",
    # importable since 0.1, for scripts written against the read stage alone
    "ReadError": "migrator.errors",
    "ReadLimits": "migrator.read",
    "ReadOptions": "migrator.read",
    "SourceTable": "migrator.tables",
    "SourceTables": "migrator.tables",
}
_VERBS_NAMED_LIKE_STAGES = frozenset({"profile", "clean", "dedupe", "validate", "load",
                                      "export"})

__getattr__ = lazy_attributes(__name__, _HOMES)


class _FrontDoor(types.ModuleType):
    """Keeps `migrator.clean` the verb after `migrator.clean.phone` is imported.

    Importing a subpackage sets it as an attribute of its parent; for the stages whose
    verb has the package's name, that would turn `migrator.clean` back into the package.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _VERBS_NAMED_LIKE_STAGES and isinstance(value, types.ModuleType):
            self.__dict__.pop(name, None)
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _FrontDoor
