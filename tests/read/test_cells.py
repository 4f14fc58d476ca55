from __future__ import annotations

import datetime as dt

import pytest

from migrator.read.cells import clean_cell, clean_text
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
