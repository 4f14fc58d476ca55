"""Formula-injection safety: which cells get the `'` prefix, and which do not."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from migrator.safety import FORMULA_LEADS, formula_safe, is_formula_like, safe_frame


@pytest.mark.parametrize("value", [
    "=SUM(A1)", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "\nx", "\x00x",
    "＝SUM(A1)", "＋1", "－1", "＠x",
], ids=repr)
def test_formula_safe_prefixes_each_formula_lead(value: str) -> None:
    assert formula_safe(value) == "'" + value
    assert is_formula_like(value)


@pytest.mark.parametrize("value", [
    "", "山田商事", "a=b", " =1+1", "C001", "'=already quoted", "03-1234-5678", "x\ty",
], ids=repr)
def test_formula_safe_leaves_other_text_alone(value: str) -> None:
    assert formula_safe(value) == value
    assert not is_formula_like(value)


def test_formula_safe_costs_e164_phones_and_negative_text_amounts() -> None:
    # OWASP's price, documented in the module: legitimate values get the quote too.
    assert formula_safe("+81312345678") == "'+81312345678"
    assert formula_safe("-1234") == "'-1234"
    assert formula_safe("－") == "'－"


def test_formula_safe_is_idempotent() -> None:
    once = formula_safe("=1+1")
    assert formula_safe(once) == once


def test_formula_leads_are_exactly_the_documented_set() -> None:
    assert FORMULA_LEADS == frozenset("=+-@\t\r\n\x00＝＋－＠")


def test_safe_frame_quotes_text_cells_only() -> None:
    frame = pd.DataFrame({
        "text": pd.Series(["=1+1", "ok", None], dtype="object"),
        "mixed": pd.Series(["+81312345678", -3, 1.5], dtype="object"),
        "number": [-1, 2, 3],
        "string": pd.Series(["@x", "y", None], dtype="str"),
    })
    out = safe_frame(frame)
    assert out["text"].tolist() == ["'=1+1", "ok", None]
    assert out["mixed"].tolist() == ["'+81312345678", -3, 1.5]
    assert out["number"].tolist() == [-1, 2, 3]
    assert out["string"].tolist()[:2] == ["'@x", "y"]
    assert math.isnan(out["string"].tolist()[2])
    assert list(out.columns) == list(frame.columns)


def test_safe_frame_does_not_touch_its_input() -> None:
    frame = pd.DataFrame({"a": pd.Series(["=1"], dtype="object")})
    safe_frame(frame)
    assert frame["a"].tolist() == ["=1"]
