"""顧客台帳.xlsx: the master ledger with a two-row merged header and subtotals."""

from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from sample_data.names import DEPARTMENTS
from sample_data.records import Company
from sample_data.xlsx import (
    DATE_FORMAT,
    TEXT_FORMAT,
    Table,
    new_workbook,
    save_workbook,
    set_widths,
)

FILE = "顧客台帳.xlsx"
SHEET = "顧客台帳"

# (top header, bottom headers): a group with one bottom header is merged vertically.
GROUPS: list[tuple[str, list[str]]] = [
    ("顧客コード", []), ("会社名", []), ("フリガナ", []),
    ("連絡先", ["TEL", "FAX", "メール"]),
    ("住所", ["郵便番号", "都道府県", "市区町村", "番地"]),
    ("担当者", []), ("取引開始日", []), ("部署", []),
]
WIDTH = sum(max(1, len(parts)) for _, parts in GROUPS)
COLUMNS = [name for top, parts in GROUPS for name in ([f"{top} / {p}" for p in parts] or [top])]


def _write_header(table: Table, ws: Worksheet) -> None:
    """Rows 4–5: vertical merges for single columns, horizontal merges over groups."""
    top: list[str | None] = []
    bottom: list[str | None] = []
    for name, parts in GROUPS:
        top += [name] + [None] * (len(parts) - 1 if parts else 0)
        bottom += parts or [None]
    first = table.header(top)
    table.header(bottom)
    col = 1
    for _, parts in GROUPS:
        if parts:
            ws.merge_cells(start_row=first, start_column=col, end_row=first,
                           end_column=col + len(parts) - 1)
        else:
            ws.merge_cells(start_row=first, start_column=col, end_row=first + 1, end_column=col)
        col += max(1, len(parts))


def _row(company: Company) -> list[Any]:
    """One customer in the ledger's column order."""
    return [
        company.code, company.name, company.kana, company.tel, company.fax, company.email,
        company.postal, company.prefecture, company.city, company.street, company.contact,
        company.since, company.department,
    ]


def _write_titles(table: Table, ws: Worksheet) -> None:
    """Title merged across the table, the date/author line and a blank row."""
    row = table.skip("title", ["顧客台帳（2024年度）"])
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=WIDTH)
    ws.cell(row, 1).font = Font(bold=True, size=14)
    ws.cell(row, 1).alignment = Alignment(horizontal="center")
    table.skip("title", ["作成日: 2024年4月1日　作成者: 営業企画部"])
    table.skip("blank")


def write_ledger(out: Path, companies: list[Company]) -> list[dict[str, Any]]:
    """Write 顧客台帳.xlsx: customers grouped by department, each group with a 小計 row."""
    wb = new_workbook()
    ws = wb.create_sheet(SHEET)
    formats = {1: TEXT_FORMAT, 4: TEXT_FORMAT, 5: TEXT_FORMAT, 7: TEXT_FORMAT, 12: DATE_FORMAT}
    table = Table(FILE, SHEET, COLUMNS, ws=ws, formats=formats)
    _write_titles(table, ws)
    _write_header(table, ws)
    total = 0
    for dept in DEPARTMENTS:
        members = [c for c in companies if c.department == dept]
        for company in members:
            table.data(_row(company))
        row = table.skip("subtotal", [f"{dept} 小計", len(members)])
        ws.cell(row, 2).number_format = '0"社"'
        total += len(members)
    row = table.skip("total", ["合計", total])
    ws.cell(row, 2).number_format = '0"社"'
    table.skip("blank")
    table.skip("note", ["※ 取引停止の顧客は含みません"])
    set_widths(ws, [10, 26, 26, 14, 14, 34, 10, 10, 18, 30, 14, 12, 10])
    ws.freeze_panes = "C6"
    save_workbook(wb, out / FILE)
    return [table.expected()]
