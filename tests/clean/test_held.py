"""A transform that tells which rows hold a value and which failed (from its distinct
values) tells what the rows themselves say; the stage then asks no row."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from migrator.clean.base import Context
from migrator.clean.registry import TRANSFORMS, get_transform

VALUES = {
    "text": ["株式会社 山田商事", "(株)ﾔﾏﾀﾞ", "  ", "", "ａｂｃ", "山田 太郎", "Yamada Taro",
             "やまだ", "Ｒ３．４．１", "x\ny"],
    "codes": ["C0001", "C0002", "S-17", "abc", "X9"],
    "phones": ["03-1234-5678", "090-1234-5678", "０３－１２３４－５６７８", "TEL:0312345678",
               "abc", "+1 212 555 0100", "03-1234-5678 内線12", "12", 312345678, ""],
    "emails": ["a@b.jp", "bad", "a@b.jp, c@d.jp", "<x@例え.JP>", "ｉｎｆｏ＠ｂ．ｊｐ", ""],
    "numbers": [1, 2.5, 10**12, Decimal("3.10"), "1,200円", "abc", True, ""],
    "dates": [date(2024, 4, 1), "令和3年4月1日", "R3.4.1", "2024/02/30", "soon", 45000, ""],
    "places": ["東京都", "東京都千代田区丸の内1-1", "100-0001", "１００－０００１", "JP",
               "Japan", "CA", "nowhere", ""],
}


def _column(kind: str, seed: int, n: int = 400) -> pd.Series:
    rng = random.Random(seed)
    pool = VALUES[kind]
    return pd.Series([rng.choice([None, np.nan]) if rng.random() < 0.1 else rng.choice(pool)
                      for _ in range(n)], dtype=object)


@pytest.mark.parametrize("transform", sorted(TRANSFORMS))
@pytest.mark.parametrize("kind", sorted(VALUES))
def test_what_a_transform_tells_is_what_its_rows_say(transform: str, kind: str) -> None:
    for seed in (1, 2):
        result = get_transform(transform)(_column(kind, seed), Context())
        if result.present is not None:
            assert np.array_equal(result.present, result.values.notna().to_numpy())
        if result.failed is not None:
            assert np.array_equal(result.failed, result.reasons.notna().to_numpy())


@pytest.mark.parametrize(("transform", "kind"), [
    ("phone", "phones"), ("email", "emails"), ("company_name", "text"),
    ("person_name", "text"), ("kana", "text"), ("amount", "numbers"),
    ("width", "text"), ("width", "codes"), ("width", "numbers")])
def test_the_costly_transforms_tell(transform: str, kind: str) -> None:
    """They run over every row of the benchmark's columns: each asks its distinct values,
    and the stage would otherwise pass over every row twice more."""
    values = _column(kind, 3)
    if kind == "codes":  # every cell ASCII text, none blank: the fold has nothing to do
        values = values.fillna("C0000")
    result = get_transform(transform)(values, Context())
    assert result.present is not None and result.failed is not None
    assert 0 < result.present.sum() < len(values) or kind == "codes"
