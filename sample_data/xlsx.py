"""Row-by-row table writer that records what each row means, and a byte-stable save."""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

FIXED_TIME = dt.datetime(2024, 4, 1, 9, 0, 0)
"""Workbook created/modified time and zip entry time, so two runs give the same bytes."""

DATE_FORMAT = "yyyy/mm/dd"
TEXT_FORMAT = "@"
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

Cached = dict[str, dict[str, float | int]]
"""Sheet title → cell reference → the value Excel would have cached for its formula."""


@dataclass
class Table:
    """Writes one table row by row and records each row's role for expected.yaml."""

    file: str
    sheet: str | None
    columns: list[str]
    ws: Worksheet | None = None
    formats: dict[int, str] = field(default_factory=dict)
    """1-based column → number format applied to data cells."""
    row: int = 0
    header_rows: list[int] = field(default_factory=list)
    data_rows: list[int] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    lines: list[list[Any]] = field(default_factory=list)
    """Every row written, as values; what a CSV file receives."""

    def put(self, values: Sequence[Any], formats: dict[int, str] | None = None) -> int:
        """Write the next row (None and "" leave a cell empty) and return its number."""
        self.row += 1
        self.lines.append(["" if v is None else v for v in values])
        if self.ws is not None:
            for col, value in enumerate(values, start=1):
                if value is None or value == "":
                    continue
                cell = self.ws.cell(self.row, col, value)
                if formats and col in formats:
                    cell.number_format = formats[col]
                elif isinstance(value, dt.date):
                    cell.number_format = DATE_FORMAT
        return self.row

    def skip(self, reason: str, values: Sequence[Any] = ()) -> int:
        """Write a row that is not data (title, blank, subtotal…) and record why."""
        row = self.put(values)
        self.skipped.append({"row": row, "reason": reason})
        return row

    def header(self, values: Sequence[Any]) -> int:
        """Write one header row."""
        row = self.put(values)
        self.header_rows.append(row)
        if self.ws is not None:
            style_header(self.ws, row, len(self.columns))
        return row

    def data(self, values: Sequence[Any]) -> int:
        """Write one data row, applying the column formats."""
        row = self.put(values, self.formats)
        self.data_rows.append(row)
        return row

    def expected(self) -> dict[str, Any]:
        """What a reader should find in this table, in the expected.yaml shape."""
        return {
            "file": self.file, "sheet": self.sheet, "layout": "table",
            "header_rows": self.header_rows, "data_rows": len(self.data_rows),
            "first_data_row": min(self.data_rows), "last_data_row": max(self.data_rows),
            "skipped": sorted(self.skipped, key=lambda s: s["row"]), "columns": self.columns,
        }


def style_header(ws: Worksheet, row: int, width: int) -> None:
    """Bold, filled, boxed header cells, as people format them."""
    for col in range(1, width + 1):
        cell = ws.cell(row, col)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center")


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    """Column widths from A onwards."""
    for index, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + index)].width = width


def new_workbook() -> Workbook:
    """An empty workbook without its default sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    return wb


def save_workbook(wb: Workbook, path: Path, cached: Cached | None = None) -> None:
    """Save with fixed timestamps and, for formula cells, the values Excel would cache."""
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.properties.creator = wb.properties.lastModifiedBy = "sample_data/generate.py"
    buffer = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    sheet_paths = {f"xl/worksheets/sheet{i}.xml": ws.title for i, ws in enumerate(wb.worksheets, 1)}
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            title = sheet_paths.get(info.filename)
            if cached and title in cached:
                data = fill_cached_values(data.decode("utf-8"), cached[title]).encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, data)


_FORMULA_CELL = re.compile(r'(<c r="([A-Z]+[0-9]+)"[^>]*><f>[^<]*</f>)<v\s*/>')


def fill_cached_values(sheet_xml: str, values: dict[str, float | int]) -> str:
    """Put each formula's result into its empty <v/>, as Excel does when it saves."""
    seen: set[str] = set()

    def fill(match: re.Match[str]) -> str:
        ref = match.group(2)
        seen.add(ref)
        return f"{match.group(1)}<v>{values[ref]}</v>"

    patched = _FORMULA_CELL.sub(fill, sheet_xml)
    missing = set(values) - seen
    if missing:
        raise ValueError(f"no formula cell for cached values at {sorted(missing)}")
    return patched


def save_csv(lines: list[list[Any]], path: Path, encoding: str) -> None:
    """Write rows with CRLF line ends in the given encoding, like a Windows export."""
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(lines)
