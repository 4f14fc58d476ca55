"""The postal code transform against its golden table, plus caching and the registry."""

from __future__ import annotations

import pandas as pd
import pytest

from migrator.clean.base import Context
from migrator.clean.postal import postal_transform
from migrator.clean.registry import get_transform
from migrator.reference.places import JP_POSTAL_PREFIXES, PREFECTURES
from tests.conftest import FIXTURES

GOLDEN = FIXTURES / "clean" / "postal_codes.csv"


def _golden() -> pd.DataFrame:
    return pd.read_csv(GOLDEN, dtype=str, keep_default_na=False, encoding="utf-8")


def _cell(text: str, kind: str) -> object:
    return {"int": int, "float": float}.get(kind, str)(text) if text.strip() else text


def _shown(value: object) -> str:
    return "" if value is None or value is pd.NA else str(value)


def _run(rows: pd.DataFrame, context: str) -> pd.DataFrame:
    column = pd.Series([_cell(t, k) for t, k in zip(rows["input"], rows["kind"], strict=True)],
                       index=rows.index, dtype="object")
    region = rows["region"].where(rows["region"] != "", pd.NA)
    outcome = postal_transform(column, Context(region=context, related={"region": region}))
    assert outcome.notes is not None
    return pd.DataFrame({"expected": outcome.values.map(_shown),
                         "reason": outcome.reasons.map(_shown),
                         "note": outcome.notes.map(_shown)})


def test_postal_golden_table_is_big_enough() -> None:
    golden = _golden()
    assert len(golden) >= 45
    assert {"JP", "US"} <= set(golden["context"])
    assert {"str", "int"} <= set(golden["kind"])


@pytest.mark.parametrize("context", ["JP", "US", "GB"])
def test_postal_golden_table(context: str) -> None:
    rows = _golden().query("context == @context")
    got = _run(rows, context)  # one Series per source country: duplicates hit the cache
    want = rows[["expected", "reason", "note"]]
    mismatches = [(rows.at[i, "input"], rows.at[i, "region"], tuple(got.loc[i]),
                   tuple(want.loc[i])) for i in rows.index
                  if tuple(got.loc[i]) != tuple(want.loc[i])]
    assert mismatches == []


def test_postal_without_region_column() -> None:
    column = pd.Series(["〒1234567", 600001, "02134", None], dtype="object")
    outcome = postal_transform(column, Context())
    assert outcome.values.tolist()[:3] == ["123-4567", "060-0001", "02134"]
    assert outcome.values.isna().tolist()[3]
    assert outcome.reasons.isna().all()


def test_postal_prefix_table_covers_every_prefecture() -> None:
    assert list(JP_POSTAL_PREFIXES) == list(PREFECTURES)
    prefixes = [p for ps in JP_POSTAL_PREFIXES.values() for p in ps]
    assert len(prefixes) == len(set(prefixes))


def test_postal_registry_names_the_transform() -> None:
    assert get_transform("postal_code") is postal_transform


def test_postal_codes_typed_as_most_are_read_as_one_by_one() -> None:
    """The codes one regex reads over all texts (`123-4567`, `〒1234567`...) get what the
    reading of one value gives, with every kind of region beside them."""
    import importlib
    import random

    postal = importlib.import_module("migrator.clean.postal")
    rng = random.Random(7)
    shapes = ["{a}-{b}", "{a}{b}", "〒{a}-{b}", "〒 {a}{b}", "〒{a}{b}", " {a}-{b}", "{a}-{b} ",
              "{a} {b}", "〒  {a}-{b}", "{a}－{b}", "１２３-{b}", "{a}-{b}\n", "{a}-{b}-1",
              "0{a}{b}", "{a}{b}"[:6], "〶{a}-{b}", "{a}–{b}"]
    regions = [None, pd.NA, "", " ", "東京都", "北海道", "大阪", "CA", "California", "NY",
               "Ontario", "13", float("nan")]
    for _ in range(3):
        cells = [rng.choice(shapes).format(a=f"{rng.randint(0, 999):03d}",
                                           b=f"{rng.randint(0, 9999):04d}")
                 for _ in range(400)]
        cells += [600001, 1234567, None, "", "02134", "02134-1234"]
        near = [rng.choice(regions) for _ in cells]
        column = pd.Series(cells, dtype="object")
        for context in ("JP", "US"):
            outcome = postal_transform(column, Context(region=context, related={
                "region": pd.Series(near, dtype="object")}))
            assert outcome.notes is not None
            got = [tuple(None if pd.isna(x) else x for x in row) for row in zip(
                outcome.values, outcome.reasons, outcome.notes, strict=True)]
            want = [tuple(None if pd.isna(x) else x for x in postal._read((c, r), context))
                    for c, r in zip(cells, near, strict=True)]
            assert got == want
