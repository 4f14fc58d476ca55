"""Lineage columns: where each row came from, as a person would find it in Excel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

SOURCE_FILE = "_source_file"
SOURCE_SHEET = "_source_sheet"
SOURCE_ROW = "_source_row"

LINEAGE_COLUMNS: tuple[str, ...] = (SOURCE_FILE, SOURCE_SHEET, SOURCE_ROW)

LINEAGE_SEQ = "_lineage_seq"
"""Which of one source table's rows read at one lineage a row is: 1, 2... for the second,
third card of cards side by side (they start on one Excel row), absent or 0 for the
first and for every other row. A helper column the mapped frames carry, never loaded:
with the lineage it names one source row, wherever a stage links or keys rows by it."""


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


def lineage_seq(lineage: pd.DataFrame) -> pd.Series | None:
    """Per row of one source table's lineage columns, how many earlier rows share its
    lineage; None when no two rows do (every table but cards side by side)."""
    if lineage[SOURCE_ROW].is_unique:
        return None
    seq = lineage.groupby(list(LINEAGE_COLUMNS), dropna=False, sort=False).cumcount()
    return seq.astype("int64") if seq.any() else None


def row_seq(frame: pd.DataFrame) -> list[int]:
    """Each row's `_lineage_seq`, 0 where the frame has none."""
    if LINEAGE_SEQ not in frame:
        return [0] * len(frame)
    return [0 if v != v or v is None else int(v) for v in frame[LINEAGE_SEQ].tolist()]


def row_keys(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """(file, sheet, row, seq) of every row in frame order: one source row each. A missing
    part is None (a CSV's sheet), since NaN never equals itself and could not be found."""
    parts = [frame[c].astype(object).where(frame[c].notna(), None).tolist() if c in frame
             else [None] * len(frame) for c in LINEAGE_COLUMNS]
    return list(zip(*parts, row_seq(frame), strict=True))


def key_basis(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row key as generated keys hash it: its lineage alone for the first row read there,
    so a sheet without cards side by side keeps the keys it always had."""
    return key[:3] if not key[3] else key
