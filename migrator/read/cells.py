"""Cell values as a person sees them: text tidied, numbers exact, nothing guessed."""

from __future__ import annotations

import re
from typing import Any

_XESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Zero-width and BOM characters are invisible in Excel and only break matching.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# Spaces that look like a space but are not ASCII; the ideographic space U+3000 is kept
# inside text (山田　太郎 separates family and given name) and stripped at the ends.
_ODD_SPACES = {ord(c): " " for c in "\u00a0\u2007\u202f"}
_STRIP = " \t\r\n\u3000"
# One search tells whether a cell needs any of the work below; most cells do not.
_DIRTY = re.compile(
    "^[ \t\n\u3000]|[ \t\n\u3000]$|_x[0-9A-Fa-f]{4}_"
    "|[\r\u00a0\u2007\u202f\u200b-\u200d\u2060\ufeff]"
)
_MAX_EXACT_INT = 2**53


def clean_text(text: str) -> str | None:
    """Tidy one text cell: `_xHHHH_` escapes decoded, line ends unified, ends stripped.

    Returns None for a cell that holds only whitespace, so blank means blank.
    """
    if not _DIRTY.search(text):
        return text or None
    if "_x" in text:
        text = _XESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_INVISIBLE).translate(_ODD_SPACES).strip(_STRIP)
    return text or None


def clean_cell(value: Any) -> Any:
    """One cell from a workbook reader: text tidied, whole floats as int, blank as None.

    Excel stores every number as a double; 40.0 is shown as 40, so it becomes int 40.
    Floats beyond 2**53 stay float: they were never exact in the workbook either.
    """
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, float):
        if value != value:  # NaN: an error cell or an empty numeric cell
            return None
        if value.is_integer() and abs(value) < _MAX_EXACT_INT:
            return int(value)
    return value


def clean_row(row: list[Any]) -> list[Any]:
    """clean_cell over a row, with trailing blanks dropped.

    The common cases (clean text, empty text, other types) are inlined: this runs once
    per cell of every sheet.
    """
    out: list[Any] = []
    append = out.append
    dirty = _DIRTY.search
    for v in row:
        kind = type(v)
        if kind is str:
            append(None if not v else (v if dirty(v) is None else clean_text(v)))
        elif kind is float:
            append(clean_cell(v))
        else:
            append(v)
    while out and out[-1] is None:
        out.pop()
    return out
