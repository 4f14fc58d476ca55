from __future__ import annotations

import pickle

import numpy as np
import pandas as pd

from migrator.distinct import SAMPLE as SHARED_SAMPLE
from migrator.read.model import shared_texts, to_series


def cells(texts: list[str | None]) -> list[str | None]:
    """Texts as a reader makes them: a new str object per cell."""
    return [None if t is None else "".join(list(t)) for t in texts]


def test_a_column_of_few_values_shares_one_object_per_value() -> None:
    texts = ["電卓 12桁", "ホッチキス", None, "付箋 75mm 10冊"] * 5_000
    column = cells(texts)
    assert column[0] is not column[4]  # one object per cell, as read
    series = to_series(column)
    values = series.to_numpy(dtype=object)
    assert values[0] is values[4] and values[1] is values[5]
    assert len({id(v) for v in values if isinstance(v, str)}) == 3
    pd.testing.assert_series_equal(series, pd.Series(texts, dtype="str"))
    assert series.isna().sum() == 5_000
    # the point of sharing: the column travels as references
    assert len(pickle.dumps(series)) < len(pickle.dumps(pd.Series(column, dtype="str"))) / 2


def test_a_column_of_codes_is_left_as_it_is() -> None:
    column = cells([f"C{i:07d}" for i in range(3 * SHARED_SAMPLE)])
    assert shared_texts(column) is column
    array = np.array(column, dtype=object)
    assert shared_texts(array) is array


def test_a_sample_that_misses_the_distinct_values_changes_nothing() -> None:
    # every sampled cell says "A"; the cells between them are all different
    n = 4 * SHARED_SAMPLE
    step = n // SHARED_SAMPLE
    column = cells(["A" if i % step == 0 else f"x{i}" for i in range(n)])
    assert shared_texts(column) is column


def test_short_columns_are_left_as_they_are() -> None:
    column = cells(["東京都"] * (2 * SHARED_SAMPLE - 1))
    assert shared_texts(column) is column


def test_codes_give_back_each_cell_with_every_blank_as_one_nan() -> None:
    from migrator.distinct import codes_if_repeated

    rng = np.random.default_rng(5)
    kinds = np.array(["東京都", "大阪府", None, float("nan"), "札幌市"], dtype=object)
    column = kinds[rng.integers(0, len(kinds), 3 * SHARED_SAMPLE)]
    found = codes_if_repeated(column, 0.05)
    assert found is not None
    codes, uniques = found
    assert codes.dtype.kind == "i" and codes.min() >= 0
    assert len(uniques) == 4  # three texts and one blank
    assert sum(isinstance(u, float) and np.isnan(u) for u in uniques) == 1
    back = uniques[codes]
    blank = np.array([v is None or v != v for v in column])
    assert (back[~blank] == column[~blank]).all()
    assert all(isinstance(v, float) and np.isnan(v) for v in back[blank])
    without_blanks = codes_if_repeated(np.array(["a", "b"] * SHARED_SAMPLE, dtype=object), 0.05)
    assert without_blanks is not None and list(without_blanks[1]) == ["a", "b"]
