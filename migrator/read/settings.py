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
    max_cells: int = 50_000_000
    """Largest number of cells in one sheet (rows × columns of its used area)."""


@dataclass(frozen=True)
class ReadOptions:
    """What to read beyond the defaults."""

    include_hidden: bool = False
    """Read hidden sheets too (they are always reported)."""
    encoding: str | None = None
    """Force a CSV encoding instead of detecting it."""
    limits: ReadLimits = ReadLimits()
