"""部署別顧客.xlsx: one simple table per department, the same clients typed differently."""

import random
from pathlib import Path
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from sample_data.records import Company, phone_number
from sample_data.variants import company_variant, phone_variant, postal_variant
from sample_data.xlsx import Table, new_workbook, save_workbook, set_widths

FILE = "部署別顧客.xlsx"
HEADER = ["取引先名", "電話番号", "〒", "住所", None, "担当", "メールアドレス"]
COLUMNS = ["取引先名", "電話番号", "〒", "住所", "住所 (2)", "担当", "メールアドレス"]
WIDTHS = [30, 16, 12, 24, 30, 14, 36]

Appearances = dict[str, list[dict[str, Any]]]
"""Customer code → the (sheet, row) places it was written."""


def _row(company: Company, rng: random.Random) -> list[Any]:
    """One client as a person in that department typed it."""
    city = company.city if rng.random() < 0.3 else company.prefecture + company.city
    contact = company.contact.replace("　", rng.choice(["　", " ", "", "  "]))
    email = company.email
    if rng.random() < 0.15:
        email = ""
    elif rng.random() < 0.2:
        email = email.capitalize() + " "
    return [
        company_variant(company.stem, company.kind, company.prefix, rng),
        phone_variant(company.tel, rng), postal_variant(company.postal, rng),
        city, company.street, contact, email,
    ]


def _rows(table: Table, companies: list[Company], rng: random.Random, seen: Appearances) -> None:
    """Write the data rows and note where each client went."""
    for company in companies:
        row = table.data(_row(company, rng))
        seen.setdefault(company.code, []).append({"sheet": table.sheet, "row": row})


def _sheet(wb: Any, title: str) -> tuple[Worksheet, Table]:
    """A new sheet and the Table that writes it."""
    ws = wb.create_sheet(title)
    set_widths(ws, WIDTHS)
    return ws, Table(FILE, title, COLUMNS, ws=ws)


def _write_sheets(wb: Any, groups: dict[str, list[Company]], rng: random.Random,
                  seen: Appearances) -> list[Table]:
    """The three department sheets, each with its own header position and trailer."""
    _, first = _sheet(wb, "営業1課")
    first.header(HEADER)
    _rows(first, groups["営業1課"], rng, seen)

    _, second = _sheet(wb, "営業2課")
    second.skip("title", ["営業2課 取引先一覧"])
    second.header(HEADER)
    _rows(second, groups["営業2課"], rng, seen)
    second.skip("footer", ["以上"])

    old = _old_sheet(wb, groups["旧データ"], rng)

    _, branch = _sheet(wb, "東京支店")
    branch.skip("title", ["東京支店 顧客リスト（2024/3/31現在）"])
    branch.skip("blank")
    branch.header(HEADER)
    half = len(groups["東京支店"]) // 2
    _rows(branch, groups["東京支店"][:half], rng, seen)
    branch.skip("repeated_header", HEADER)
    _rows(branch, groups["東京支店"][half:], rng, seen)
    return [first, second, old, branch]


def _old_sheet(wb: Any, companies: list[Company], rng: random.Random) -> Table:
    """The hidden 旧データ sheet: the same clients with phone numbers they no longer use."""
    ws, table = _sheet(wb, "旧データ")
    ws.sheet_state = "hidden"
    table.header(HEADER)
    for company in companies:
        area = company.tel.split("-")[0]
        old_tel = phone_number(rng, area, company.tel.split("-")[1][0])
        table.data([company.name, old_tel, company.postal, company.prefecture + company.city,
                    company.street, company.contact, ""])
    return table


def _groups(companies: list[Company], rng: random.Random) -> dict[str, list[Company]]:
    """Which clients each sheet lists; a dozen are in the branch sheet as well."""
    by_dept = {d: [c for c in companies if c.department == d]
               for d in ("営業1課", "営業2課", "営業3課", "東京支店")}
    third = by_dept["営業3課"]
    branch = (by_dept["東京支店"] + rng.sample(by_dept["営業1課"], 5)
              + rng.sample(by_dept["営業2課"], 4) + rng.sample(third, 3))
    rng.shuffle(branch)
    return {
        "営業1課": by_dept["営業1課"] + third[:6], "営業2課": by_dept["営業2課"] + third[6:],
        "東京支店": branch, "旧データ": rng.sample(companies, 5),
    }


def write_departments(out: Path, companies: list[Company], rng: random.Random
                      ) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                 list[dict[str, Any]]]:
    """Write 部署別顧客.xlsx; return its expected tables, the clients listed twice, and the
    ledger code of every row (the sheets themselves carry no code)."""
    wb = new_workbook()
    seen: Appearances = {}
    tables = _write_sheets(wb, _groups(companies, rng), rng, seen)
    save_workbook(wb, out / FILE)
    expected = []
    for table in tables:
        entry = table.expected()
        if table.sheet == "旧データ":
            entry["hidden"] = True
        expected.append(entry)
    duplicates = [
        {"customer_code": code, "file": FILE, "rows": places}
        for code, places in sorted(seen.items()) if len(places) > 1
    ]
    rows = [{"sheet": place["sheet"], "row": place["row"], "customer_code": code}
            for code, places in sorted(seen.items()) for place in places]
    return expected, duplicates, rows
