"""Shapes of numbers (`1234` → `9999`, `1234.5` → `9999.9`), worked out arithmetically.

Printing a million floats to read their digits back costs more than everything else
in a column's profile, so the digits are counted instead: integer digits from the
powers of ten, decimals as the fewest places `round` needs to give the value back
(which is what Python's shortest `repr` prints). Values Python prints otherwise
(`1e+16`, `1e-05`, `nan`) or that are too large to count exactly are left for the
text path.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from migrator.profile.shapes import ShapeCount, collapse

EXACT_BELOW = 1e15
POSITIONAL_FROM = 1e-4
_POWERS = 10.0 ** np.arange(0, 17)
_MAX_DECIMALS = 17


def number_shapes(values: np.ndarray, counts: np.ndarray, positions: np.ndarray,
                  floats: np.ndarray, limit: int) -> tuple[list[ShapeCount], np.ndarray]:
    """The `limit` most common number shapes, and a mask of the values left for text.

    Args:
        values: the distinct numbers as float64.
        floats: which of them are floats (printed with a decimal point, `1234.0`).
    """
    size = np.abs(values)
    fine = np.isfinite(values) & (size < EXACT_BELOW)
    fine &= ~floats | (size == 0) | (size >= POSITIONAL_FROM)
    decimals = np.zeros(len(values), dtype=np.int64)
    decimals[floats & fine] = _decimals(values[floats & fine])
    fine &= decimals >= 0
    digits = np.maximum(np.searchsorted(_POWERS, size, side="right"), 1)
    sign = np.signbit(values) & fine
    key = (sign * 10_000 + digits * 100 + decimals) * 2 + floats
    codes, keys = pd.factorize(key[fine])
    weight = np.bincount(codes, weights=counts[fine]).astype(np.int64)
    first = np.full(len(keys), len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes)))
    out = [(_shape(int(keys[g])), int(weight[g]), int(positions[fine][first[g]]))
           for g in np.argsort(-weight, kind="stable")[:limit]]
    return out, ~fine


def _decimals(values: np.ndarray) -> np.ndarray:
    """Places after the point in Python's shortest print (`1234.0` → 1); -1 if unsure."""
    out = np.full(len(values), -1, dtype=np.int64)
    todo = np.arange(len(values))
    for places in range(1, _MAX_DECIMALS):
        hit = np.round(values[todo], places) == values[todo]
        out[todo[hit]] = places
        todo = todo[~hit]
        if not len(todo):
            break
    return out


def _shape(key: int) -> str:
    """The shape for a factorised key: sign, integer digits, decimals, float or not."""
    key, is_float = divmod(key, 2)
    sign, rest = divmod(key, 10_000)
    digits, decimals = divmod(rest, 100)
    text = ("-" if sign else "") + "9" * digits
    if is_float:
        text += "." + "9" * decimals
    return collapse(text)
