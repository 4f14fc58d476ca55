"""The target schema: which tables and fields a migration writes (`crm` is built in)."""

from __future__ import annotations

from migrator.errors import SchemaError
from migrator.schema.model import (
    FieldSpec,
    ForeignKey,
    TableSpec,
    TargetSchema,
    ViewSpec,
    load_schema,
)

__all__ = ["FieldSpec", "ForeignKey", "SchemaError", "TableSpec", "TargetSchema", "ViewSpec",
           "load_schema"]
