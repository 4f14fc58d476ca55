"""Generated benchmark workbooks, written once into benchmarks/.cache and reused."""

from __future__ import annotations

import subprocess
import sys
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


def own_venv(folder: Path, *requirements: str) -> tuple[Path | None, str]:
    """A contender's own venv's python (built the first time with `requirements`), so a
    library with other pins never touches ours; (None, why) when it cannot be built."""
    python = folder / "bin" / "python"
    if python.exists():
        return python, "cached"
    folder.parent.mkdir(parents=True, exist_ok=True)
    steps = [[sys.executable, "-m", "venv", str(folder)],
             [str(python), "-m", "pip", "install", "--quiet", *requirements]]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            return None, f"`{' '.join(step[-3:])}` failed: {tail[0]}"
    return python, "built"
