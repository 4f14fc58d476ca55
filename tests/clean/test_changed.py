"""A transform that tells which rows it changed (from its distinct values) gives the
change log the stage's own row-by-row comparison gives, and says nothing where the
column's equal values may be written differently."""

from __future__ import annotations

import dataclasses
import importlib
import random
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from migrator.clean.base import Cell, Context, apply_distinct, spread_changed
from migrator.clean.registry import get_transform

stage = importlib.import_module("migrator.clean.stage")


def _column(kind: str, n: int, seed: int) -> pd.Series:
    rng = random.Random(seed)
    pick = {
        "text": lambda: rng.choice(["ａｂｃ", "abc", " x ", "ﾔﾏﾀﾞ", "山田", "0312345678", ""]),
        "int": lambda: rng.choice([0, 1, 10, 250, 10**12, -3]),
        "date": lambda: date(2024, rng.randint(1, 12), rng.randint(1, 28)),
        "mixed": lambda: rng.choice([1, 1.0, True, "1", Decimal("1.0"), Decimal("1.00"),
                                     date(2024, 1, 1), datetime(2024, 1, 1), "2024/1/1"]),
        "float": lambda: rng.choice([1.0, 1.5, 2.0, 1e20]),
        "date_text": lambda: rng.choice([
            f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "2024/1/5", "2024-1-05",
            "２０２４-０１-０５", "R6.1.5", "2024-01-05 10:00", "2024-02-30", "", " 2024-01-05",
            "2024-01-05 ", "0999-12-31", "2024年1月5日", "5/1/2024", "20240105", "x"]),
    }[kind]
    return pd.Series([None if rng.random() < 0.1 else pick() for _ in range(n)],
                     dtype=object)


def _odd(value: object) -> Cell:
    """A transform whose answers differ in type and text from what it was given."""
    if isinstance(value, bool):
        return Cell(value=int(value))
    if isinstance(value, int):  # 3 -> Decimal("3.0"), written otherwise
        return Cell(value=Decimal(f"{value}.0")) if value % 2 else Cell(value=value)
    if isinstance(value, float):
        return Cell(value=str(value))
    if isinstance(value, str):
        return Cell(reason="invalid_amount") if not value.strip() else Cell(value=value.strip())
    if isinstance(value, date) and value.day % 2:
        return Cell(value=value.replace(day=2))
    return Cell(value=value)


def _log(result: object, values: pd.Series, transform: str) -> pd.DataFrame:
    frame = pd.DataFrame({"f": values, "_source_file": "a.xlsx", "_source_sheet": "S",
                          "_source_row": range(2, len(values) + 2)})
    failed = result.reasons.notna().to_numpy()  # type: ignore[attr-defined]
    present = result.values.notna().to_numpy()  # type: ignore[attr-defined]
    return stage._changes("t", frame, "f", result, transform, present & ~failed)


@pytest.mark.parametrize("kind", ["text", "int", "date", "mixed", "float", "date_text"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_change_log_is_the_stages_own(kind: str, seed: int) -> None:
    values = _column(kind, 2_000, seed)
    results = {"odd": apply_distinct(values, _odd)}
    if kind in ("int", "mixed", "float"):
        results["amount"] = get_transform("amount")(values, Context())
    if kind in ("date", "mixed", "text", "date_text"):
        results["date"] = get_transform("date")(values, Context())
    for transform, result in results.items():
        told = result.changed
        if kind in ("mixed", "float"):  # 1 == 1.0 == True: written otherwise, told nothing
            assert told is None, transform
            continue
        assert told is not None, transform
        compared = dataclasses.replace(result, changed=None)
        pd.testing.assert_frame_equal(_log(result, values, transform),
                                      _log(compared, values, transform))
        if transform == "odd":
            assert len(_log(result, values, transform)) > 100


def test_spread_changed_compares_texts_once_per_distinct_value() -> None:
    data = np.array(["a", "b", "a", None, "c"], dtype=object)
    codes, uniques = pd.factorize(data, use_na_sentinel=True)
    changed = spread_changed(data, codes, list(uniques), ["a", "B", pd.NA])
    assert changed is not None
    assert changed.tolist() == [False, True, False, False, False]  # no value: unchanged
    ints = np.array([10, 10, 3], dtype=object)
    codes, uniques = pd.factorize(ints, use_na_sentinel=True)
    assert spread_changed(ints, codes, list(uniques),
                          [Decimal("10"), Decimal("3.0")]).tolist() == [False, False, True]
    mixed = np.array([1, True], dtype=object)
    codes, uniques = pd.factorize(mixed, use_na_sentinel=True)
    assert spread_changed(mixed, codes, list(uniques), [1]) is None


@pytest.mark.parametrize("seed", [4, 5])
def test_dates_read_from_texts_tell_what_spread_changed_tells(seed: int) -> None:
    """The date transform's own reading of texts (ISO texts are written as they were) is
    `spread_changed`'s, rows without a date included."""
    values = _column("date_text", 2_000, seed)
    result = get_transform("date")(values, Context())
    data = values.to_numpy(dtype=object)
    codes, uniques = pd.factorize(data, use_na_sentinel=True)
    answers = [result.values.iloc[int(np.flatnonzero(codes == k)[0])]
               for k in range(len(uniques))]
    assert result.changed is not None
    assert result.changed.any() and not result.changed.all()
    assert np.array_equal(result.changed, spread_changed(data, codes, uniques, answers))
