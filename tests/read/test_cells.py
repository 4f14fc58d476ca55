from __future__ import annotations

import datetime as dt

import pytest

from migrator.read.cells import (
    BLANK,
    JOINED_DIRTY,
    TEXT,
    TEXT_KIN,
    VALUE,
    clean_cell,
    clean_row,
    clean_rows,
    clean_sheet,
    clean_text,
    may_be_dirty,
)
from migrator.read.padded import render_padded


@pytest.mark.parametrize(("raw", "seen"), [
    ("ABC_x000D_\nDEF", "ABC\nDEF"),
    ("a\r\nb\rc", "a\nb\nc"),
    ("\u3000山田\u3000太郎\u3000", "山田\u3000太郎"),
    ("\u00a0Blue\u00a0Harbor\u200b", "Blue Harbor"),
    ("  \t ", None),
    ("", None),
])
def test_clean_text_as_seen(raw: str, seen: str | None) -> None:
    assert clean_text(raw) == seen


@pytest.mark.parametrize(("raw", "seen"), [
    (40.0, 40), (0.1, 0.1), (2.0**60, 2.0**60), (float("nan"), None), ("007", "007"),
    (dt.date(2021, 4, 1), dt.date(2021, 4, 1)), (True, True),
])
def test_clean_cell_numbers_exact(raw: object, seen: object) -> None:
    got = clean_cell(raw)
    assert got == seen and type(got) is type(seen)


@pytest.mark.parametrize(("value", "fmt", "seen"), [
    (2134, "00000", "02134"), (1500002, "000-0000", "150-0002"),
    (600001, '"〒"000-0000', "〒060-0001"), (312345678, "0000000000", "0312345678"),
    (123456, "000", "123456"),
])
def test_render_padded_like_excel(value: int, fmt: str, seen: str) -> None:
    assert render_padded(value, fmt) == seen


_AWKWARD = [
    "ABC_x000D_DEF", "_x0041_", " lead", "trail ", "\u3000山田\u3000太郎\u3000", "\u00a0nbsp",
    "zw\u200bj", "\ufeffbom", "a\x1f b", "line\r\nend", "tab\t", "  ", "", "plain", "_x00",
    float("nan"), 2.0**53, 2.0**53 - 1, -(2.0**53), -0.0, 40.0, 0.1, float("inf"), True, False,
    7, None, dt.datetime(2024, 4, 1, 9, 30), dt.date(2021, 4, 1), dt.time(8, 0),
]


def _typed(rows: list[list[object]]) -> list[list[tuple[str, str]]]:
    return [[(type(v).__name__, repr(v)) for v in row] for row in rows]


@pytest.mark.parametrize("step", [0, 1, 3, 7])
def test_clean_rows_column_wise_same_as_clean_row(step: int) -> None:
    """Columns of one type, of mixed types, dirty and clean: the bulk path keeps every
    value and type that clean_row gives, trailing blanks dropped alike."""
    n = len(_AWKWARD)
    rows = [[_AWKWARD[(r * step + c) % n] for c in range(6)] for r in range(2 * n)]
    rows += [["plain", "", None, "", "", ""], ["", "", "", "", "", ""]]
    got = clean_rows([list(r) for r in rows])
    assert _typed(got) == _typed([clean_row(list(r)) for r in rows])


@pytest.mark.parametrize("column", [
    ["a", "b ", " c", "d"], ["x \x1f", " y", "z"], ["_x0041__x0042_", "ok"],
    ["a\x1f", "\x1fb", "c"], ["", None, " d", None], [None, 2.0, "e", ""],
    [1.0, 2.5, float("nan"), -0.0, 2.0**53], ["", ""], [dt.date(2024, 1, 1), "t "],
])
def test_clean_rows_one_column_same_as_clean_row(column: list[object]) -> None:
    rows = [[v] for v in column]
    assert _typed(clean_rows(rows)) == _typed([clean_row([v]) for v in column])


@pytest.mark.parametrize("step", [0, 1, 3])
def test_clean_sheet_keeps_width_and_gives_the_same_cells_as_an_array(step: int) -> None:
    """A dense sheet: clean_row's values with the blanks kept, so every row keeps the
    sheet's width; the array holds the same cells; trailing blank rows go."""
    n = len(_AWKWARD)
    rows = [[_AWKWARD[(r * step + c) % n] for c in range(6)] for r in range(2 * n)]
    rows += [["plain", "", None, "", "", ""], ["", " ", None, "", "\u3000", ""], [None] * 6]
    want = [clean_row(list(r)) for r in rows]
    while not want[-1]:
        want.pop()
    got, cells, kinds = clean_sheet([list(r) for r in rows])
    assert cells is not None and cells.shape == (len(want), 6)
    assert {len(r) for r in got} == {6}
    assert _typed(got) == _typed([r + [None] * (6 - len(r)) for r in want])
    assert _typed(cells.tolist()) == _typed(got)
    assert kinds is not None and kinds.tolist() == [[_kind(v) for v in r] for r in got]


class _Note(str):
    """Text of a str subclass, which detection judges row by row."""


def _kind(value: object) -> int:
    if value is None:
        return BLANK
    if isinstance(value, str):
        return TEXT if type(value) is str else TEXT_KIN
    return VALUE


@pytest.mark.parametrize("column", [
    [_Note("x"), _Note("y ")], [_Note("x"), None, "a ", 2.0], [None, None], [_Note("")],
    [dt.date(2024, 1, 1), None, 3], ["", " ", "\u3000"], [float("nan"), 1.0], ["a", 1.5, "b "],
])
def test_clean_sheet_kinds_follow_the_cleaned_cells(column: list[object]) -> None:
    """Each cell's kind is that of its cleaned value: a text cleaned to nothing and a NaN
    are blank, a whole float an int value, a str subclass's text its own kind."""
    rows = [["id", v] for v in column]
    got, cells, kinds = clean_sheet(rows)
    assert cells is not None and kinds is not None
    assert kinds.tolist() == [[_kind(v) for v in r] for r in cells.tolist()]
    assert _typed(got) == _typed(cells.tolist())


@pytest.mark.parametrize("below", [
    ["plain", "b ", "", "_x0041_", " ", "ok"], [1.0, 2.5, float("nan"), 40.0, -0.0, 2.0**53],
    [None] * 6, [dt.date(2024, 1, 1)] * 6, [_Note("n "), _Note("")] * 3, [7, 8, 9] * 2,
])
@pytest.mark.parametrize("head", [0, 1, 15, 16, 17])
def test_clean_sheet_head_then_one_type_below(below: list[object], head: int) -> None:
    """Titles and a header of any types over a column of one type: the head cleaned cell
    by cell and the rest in bulk give clean_row's values and the cells' kinds."""
    top = [_AWKWARD[i % len(_AWKWARD)] for i in range(head)]
    column = top + below * 5
    rows = [[" id ", v, "x"] for v in column]
    got, cells, kinds = clean_sheet([list(r) for r in rows])
    assert cells is not None and kinds is not None
    want = [clean_row(list(r)) for r in rows]
    assert _typed(got) == _typed([r + [None] * (3 - len(r)) for r in want])
    assert _typed(cells.tolist()) == _typed(got)
    assert kinds.tolist() == [[_kind(v) for v in r] for r in got]


def test_clean_sheet_of_ragged_or_blank_rows() -> None:
    """Rows of different lengths are cleaned row by row (no array); a sheet of blanks
    has no rows left."""
    got, cells, kinds = clean_sheet([["a ", 1.0], ["b"], [None, " "]])
    assert cells is None and kinds is None and _typed(got) == _typed([["a", 1], ["b"]])
    got, cells, kinds = clean_sheet([["", None], [" ", None]])
    assert got == [] and cells is not None and cells.shape == (0, 2)
    assert kinds is not None and kinds.shape == (0, 2)


def test_may_be_dirty_never_misses_what_the_regex_finds() -> None:
    """Every character of the BMP, alone in a cell, beside a separator and inside a
    cell: wherever JOINED_DIRTY matches, the cheap scan says it may."""
    found = 0
    for code in range(0x10000):
        ch = chr(code)
        for joined in (f"\x1f{ch}\x1f", f"\x1fa{ch}b\x1f", f"\x1f_x{code:04X}_\x1f"):
            if JOINED_DIRTY.search(joined):
                found += 1
                assert may_be_dirty(joined), repr(joined)
    assert found > 0x10000  # every `_xHHHH_`, and the characters clean_text changes
    assert not may_be_dirty("\x1f株式会社見本\x1fC00012\x1fuser1@example.co.jp\x1f\x1f")


@pytest.mark.parametrize("dirty", [" lead", "trail ", "\u3000全角", "a\rb", "nb\u00a0sp",
                                   "zero\u200bwidth", "_x0041_", "tab\t", "\nline"])
def test_clean_rows_below_the_head_clean_the_one_dirty_cell(dirty: str) -> None:
    column = [f"C{i:04d}" for i in range(40)]
    column[30] = dirty
    rows = [[v] for v in column]
    assert clean_rows(rows)[30] == clean_row([dirty]) != [dirty]
