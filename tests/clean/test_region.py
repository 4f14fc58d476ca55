"""The region and country transforms against their golden table, plus the registry."""

from __future__ import annotations

import pandas as pd
import pytest

from migrator.clean.base import Context
from migrator.clean.region import country_transform, region_transform
from migrator.clean.registry import get_transform
from tests.clean.golden import golden, shown

TRANSFORMS = {"region": region_transform, "country": country_transform}


def _golden() -> pd.DataFrame:
    return golden("regions.csv")


def test_region_golden_table_is_big_enough() -> None:
    golden = _golden()
    assert (golden["transform"] == "region").sum() >= 40
    assert (golden["transform"] == "country").sum() >= 25


@pytest.mark.parametrize("name", ["region", "country"])
def test_region_golden_table(name: str) -> None:
    rows = _golden().query("transform == @name")
    outcome = TRANSFORMS[name](rows["value"], Context())  # one Series: duplicates hit the cache
    got = list(zip(outcome.values.map(shown), outcome.reasons.map(shown), strict=True))
    want = list(zip(rows["expected"], rows["reason"], strict=True))
    mismatches = [(t, g, w) for t, g, w in zip(rows["input"], got, want, strict=True) if g != w]
    assert mismatches == []


def test_region_repeated_values_keep_their_index() -> None:
    column = pd.Series(["Tokyo", "tokyo", "Tokyo", "??"], index=[10, 11, 12, 13])
    outcome = region_transform(column, Context())
    assert outcome.values.index.tolist() == [10, 11, 12, 13]
    assert outcome.values.tolist()[:3] == ["東京都"] * 3
    assert outcome.reasons.tolist()[3] == "invalid_region"


@pytest.mark.parametrize(("name", "transform"), [("region", region_transform),
                                                  ("country", country_transform)])
def test_region_registry_names_the_transforms(name: str, transform: object) -> None:
    assert get_transform(name) is transform
