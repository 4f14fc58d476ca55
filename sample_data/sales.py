"""売上明細.xlsx: a month of sales lines keyed by the ledger's customer codes."""

import datetime as dt
import random
from pathlib import Path
from typing import Any

from sample_data.names import PRODUCTS
from sample_data.xlsx import (
    DATE_FORMAT,
    TEXT_FORMAT,
    Table,
    new_workbook,
    save_workbook,
    set_widths,
)

FILE = "売上明細.xlsx"
SHEET = "売上明細"
COLUMNS = ["伝票番号", "売上日", "顧客番号", "商品名", "数量", "単価", "金額"]
YEN = "#,##0"


def _days(rng: random.Random, count: int) -> list[dt.date]:
    """Sorted weekdays of April 2024."""
    weekdays = [dt.date(2024, 4, d) for d in range(1, 31) if dt.date(2024, 4, d).weekday() < 5]
    return sorted(rng.choice(weekdays) for _ in range(count))


def write_sales(out: Path, codes: list[str], rng: random.Random,
                count: int = 120) -> list[dict[str, Any]]:
    """Write 売上明細.xlsx; 金額 and the totals are formulas with their cached results."""
    wb = new_workbook()
    ws = wb.create_sheet(SHEET)
    formats = {2: DATE_FORMAT, 3: TEXT_FORMAT, 6: YEN, 7: YEN}
    table = Table(FILE, SHEET, COLUMNS, ws=ws, formats=formats)
    table.skip("title", ["売上明細 2024年4月"])
    table.header(COLUMNS)
    cached: dict[str, float | int] = {}
    for number, day in enumerate(_days(rng, count), start=1):
        product, price = rng.choice(PRODUCTS)
        quantity = rng.choice([1, 1, 1, 2, 2, 3, 5, 10, 20])
        row = table.row + 1
        table.data([f"2404-{number:04d}", day, rng.choice(codes), product, quantity, price,
                    f"=E{row}*F{row}"])
        cached[f"G{row}"] = quantity * price
    first, last = table.data_rows[0], table.data_rows[-1]
    row = table.skip("total", ["合計", None, None, None, f"=SUM(E{first}:E{last})", None,
                               f"=SUM(G{first}:G{last})"])
    cached[f"E{row}"] = sum(ws.cell(r, 5).value for r in table.data_rows)
    cached[f"G{row}"] = sum(v for ref, v in cached.items() if ref.startswith("G"))
    ws.cell(row, 7).number_format = YEN
    ws.freeze_panes = "A3"
    set_widths(ws, [12, 12, 10, 26, 8, 10, 12])
    save_workbook(wb, out / FILE, cached={SHEET: cached})
    return [table.expected()]
