"""Golden tables for the width and kana transforms (tests/fixtures/clean/kana.csv)."""

from __future__ import annotations

import pandas as pd
import pytest

from migrator.clean import kana as kana_module
from migrator.clean.base import Context
from migrator.clean.kana import kana_transform, width_transform
from migrator.clean.registry import get_transform
from tests.clean.golden import golden, record_calls, text


@pytest.mark.parametrize("name", ["width", "kana"])
def test_kana_golden_table(name: str) -> None:
    rows = golden("kana.csv").query("transform == @name")
    series = pd.Series(rows["value"].tolist(), index=rows.index, dtype="object")
    outcome = get_transform(name)(series, Context())
    assert list(zip(rows["input"], text(outcome.values), text(outcome.reasons), strict=True)) == (
        list(zip(rows["input"], rows["expected"], rows["reason"], strict=True))
    )
    assert outcome.values.index.equals(series.index)


def test_kana_registry_names_the_module_functions() -> None:
    assert get_transform("width") is width_transform
    assert get_transform("kana") is kana_transform


def test_kana_computes_once_per_distinct_value(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = record_calls(monkeypatch, kana_module, "_kana_one")
    series = pd.Series(["やまだ", "ﾔﾏﾀﾞ", None, "山田"] * 25_000)
    outcome = kana_transform(series, Context())
    assert sorted(map(str, calls)) == ["やまだ", "山田", "ﾔﾏﾀﾞ"]
    assert outcome.values.iloc[:4].tolist()[:2] == ["ヤマダ", "ヤマダ"]
    assert outcome.reasons.value_counts().to_dict() == {"invalid_kana": 25_000}


def test_width_keeps_string_dtype_input_and_index() -> None:
    series = pd.Series(["０３", None, "ﾔﾏﾀﾞ"], index=[10, 20, 30], dtype="str")
    outcome = width_transform(series, Context())
    assert outcome.values.tolist()[0] == "03" and outcome.values.tolist()[2] == "ヤマダ"
    assert pd.isna(outcome.values[20]) and outcome.reasons.isna().all()
    assert list(outcome.values.index) == [10, 20, 30]
