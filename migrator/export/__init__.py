"""export: validated tables → the import files of cloud CRMs, checked before upload.

    result = export(prepare(files, mapping="mapping.yaml"), "salesforce", "out/")

One declarative profile per CRM (targets/), one shared writer; see stage.py.
"""

from __future__ import annotations

from migrator.export.profile import Column, CrmProfile, FileSpec
from migrator.export.stage import FORMATS, ExportResult, ObjectCounts, export
from migrator.export.targets import PROFILES

__all__ = ["FORMATS", "PROFILES", "Column", "CrmProfile", "ExportResult", "FileSpec",
           "ObjectCounts", "export"]
