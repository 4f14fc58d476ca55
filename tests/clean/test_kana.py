"""Golden tables for the width and kana transforms (tests/fixtures/clean/kana.csv)."""

from __future__ import annotations

import pandas as pd
import pytest

import migrator.clean.kana as kana_module
from migrator.clean.base import Context
from migrator.clean.kana import kana_transform, width_transform
from migrator.clean.registry import get_transform
from tests.conftest import FIXTURES


def typed(text: str, kind: str) -> object:
    """A fixture cell as the reader would hand it over: text, int, float, bool or empty."""
    return {
        "str": lambda: text, "int": lambda: int(text), "float": lambda: float(text),
        "bool": lambda: text == "true", "none": lambda: None,
    }[kind]()


def golden(name: str) -> pd.DataFrame:
    frame = pd.read_csv(FIXTURES / "clean" / name, dtype=str, keep_default_na=False)
    frame["value"] = [typed(t, k) for t, k in zip(frame["input"], frame["kind"], strict=True)]
    return frame


def text(series: pd.Series) -> list[str]:
    """Each cell as the golden CSV writes it: NA as the empty string."""
    return ["" if pd.isna(v) else str(v) for v in series]


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
    calls: list[object] = []
    original = kana_module._kana_one

    def counting(value: object) -> kana_module.Cell:
        calls.append(value)
        return original(value)

    monkeypatch.setattr(kana_module, "_kana_one", counting)
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
