"""Merged ranges of OpenDocument sheets, which python-calamine does not report.

A streaming pass over content.xml: only the span attributes are kept, so a large
.ods costs one parse and no cell values.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree.ElementTree import iterparse

from migrator.read.model import Merge

_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TABLE, _ROW, _CELL, _COVERED = f"{_T}table", f"{_T}table-row", f"{_T}table-cell", \
    f"{_T}covered-table-cell"


def ods_merges(path: Path) -> dict[str, list[Merge]]:
    """Sheet name → merged ranges (0-based inclusive), from the cells' span attributes."""
    merges: dict[str, list[Merge]] = {}
    with zipfile.ZipFile(path) as zf, zf.open("content.xml") as content:
        sheet, row, col = "", -1, 0
        for event, el in iterparse(content, events=("start", "end")):
            if event == "start":
                if el.tag == _TABLE:
                    sheet, row = el.get(f"{_T}name", ""), -1
                    merges[sheet] = []
                elif el.tag == _ROW:
                    row, col = row + 1, 0
                continue
            if el.tag == _ROW:
                row += int(el.get(f"{_T}number-rows-repeated", "1")) - 1
            elif el.tag in (_CELL, _COVERED):
                rows = int(el.get(f"{_T}number-rows-spanned", "1"))
                cols = int(el.get(f"{_T}number-columns-spanned", "1"))
                if rows > 1 or cols > 1:
                    merges[sheet].append((row, col, row + rows - 1, col + cols - 1))
                col += int(el.get(f"{_T}number-columns-repeated", "1"))
            el.clear()
    return merges
