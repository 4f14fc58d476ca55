"""The address split against its golden table, plus the registry."""

from __future__ import annotations

import pandas as pd

from migrator.clean.address import address_transform
from migrator.clean.base import Context
from migrator.clean.registry import get_transform
from tests.clean.golden import golden, shown

PARTS = ["region", "city", "address_line1", "address_line2", "postal_code"]


def _golden() -> pd.DataFrame:
    return golden("addresses.csv")


def test_address_golden_table() -> None:
    rows = _golden()
    assert len(rows) >= 25
    column = pd.Series(rows["input"].where(rows["input"] != "", None), dtype="object")
    outcome = address_transform(pd.concat([column, column]), Context())  # twice: the cache
    assert outcome.reasons.isna().all()  # a split never rejects
    got = pd.DataFrame({"address_line1": outcome.values, **outcome.extra}).map(shown)
    assert list(outcome.extra) == ["region", "city", "address_line2", "postal_code"]
    for i in range(2):
        part = got.iloc[i * len(rows):(i + 1) * len(rows)].set_index(rows.index)
        mismatches = [(rows.at[j, "input"], list(part.loc[j, PARTS]), list(rows.loc[j, PARTS]))
                      for j in rows.index if list(part.loc[j, PARTS]) != list(rows.loc[j, PARTS])]
        assert mismatches == []


def test_address_registry_names_the_transform() -> None:
    assert get_transform("address_split") is address_transform
