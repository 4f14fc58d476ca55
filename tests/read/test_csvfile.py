"""CSV/TSV → Grid: every fixture against its golden file, csvkit's files, and the errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from migrator.errors import ReadError
from migrator.read.cells import clean_text
from migrator.read.csvfile import detect_delimiter, parse_rows, read_csv_grid
from migrator.read.settings import ReadOptions
from tests.conftest import FIXTURES

READ = FIXTURES / "read"
GOLDEN_SUFFIX = ".expected.csv"
DETECTED = {
    "cp932_short.csv": ("cp932", ","),
    "eucjp_short.csv": ("euc_jp", ","),
    "cp932_hankaku_kana.csv": ("cp932", ","),
    "cp932_hankaku_only.csv": ("cp932", ","),
    "eucjp_hankaku_only.csv": ("euc_jp", ","),
    "utf8_bom.csv": ("utf-8-sig", ","),
    "utf16_bom_tab.tsv": ("utf-16", "\t"),
    "semicolon_quoted_cp1252.csv": ("cp1252", ";"),
    "pipe_delimited.txt": ("utf-8", "|"),
    "mixed_line_endings.csv": ("utf-8", ","),
    "leading_zero_codes.csv": ("utf-8", ","),
}
"""Every readable fixture that tests/fixtures/make_csv_fixtures.py writes: encoding, delimiter."""


def _read(path: Path, encoding: str | None = None) -> list[list[str | None]]:
    return read_csv_grid(path, path.name, ReadOptions(encoding=encoding)).rows


def _golden(path: Path) -> list[list[str | None]]:
    text = path.with_name(path.name + GOLDEN_SUFFIX).read_text(encoding="utf-8")
    return [[c or None for c in row] for row in csv.reader(io.StringIO(text, newline=""))]


def _refusal(path: Path, encoding: str | None = None) -> str:
    with pytest.raises(ReadError) as err:
        read_csv_grid(path, path.name, ReadOptions(encoding=encoding))
    return str(err.value)


@pytest.mark.parametrize("name", DETECTED)
def test_read_csv_grid_matches_golden(name: str) -> None:
    assert _read(READ / name) == _golden(READ / name)


@pytest.mark.parametrize(("name", "detected"), DETECTED.items(), ids=list(DETECTED))
def test_read_csv_grid_details(name: str, detected: tuple[str, str]) -> None:
    grid = read_csv_grid(READ / name, name, ReadOptions())
    assert (grid.file, grid.sheet, grid.merged) == (name, None, [])
    assert (grid.details["encoding"], grid.details["delimiter"]) == detected
    assert grid.details["encoding_method"] in {"bom", "utf-8", "japanese-heuristic",
                                               "charset-normalizer", "latin-fallback"}


def test_read_csv_grid_leading_zeros_kept() -> None:
    rows = _read(READ / "leading_zero_codes.csv")
    assert rows[1] == ["007", "0600001", "0312345678", "01", "00.11"]
    assert rows[3] == ["00000", "1000001", "+81312345678", "1e3"]


@pytest.mark.parametrize(("name", "rows"), [
    ("test_utf8_bom.csv", [["foo", "bar", "baz"], ["1", "2", "3"], ["4", "5", "ʤ"]]),
    ("test_latin1.csv", [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "©"]]),
    ("test_utf16_little.csv", [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "ʤ"]]),
    ("mac_newlines.csv", [["a", "b", "c"], ["1", "2", "3"], ["Once upon\na time", "5", "6"]]),
    ("bad.csv", [["column_a", "column_b", "column_c"], ["1", "27", None, "I'm too long!"],
                 [None, "I'm too short!"], ["0", "mixed types.... uh oh", "17"]]),
    ("test_skip_lines.csv", [[], [], [], ["a", "b", "c"], ["1", "2", "3"]]),
    ("test_no_leading_zeroes.csv", [["a", "b", "c"], ["01", "00.11", "0.1"]]),
    ("test_empty_columns.csv", [["a", "b", "c"], ["a"], [None, None, "c"], []]),
], ids=str)
def test_read_csv_grid_wild_csvkit(wild: Path, name: str, rows: list[list[str | None]]) -> None:
    assert _read(wild / "csvkit" / name) == rows


def test_read_csv_grid_forced_encoding_used() -> None:
    grid = read_csv_grid(READ / "utf8_bom.csv", "utf8_bom.csv", ReadOptions(encoding="utf-8"))
    assert grid.rows[0] == ["顧客コード", "会社名", "メール"]  # the BOM is not data
    assert (grid.details["encoding"], grid.details["encoding_method"]) == ("utf-8", "option")


def test_read_csv_grid_forced_encoding_that_fails_refused() -> None:
    assert _refusal(READ / "cp932_short.csv", "utf-8") == (
        "cp932_short.csv: is not valid utf-8 text (byte 0x8c at offset 0); "
        "pass the right --encoding or leave it out to detect one")


@pytest.mark.parametrize("encoding", ["shift-jiz", "base64"])
def test_read_csv_grid_unknown_encoding_refused(encoding: str) -> None:
    assert _refusal(READ / "cp932_short.csv", encoding) == (
        f'cp932_short.csv: cannot be decoded with --encoding "{encoding}", which is not a '
        "text encoding Python knows (try utf-8, cp932, euc_jp or latin-1)")


def test_read_csv_grid_undecodable_refused() -> None:
    assert _refusal(READ / "undecodable_binary.csv") == (
        "undecodable_binary.csv: could not be decoded as text in any known encoding "
        "(tried UTF-8, CP932, EUC-JP, Latin-1); pass --encoding to name it")


def test_read_csv_grid_unclosed_quote_refused(tmp_path: Path) -> None:
    path = tmp_path / "open_quote.csv"
    path.write_text('a,b\n1,"never closed\n' + "x,y\n" * 40_000, encoding="utf-8")
    assert _refusal(path) == (
        "open_quote.csv: has a field longer than 131,072 characters (by line 32,767), "
        "most likely from a quote that is never closed; close it and try again")


def test_read_csv_grid_missing_file_refused(tmp_path: Path) -> None:
    assert _refusal(tmp_path / "gone.csv") == (
        "gone.csv: cannot be opened (no such file or directory)")


def test_read_csv_grid_nul_in_text_read(tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(b"a,b\n1,x\x00y\n")
    assert _read(path) == [["a", "b"], ["1", "x\x00y"]]


def test_read_csv_grid_bom_only_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf")
    assert _read(path) == []


@pytest.mark.parametrize(("text", "default", "expected"), [
    ("Firma;Umsatz\nA;1,5\nB;2,75\nC;3,0\n", ",", ";"),
    ("id|name\n1|Smith, John\n2|Doe, Jane\n", ",", "|"),
    ("a\tb\n1\t2\n", ",", "\t"),
    ("a,b\n1,2\n", "\t", ","),
    ('"x, y";z\n"1, 2";3\n', ",", ";"),
    ("one column\nvalue\n", ",", ","),
    ("one column\nvalue\n", "\t", "\t"),
    ("", ",", ","),
], ids=["semicolon-decimal-comma", "pipe-comma-text", "tab", "tsv-comma",
        "quoted-commas", "single-column", "single-column-tsv", "empty"])
def test_detect_delimiter_consistent(text: str, default: str, expected: str) -> None:
    assert detect_delimiter(text, default) == expected


@pytest.mark.parametrize("cell", [
    " lead", "trail ", "\u3000全角\u3000", "a_x000D_b", "a\u00a0b", "\ufeffz", "zw\u200b",
    "a\x1fb", "\x1f ", "line\r\nend", "tab\t", "plain", "  ", "",
])
def test_parse_rows_fast_path_agrees_with_clean_text(cell: str) -> None:
    cells = ["x", cell, cell + "y"]
    line = ",".join('"' + c.replace('"', '""') + '"' for c in cells)
    (row,) = parse_rows(line + "\r\n", ",", "f.csv")
    assert row == [clean_text(c) for c in cells]


def test_read_csv_grid_100k_rows_all_kept(tmp_path: Path) -> None:
    """100,000 rows × 20 columns: every row, every leading zero (speed: see benchmarks/)."""
    values = ["C00012", "012", "株式会社山田商事", "", "03-5501-1201", "Blue Harbor", "1.5"]
    lines = [",".join(values[(r + c) % len(values)] for c in range(20)) for r in range(100_000)]
    path = tmp_path / "big.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    rows = _read(path)
    assert len(rows) == 100_000 and rows[0][1] == "012"
    assert rows[-1][:2] == [values[99_999 % 7], values[100_000 % 7]]
