"""Re-read the written samples and assert they hold what expected.yaml says."""

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
from python_calamine import CalamineWorkbook, SheetVisibleEnum

Grid = list[list[Any]]
Entry = dict[str, Any]


def _empty(value: Any) -> bool:
    """None, "" or only spaces: what a reader treats as an empty cell."""
    return value is None or (isinstance(value, str) and value.strip() == "")


def _filled(row: list[Any]) -> list[Any]:
    """The non-empty values of a row."""
    return [v for v in row if not _empty(v)]


def _at(grid: Grid, row: int, col: int) -> Any:
    """The value at a 1-based cell, None beyond the grid's edge."""
    if row > len(grid) or col > len(grid[row - 1]):
        return None
    return grid[row - 1][col - 1]


def calamine_grid(path: Path, sheet: str) -> Grid:
    """Cell values from A1, as python-calamine reads them (cached formula results)."""
    book = CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def openpyxl_grid(path: Path, sheet: str) -> Grid:
    """Cell values from A1, as openpyxl reads them (formulas as text)."""
    ws = openpyxl.load_workbook(path)[sheet]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def csv_grid(path: Path, encoding: str) -> Grid:
    """CSV rows; the file must use CRLF line ends throughout."""
    raw = path.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n"), f"{path.name}: bare LF line end"
    return list(csv.reader(io.StringIO(raw.decode(encoding), newline="")))


def _is_repeated_header(number: int, row: list[Any], grid: Grid, entry: Entry) -> bool:
    """The row repeats the (last) header row, as after a pasted page break."""
    header = grid[entry["header_rows"][-1] - 1]
    return _filled(row) == _filled(header)


Reason = Callable[[int, list[Any], Grid, Entry], bool]
REASONS: dict[str, Reason] = {
    "title": lambda n, row, g, e: bool(_filled(row)) and n < e["header_rows"][0],
    "blank": lambda n, row, g, e: not _filled(row),
    "subtotal": lambda n, row, g, e: any("小計" in str(v) for v in row),
    "total": lambda n, row, g, e: any(str(v).strip() in ("合計", "Total") for v in row),
    "note": lambda n, row, g, e: str([*_filled(row), ""][0]).startswith("※"),
    "footer": lambda n, row, g, e: bool(_filled(row)) and n > e["last_data_row"],
    "repeated_header": _is_repeated_header,
}


def check_table(grid: Grid, entry: Entry, how: str) -> None:
    """Every row is a header, a reported skip or data, and the counts match."""
    where = f"{entry['file']}!{entry['sheet']} ({how})"
    skipped = {s["row"]: s["reason"] for s in entry["skipped"]}
    reported = [*entry["header_rows"], *skipped]
    area = (min(reported), max([*reported, entry["last_data_row"]]))
    data = []
    for number, row in enumerate(grid, start=1):
        if number in skipped:
            reason = skipped[number]
            assert REASONS[reason](number, row, grid, entry), f"{where}: row {number} not {reason}"
        elif number in entry["header_rows"]:
            assert _filled(row), f"{where}: header row {number} is empty"
        elif _filled(row):
            data.append(number)
        else:
            assert not area[0] < number < area[1], f"{where}: unreported blank row {number}"
    assert len(data) == entry["data_rows"], f"{where}: {len(data)} data rows"
    assert (data[0], data[-1]) == (entry["first_data_row"], entry["last_data_row"]), where


def header_names(ws: Any, rows: list[int]) -> list[str]:
    """Column names by the rule in expected.yaml: merged parts joined with " / ",
    a blank header cell continues its left neighbour as `name (2)`."""
    merged: dict[tuple[int, int], Any] = {}
    for span in ws.merged_cells.ranges:
        top_left = ws.cell(span.min_row, span.min_col).value
        for row, col in span.cells:
            merged[(row, col)] = top_left
    names: list[str] = []
    base, count = "", 0
    for col in range(1, ws.max_column + 1):
        parts: list[str] = []
        for row in rows:
            value = merged.get((row, col), ws.cell(row, col).value)
            if not _empty(value) and (not parts or parts[-1] != str(value)):
                parts.append(str(value))
        base, count = (" / ".join(parts), 1) if parts else (base, count + 1)
        names.append(base if parts else f"{base} ({count})")
    return names


def check_sheet(folder: Path, entry: Entry) -> None:
    """A worksheet table: rows via both readers, header names, visibility."""
    path, sheet = folder / entry["file"], entry["sheet"]
    check_table(calamine_grid(path, sheet), entry, "calamine")
    check_table(openpyxl_grid(path, sheet), entry, "openpyxl")
    ws = openpyxl.load_workbook(path)[sheet]
    names = header_names(ws, entry["header_rows"])
    assert names == entry["columns"], f"{path.name}!{sheet}: header {names}"
    hidden = entry.get("hidden", False)
    assert ws.sheet_state == ("hidden" if hidden else "visible"), f"{sheet}: sheet_state"
    meta = {m.name: m.visible for m in CalamineWorkbook.from_path(str(path)).sheets_metadata}
    assert (meta[sheet] == SheetVisibleEnum.Hidden) == hidden, f"{sheet}: calamine visibility"


def check_cards(folder: Path, entry: Entry) -> None:
    """Every card has the labels where the template puts them, A4, and the expected blanks."""
    path = folder / entry["file"]
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == entry["sheets"] and entry["data_rows"] == len(wb.sheetnames)
    assert list(entry["cells"]) == entry["columns"] == list(entry["label_cells"])
    for sheet in entry["sheets"]:
        ws, grid = wb[sheet], calamine_grid(path, sheet)
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4, f"{sheet}: not A4"
        starts = {span.coord.split(":")[0] for span in ws.merged_cells.ranges}
        for label in entry["columns"]:
            assert ws[entry["label_cells"][label]].value == label, f"{sheet}: label {label}"
            cell, at = ws[entry["cells"][label]], ws[entry["label_cells"][label]]
            right = cell.row == at.row and cell.column > at.column
            below = cell.column == at.column and cell.row == at.row + 1
            assert right or below, f"{sheet}: {label} value is neither right of nor below it"
            assert cell.coordinate in starts, f"{sheet}: {label} value cell is not merged"
            blank = _empty(_at(grid, cell.row, cell.column))
            expected_blank = label in entry["empty_values"].get(sheet, [])
            assert blank == expected_blank, f"{sheet}: {label} blank={blank}"


def check_entry(folder: Path, entry: Entry) -> None:
    """Dispatch one expected.yaml entry to its check."""
    if entry["layout"] == "card":
        check_cards(folder, entry)
    elif entry["sheet"] is None:
        grid = csv_grid(folder / entry["file"], entry["encoding"])
        assert grid[0] == entry["columns"], f"{entry['file']}: header {grid[0]}"
        check_table(grid, entry, "csv")
    else:
        check_sheet(folder, entry)


def check_quirks(folder: Path) -> None:
    """The quirks README.md promises are really in the files."""
    ledger = calamine_grid(folder / "顧客台帳.xlsx", "顧客台帳")
    assert ledger[5][0].startswith("0") and isinstance(ledger[5][11], dt.date)
    sales = calamine_grid(folder / "売上明細.xlsx", "売上明細")
    assert all(row[6] == row[4] * row[5] for row in sales[2:-1]), "売上明細: cached 金額"
    formula = openpyxl_grid(folder / "売上明細.xlsx", "売上明細")[2][6]
    assert str(formula).startswith("="), "売上明細: 金額 is not a formula"
    us = calamine_grid(folder / "us_customers.xlsx", "Customers")[1:]
    assert any(isinstance(r[8], int | float) and r[8] < 10000 for r in us), "ZIP lost zero"
    assert {type(r[9]) for r in us} >= {float, dt.date}, "Customer Since: serials and dates"
    shop = (folder / "shop_export_cp932.csv").read_bytes().decode("cp932")
    for needle in ("①", "髙", "﨑", "ﾌﾘｶﾞﾅ", "令和3年4月1日", "R3.4.1", "H30/12/5",
                   "平成31年4月30日", "令和元年", "〒"):
        assert needle in shop, f"shop CSV lacks {needle}"
    departments = openpyxl.load_workbook(folder / "部署別顧客.xlsx")
    text = "".join(str(c) for ws in departments for row in ws.iter_rows(values_only=True)
                   for c in row)
    for needle in ("㈱", "(株)", "（株）", "－", "〒"):
        assert needle in text, f"部署別顧客 lacks {needle}"
    postal = [row[2] for ws in departments for row in ws.iter_rows(min_row=2, values_only=True)]
    assert any(isinstance(p, int) and p < 1000000 for p in postal), "〒 060-0001 lost its zero"
