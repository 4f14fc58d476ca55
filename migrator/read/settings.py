"""Limits and options for reading, settable from the CLI and the library."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadLimits:
    """Refuse files whose size would exhaust memory before they are parsed."""

    max_file_bytes: int = 1 << 30
    """Largest source file on disk (1 GiB)."""
    max_uncompressed_bytes: int = 2 << 30
    """Largest total uncompressed size of a workbook's zip members (2 GiB)."""
    max_compression_ratio: float = 200.0
    """Largest uncompressed/compressed ratio of a zip member over 10 MiB (zip bombs)."""
    max_cells: int = 10_000_000
    """Largest number of cells with a value in one file, all its sheets read together
    (repeated ODS cells counted one by one; CSV fields). Read end to end, 10 million
    cells take about a minute and a few GB; a bomb is refused within about a second."""
    max_columns: int = 16_384
    """Widest sheet or CSV record, in columns (16,384 is the most Excel can hold)."""


@dataclass(frozen=True)
class ReadOptions:
    """What to read beyond the defaults."""

    include_hidden: bool = False
    """Read hidden sheets too (they are always reported)."""
    encoding: str | None = None
    """Force a CSV encoding instead of detecting it."""
    limits: ReadLimits = ReadLimits()
    sheet_threads: int | None = None
    """Threads a large .xlsx sheet may be parsed in at once, and whether a workbook's next
    sheet is parsed while the one before is tidied (split.py); None is one, except in
    read_sources, which gives it the idle cores when it reads alone."""
