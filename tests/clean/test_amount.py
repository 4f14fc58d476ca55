"""Golden table for amounts (tests/fixtures/clean/amounts.csv)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from migrator.clean import amount as amount_module
from migrator.clean.amount import amount_transform
from migrator.clean.base import Context
from migrator.clean.registry import get_transform
from tests.clean.golden import record_calls
from tests.clean.test_kana import golden, text


@pytest.mark.parametrize("region", ["JP", "US", "ZZ"])
def test_amount_golden_table(region: str) -> None:
    rows = golden("amounts.csv").query("region == @region")
    series = pd.Series(rows["value"].tolist(), index=rows.index, dtype="object")
    outcome = get_transform("amount")(series, Context(region=region))
    got = pd.DataFrame({
        "input": rows["input"], "expected": text(outcome.values),
        "currency": text(outcome.extra["currency"]),
        "note": text(outcome.notes) if outcome.notes is not None else "",
        "reason": text(outcome.reasons),
    }, index=rows.index)
    want = rows[["input", "expected", "currency", "note", "reason"]]
    assert got.to_dict("records") == want.to_dict("records")


def test_amount_values_are_decimals_never_floats() -> None:
    outcome = amount_transform(pd.Series([0.1, "¥1,234", 7, "$0.30"]), Context())
    assert [type(v) for v in outcome.values] == [Decimal] * 4
    assert outcome.values.tolist() == [Decimal("0.1"), Decimal(1234), Decimal(7), Decimal("0.30")]


def test_amount_registry_names_the_module_function() -> None:
    assert get_transform("amount") is amount_transform


def test_amount_computes_once_per_distinct_value(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = record_calls(monkeypatch, amount_module, "_amount_many")
    series = pd.Series(["¥1,234", "1,234円", "abc", None] * 25_000)
    outcome = amount_transform(series, Context())
    assert len(calls) == 1 and sorted(calls[0]) == ["1,234円", "abc", "¥1,234"]
    assert outcome.values.dropna().unique().tolist() == [Decimal(1234)]


def _typed_amounts(seed: int) -> list[object]:
    """Amounts typed every way, Excel's numbers among them, and near misses."""
    import random

    rng = random.Random(seed)
    signs = ["", "", "-", "−", "▲", "△", "+"]
    symbols = ["", "", "¥", "￥", "\\", "円", "$", "US$", "＄", "€", "£", "￡", "JPY", "USD",
               "EUR", "CHF", "XYZ", "万"]
    numbers = ["0", "00", "1", "12", "1,234", "12,345,678", "1,23", "1234,567", "1.5", "1.234",
               "1.234,56", "0.10", ".5", "1,234.50", "１，２３４", "9" * 30, "1e3", "1..2", ""]
    values: list[object] = []
    for _ in range(6000):
        text = (rng.choice(signs) + rng.choice(symbols) + rng.choice(signs)
                + rng.choice(numbers) + rng.choice(symbols))
        if rng.random() < 0.1:
            text = rng.choice([f" {text}", f"{text} ", f"({text})", f"{text}（税込）",
                               text.replace(",", " ,"), f"{text}\u3000"])
        values.append(text)
    # not True beside 1, nor -0.0 beside 0: equal values, counted as one distinct value
    return values + [0, 1, -5, 2**70, 1.5, 0.1, float("inf"), 1e300, None, "", " ",
                     Decimal("1.20"), "-0", "▲0", "$100円", "¥100円", "100 円", "1.234"]


@pytest.mark.parametrize("region", ["JP", "DE", "ZZ"])
def test_amount_transform_is_amount_one_per_value(region: str) -> None:
    """All values at once give, value by value, what `_amount_one` gives: Excel's numbers,
    the texts read over all of them joined and the rest one by one."""
    values = _typed_amounts(len(region))
    outcome = amount_transform(pd.Series(values, dtype=object), Context(region=region))
    default = amount_module.REGION_CURRENCY.get(region)
    notes = outcome.notes if outcome.notes is not None else [None] * len(values)
    quick = 0
    for value, *got in zip(values, outcome.values, outcome.reasons, notes,
                           outcome.extra["currency"], strict=True):
        cell = amount_module._amount_one(value, default)
        want = [cell.value, cell.reason, cell.note, (cell.extra or (None,))[0]]
        assert [None if pd.isna(x) else x for x in got] == [
            None if pd.isna(x) else x for x in want], value
        assert str(got[0]) == str(want[0]), value  # the same digits, not only equal
        quick += isinstance(value, str) and cell.reason is None and cell.note is None
    assert quick > 1000 and outcome.reasons.notna().sum() > 1000
