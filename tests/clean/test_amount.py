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
    calls = record_calls(monkeypatch, amount_module, "_amount_one")
    series = pd.Series(["¥1,234", "1,234円", "abc", None] * 25_000)
    outcome = amount_transform(series, Context())
    assert len(calls) == 3
    assert outcome.values.dropna().unique().tolist() == [Decimal(1234)]
