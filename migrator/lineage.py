"""Lineage columns: where each row came from, as a person would find it in Excel."""

from __future__ import annotations

SOURCE_FILE = "_source_file"
SOURCE_SHEET = "_source_sheet"
SOURCE_ROW = "_source_row"

LINEAGE_COLUMNS: tuple[str, ...] = (SOURCE_FILE, SOURCE_SHEET, SOURCE_ROW)


def is_lineage(column: str) -> bool:
    """True for the reserved `_source_*` columns."""
    return column in LINEAGE_COLUMNS


def column_letter(index: int) -> str:
    """Excel's column letters for a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_address(row: int, col: int) -> str:
    """A1-style address for a 0-based (row, col)."""
    return f"{column_letter(col)}{row + 1}"
