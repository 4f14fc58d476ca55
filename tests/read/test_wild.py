"""Files nobody on this project made (../shared/wild): read with the quirk handled, or refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from migrator import ReadError, ReadOptions, read_sources


def test_wild_any_sheets_hidden_and_chart_reported(wild: Path) -> None:
    tables = read_sources([wild / "calamine/any_sheets.xlsx"])
    assert [(t.sheet, t.data_rows) for t in tables] == [("Visible", 3)]
    assert tables[0].frame["column_A"].tolist() == [1, 3, 5]
    assert [(s.sheet, s.reason) for s in tables.skipped_sheets] == [
        ("Hidden", "hidden"), ("VeryHidden", "very hidden"), ("Chart", "chart sheet")]
    assert [(s.row, str(s.reason)) for s in tables[0].skipped] == [(4, "blank"), (5, "footer")]


def test_wild_any_sheets_include_hidden_reads_them(wild: Path) -> None:
    tables = read_sources([wild / "calamine/any_sheets.xlsx"],
                          options=ReadOptions(include_hidden=True))
    assert [(s.sheet, s.reason) for s in tables.skipped_sheets] == [
        ("Hidden", "empty"), ("VeryHidden", "empty"), ("Chart", "chart sheet")]


@pytest.mark.parametrize("name", ["date_1904.xlsx", "date_1904.xls"])
def test_wild_1904_date_system(wild: Path, name: str) -> None:
    (table,) = read_sources([wild / "calamine" / name])
    first, second, duration = table.frame["column_A"].tolist()
    assert (first, second) == (dt.date(2021, 1, 1), dt.date(2021, 1, 2))
    assert isinstance(duration, dt.timedelta)


def test_wild_x000d_escape_decoded(wild: Path) -> None:
    (table,) = read_sources([wild / "calamine/has_x000D_.xlsx"])
    assert table.frame.iloc[0, 0] == "ABC\nDEF"


def test_wild_merge_cells_fill_their_rows(wild: Path) -> None:
    (table,) = read_sources([wild / "calamine/merge_cells.xlsx"])
    assert table.columns == ["Row Merge", "Row Merge (2)", "Not Merged"]
    assert table.frame["Row Merge"].tolist() == ["Column Merge"] * 3
    assert table.frame["_source_row"].tolist() == [2, 3, 4]


def test_wild_merged_range_header_spans_two_rows(wild: Path) -> None:
    one, two = read_sources([wild / "calamine/merged_range.xlsx"])
    assert one.header_rows == [1, 2] and one.frame["A1"].tolist() == ["A3", "A4"]
    assert two.header_rows == [1, 2] and two.frame["C1"].tolist() == ["C3", "C3"]


def test_wild_ods_covered_cells_repeat_as_header(wild: Path) -> None:
    (table,) = read_sources([wild / "calamine/merged_cells.ods"])
    assert table.columns == ["A", "B", "C"]
    assert [(s.row, str(s.reason)) for s in table.skipped] == [(2, "repeated_header")]


def test_wild_password_protected_refused(wild: Path) -> None:
    with pytest.raises(ReadError) as err:
        read_sources([wild / "calamine/pass_protected.xlsx"])
    assert str(err.value) == (
        "pass_protected.xlsx: is password-protected; remove the password in Excel "
        "(File > Info > Protect Workbook) and try again")


def test_wild_skip_lines_xlsx_header_after_blank_rows(wild: Path) -> None:
    (table,) = read_sources([wild / "csvkit/test_skip_lines.xlsx"])
    assert table.header_rows == [4]
    assert table.columns[:3] == ["text", "date", "integer"]
    assert table.frame["integer"].tolist()[:3] == [40, 63, 164]


def test_wild_ragged_xls(wild: Path) -> None:
    tables = read_sources([wild / "xlrd/ragged.xls"])
    (table,) = tables
    assert table.columns == ["a", "b", "c", "c (2)"]
    column = table.frame["c (2)"]
    assert column.isna().tolist() == [True, True, False, False]
    assert column.tolist()[2:] == ["j", "l"]
    assert [(s.sheet, s.reason) for s in tables.skipped_sheets] == [
        ("Sheet2", "empty"), ("Sheet3", "empty")]


def test_wild_formate_xls_umlaut_sheets_dates_and_times(wild: Path) -> None:
    tables = read_sources([wild / "xlrd/Formate.xls"])
    first = tables[0]
    assert first.sheet == "Blätt1"
    assert first.frame["column_B"].tolist()[:4] == [
        dt.date(1907, 7, 3), dt.date(2005, 2, 23), dt.date(1988, 5, 3), dt.time(6, 34)]
    assert {t.sheet for t in tables} == {"Blätt1", "ÖÄÜ", "Blätt3", "Formate"}


def _values(path: Path) -> list[list[object]]:
    (table,) = read_sources([path])
    frame = table.frame[table.columns].astype(object)
    return frame.where(frame.notna(), None).values.tolist()


@pytest.mark.parametrize(("name", "encoding", "rows"), [
    ("test_latin1.csv", "latin-1", [["1", "2", "3"], ["4", "5", "©"]]),
    ("test_utf8_bom.csv", "utf-8-sig", [["1", "2", "3"], ["4", "5", "ʤ"]]),
    ("test_utf16_little.csv", "utf-16", [["1", "2", "3"], ["4", "5", "ʤ"]]),
    ("mac_newlines.csv", "utf-8", [["1", "2", "3"], ["Once upon\na time", "5", "6"]]),
    ("test_no_leading_zeroes.csv", "utf-8", [["01", "00.11", "0.1"]]),
    ("test_empty_columns.csv", "utf-8", [["a", None, None], [None, None, "c"]]),
])
def test_wild_csv_read_with_quirk_handled(wild: Path, name: str, encoding: str,
                                          rows: list[list[object]]) -> None:
    path = wild / "csvkit" / name
    (table,) = read_sources([path])
    assert table.details["encoding"] == encoding
    assert _values(path) == rows


def test_wild_csv_skip_lines_header_on_line_4(wild: Path) -> None:
    (table,) = read_sources([wild / "csvkit/test_skip_lines.csv"])
    assert table.header_rows == [4] and table.frame["_source_row"].tolist() == [5]


def test_wild_csv_bad_rows_too_long_and_short(wild: Path) -> None:
    path = wild / "csvkit/bad.csv"
    (table,) = read_sources([path])
    assert table.header_rows == [1]
    assert table.columns == ["column_a", "column_b", "column_c", "column_c (2)"]
    assert _values(path) == [["1", "27", None, "I'm too long!"],
                             [None, "I'm too short!", None, None],
                             ["0", "mixed types.... uh oh", "17", None]]
