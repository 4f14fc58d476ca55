"""us_customers.xlsx: an English customer list with ZIPs and dates Excel has mangled."""

import datetime as dt
import random
from pathlib import Path
from typing import Any

from sample_data import names
from sample_data.xlsx import Table, new_workbook, save_workbook, set_widths

FILE = "us_customers.xlsx"
SHEET = "Customers"
COLUMNS = ["Customer ID", "Company", "Contact Name", "Email", "Phone", "Street", "City",
           "State", "ZIP", "Customer Since"]
EXCEL_EPOCH = dt.date(1899, 12, 30)


def _phone(rng: random.Random, area: str) -> str:
    """A 555-01xx number (reserved for fiction) in one of the ways people write it."""
    line = f"01{rng.randrange(100):02d}"
    form = rng.randrange(4)
    if form == 0:
        return f"({area}) 555-{line}"
    if form == 1:
        return f"{area}.555.{line}"
    if form == 2:
        return f"+1 {area} 555 {line} x{rng.randint(10, 99)}"
    return f"{area}-555-{line}"


def _zip(rng: random.Random, code: str) -> int | str:
    """Mostly a number, so 02134 became 2134; now and then a ZIP+4 kept as text."""
    if rng.random() < 0.12:
        return f"{code}-{rng.randrange(10000):04d}"
    return int(code)


def _since(rng: random.Random) -> dt.date | int:
    """A start date, or in some rows the bare Excel serial number (44197) in General format."""
    day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(9 * 365))
    return (day - EXCEL_EPOCH).days if rng.random() < 0.4 else day


def _row(rng: random.Random, index: int, company: str) -> list[Any]:
    """One customer; New England addresses come up most often."""
    first, last = rng.choice(names.US_FIRST), rng.choice(names.US_LAST)
    place = names.US_PLACES[rng.randrange(7) if rng.random() < 0.6 else rng.randrange(12)]
    city, state, code = place
    street = f"{rng.randint(1, 999)} {rng.choice(names.US_STREETS)}"
    if rng.random() < 0.25:
        street += f", Suite {rng.randint(1, 9)}00"
    domain = rng.choice(["example.com", "example.org"])
    return [
        f"C{1000 + index * 7:05d}", company, f"{first} {last}",
        f"{first.lower()}.{last.lower()}@{domain}", _phone(rng, names.US_AREA_CODES[state]),
        street, city, state, _zip(rng, code), _since(rng),
    ]


def write_us(out: Path, rng: random.Random, count: int = 25) -> list[dict[str, Any]]:
    """Write us_customers.xlsx and return its expected entry."""
    wb = new_workbook()
    ws = wb.create_sheet(SHEET)
    table = Table(FILE, SHEET, COLUMNS, ws=ws, formats={})
    table.header(COLUMNS)
    for index, company in enumerate(rng.sample(names.US_COMPANIES, count)):
        row = table.data(_row(rng, index, company))
        since = ws.cell(row, 10)
        since.number_format = "m/d/yyyy" if isinstance(since.value, dt.date) else "General"
    set_widths(ws, [12, 28, 20, 30, 22, 28, 14, 7, 11, 15])
    save_workbook(wb, out / FILE)
    return [table.expected()]
