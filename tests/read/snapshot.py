"""What a read gives, as plain data for golden files: detection plus every value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from migrator.read import read_sources


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.timedelta):
        return f"timedelta:{value.total_seconds()}"
    if isinstance(value, dt.date | dt.time):
        return f"{type(value).__name__}:{value.isoformat()}"
    if hasattr(value, "item"):
        return value.item()
    return value


def snapshot(path: Path) -> dict[str, Any]:
    """Every table read from `path`, with its detection and values (lineage included)."""
    tables = read_sources([path])
    return {
        "tables": [
            {
                "sheet": t.sheet,
                "layout": t.layout,
                "header_rows": t.header_rows,
                "skipped": [[s.row, str(s.reason)] for s in t.skipped],
                "columns": list(t.frame.columns),
                "columns_at": t.columns_at,
                "cells": t.cells,
                "rows": [[_plain(v) for v in row] for row in t.frame.itertuples(index=False)],
            }
            for t in tables
        ],
        "skipped_sheets": [[s.sheet, s.reason] for s in tables.skipped_sheets],
    }


def golden_path(path: Path) -> Path:
    return path.with_name(path.name + ".expected.yaml")


def write_golden(path: Path) -> None:
    text = yaml.safe_dump(snapshot(path), sort_keys=False, allow_unicode=True, width=120)
    golden_path(path).write_text(text, encoding="utf-8")


def read_golden(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(golden_path(path).read_text(encoding="utf-8"))
    return loaded
