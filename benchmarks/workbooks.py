"""Generated benchmark workbooks, written once into benchmarks/.cache and reused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

CACHE = Path(__file__).resolve().parent / ".cache"


def cached_workbook(name: str, sheet: str, fill: Callable[[Any, Any], None]) -> Path:
    """`.cache/<name>` with one sheet written by `fill(worksheet, date_format)`.

    Written under a temporary name and renamed, so an interrupted run never leaves a
    half-written workbook to be reused.
    """
    import xlsxwriter

    path = CACHE / name
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    fill(book.add_worksheet(sheet), book.add_format({"num_format": "yyyy/mm/dd"}))
    book.close()
    tmp.rename(path)
    return path
