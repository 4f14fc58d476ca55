"""顧客カード.xlsx: one A4 form per customer, every card on the same template."""

import random
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from sample_data.records import Company
from sample_data.xlsx import BOX, TEXT_FORMAT, new_workbook, save_workbook, set_widths

FILE = "顧客カード.xlsx"
LABEL_FILL = PatternFill("solid", fgColor="E7E6E6")

# (label, label cell, value range): 住所 and 備考 hold their value below the label.
TEMPLATE: list[tuple[str, str, str]] = [
    ("顧客コード", "B3", "C3:D3"), ("会社名", "B4", "C4:E4"), ("フリガナ", "B5", "C5:E5"),
    ("郵便番号", "B6", "C6:D6"), ("住所", "B7", "B8:H8"),
    ("TEL", "B9", "C9:D9"), ("FAX", "F9", "G9:H9"),
    ("担当者", "B10", "C10:D10"), ("部署", "F10", "G10:H10"),
    ("メール", "B11", "C11:E11"), ("取引開始日", "F11", "G11:H11"),
    ("備考", "B13", "B14:H17"),
]
LABELS = [label for label, _, _ in TEMPLATE]
VALUE_CELLS = {label: span.split(":")[0] for label, _, span in TEMPLATE}
# Cards (by position) on which someone left fields blank.
LEFT_BLANK: dict[int, list[str]] = {3: ["FAX", "メール"], 6: ["取引開始日", "備考"]}


def _values(company: Company) -> dict[str, Any]:
    """The card's fields for one customer."""
    return {
        "顧客コード": company.code, "会社名": company.name, "フリガナ": company.kana,
        "郵便番号": company.postal,
        "住所": f"{company.prefecture}{company.city}{company.street}",
        "TEL": company.tel, "FAX": company.fax, "担当者": company.contact,
        "部署": company.department, "メール": company.email,
        "取引開始日": company.since, "備考": company.note,
    }


def _box(ws: Worksheet, span: str) -> None:
    """Merge a value range and draw its border."""
    ws.merge_cells(span)
    min_col, min_row, max_col, max_row = range_boundaries(span)
    for row in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col):
        for cell in row:
            cell.border = BOX


def _form(ws: Worksheet) -> None:
    """The empty template: title, labels and boxes, A4 portrait."""
    ws.merge_cells("B1:H1")
    ws["B1"] = "顧客カード"
    ws["B1"].font = Font(bold=True, size=16)
    ws["B1"].alignment = Alignment(horizontal="center")
    for label, label_cell, span in TEMPLATE:
        ws[label_cell] = label
        ws[label_cell].fill = LABEL_FILL
        ws[label_cell].border = BOX
        _box(ws, span)
    ws["B14"].alignment = Alignment(wrap_text=True, vertical="top")
    set_widths(ws, [2, 12, 14, 10, 12, 12, 12, 12])
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.print_area = "A1:H18"


def _fill(ws: Worksheet, values: dict[str, Any]) -> list[str]:
    """Write the values into the template; return the labels left empty."""
    empty = []
    for label, cell in VALUE_CELLS.items():
        value = values[label]
        if value in ("", None):
            empty.append(label)
            continue
        ws[cell] = value
        if label == "取引開始日":
            ws[cell].number_format = 'yyyy"年"m"月"d"日"'
        elif label in ("顧客コード", "郵便番号", "TEL", "FAX"):
            ws[cell].number_format = TEXT_FORMAT
    return empty


def _sheet_name(index: int, company: Company) -> str:
    """Most cards are named by customer code; two by a short company name."""
    return company.stem if index in (2, 5) else company.code


def write_cards(out: Path, companies: list[Company], rng: random.Random) -> list[dict[str, Any]]:
    """Write 顧客カード.xlsx with eight cards; only LEFT_BLANK leaves fields empty."""
    with_fax = [c for c in companies if c.fax]
    chosen = sorted(rng.sample(with_fax, 8), key=lambda c: c.code)
    wb = new_workbook()
    sheets: list[str] = []
    empty: dict[str, list[str]] = {}
    for index, company in enumerate(chosen):
        ws = wb.create_sheet(_sheet_name(index, company))
        _form(ws)
        values = _values(company)
        for label in LEFT_BLANK.get(index, []):
            values[label] = ""
        sheets.append(ws.title)
        blanks = _fill(ws, values)
        if blanks:
            empty[ws.title] = blanks
    save_workbook(wb, out / FILE)
    return [{
        "file": FILE, "sheet": None, "layout": "card", "sheets": sheets, "columns": LABELS,
        "data_rows": len(sheets), "cells": VALUE_CELLS,
        "label_cells": {label: cell for label, cell, _ in TEMPLATE}, "empty_values": empty,
    }]
