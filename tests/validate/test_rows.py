"""validate.rows: the failing rows we find are the rows GX's own COMPLETE result lists,
on awkward values (nulls of three kinds, mixed types, Japanese text, unicode digits)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from migrator.schema import load_schema
from migrator.validate import check as validate_check
from migrator.validate.check import check_tables
from migrator.validate.rows import failing_positions, findable
from migrator.validate.suites import (
    BETWEEN,
    IN_SET,
    LENGTHS,
    MATCH_REGEX,
    NOT_IN_SET,
    NOT_NULL,
    UNIQUE,
    to_gx_suite,
)
from tests.validate.test_validate import customers, frames, sales

SCHEMA = load_schema()


def awkward() -> pd.DataFrame:
    """A frame as GX sees it: str text (distinct path), mixed objects (row path), floats."""
    text = ["山田商事", None, np.nan, "", "１２３", "٣٤٥", "123", "ｶﾅ", "山田商事", "AB",
            "a@b.jp", pd.NA, "ab", "x" * 6, "JP"]
    mixed = [1, 1.0, True, "1", None, dt.date(2024, 4, 1), "True", 2.5, "ＡＢ", np.nan,
             "AB", "12", 12, "山", "AB"]
    number = [0.0, -0.0, -1.0, np.nan, 3.5, np.inf, -np.inf, 2.0, 1e-9, -1e-9, 0.0, 5.0,
              np.nan, 2.0, 1.0]
    return pd.DataFrame({"text": pd.Series(text, dtype=object),
                         "mixed": pd.Series(mixed, dtype=object), "number": number,
                         validate_check.ROW_ID: np.arange(len(text), dtype=np.int64)})


def configs() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for column in ("text", "mixed"):
        out += [
            {"type": NOT_NULL, "kwargs": {"column": column}},
            {"type": UNIQUE, "kwargs": {"column": column}},
            {"type": MATCH_REGEX, "kwargs": {"column": column, "regex": r"^\d+$"}},
            {"type": MATCH_REGEX, "kwargs": {"column": column, "regex": "^[A-Z]{2}$"}},
            {"type": IN_SET, "kwargs": {"column": column, "value_set": ["山田商事", "1", 12]}},
            {"type": NOT_IN_SET, "kwargs": {"column": column, "value_set": ["AB", 1]}},
            {"type": LENGTHS, "kwargs": {"column": column, "max_value": 3}},
            {"type": LENGTHS, "kwargs": {"column": column, "min_value": 1, "max_value": 2,
                                         "strict_min": True, "mostly": 0.5}},
        ]
    return out + [
        {"type": NOT_NULL, "kwargs": {"column": "number"}},
        {"type": UNIQUE, "kwargs": {"column": "number"}},
        {"type": BETWEEN, "kwargs": {"column": "number", "min_value": 0}},
        {"type": BETWEEN, "kwargs": {"column": "number", "min_value": -1, "max_value": 2,
                                     "strict_max": True}},
        {"type": BETWEEN, "kwargs": {"column": "number", "max_value": 0.0, "strict_max": True}},
    ]


def gx_complete(frame: pd.DataFrame, expectations: list[dict[str, Any]]) -> list[Any]:
    """GX's own results with every failing row listed (COMPLETE), one per expectation."""
    context = validate_check._context(None)
    source = context.data_sources.add_pandas(name="test")
    suite = to_gx_suite({"name": "awkward", "expectations": expectations})
    outcome = validate_check._run(context, source, "awkward", suite, frame,
                                  validate_check.RESULT_FORMAT)
    return list(outcome.results)


def test_rows_failing_positions_match_gx_unexpected_index_list() -> None:
    frame, wanted = awkward(), configs()
    assert all(findable(c, frame) for c in wanted)
    results = gx_complete(frame, wanted)
    assert len(results) == len(wanted)
    for config, result in zip(wanted, results, strict=True):
        assert not result.exception_info.get("raised_exception"), config
        listed = validate_check._listed(result.result).tolist()
        assert listed == failing_positions(config, frame).tolist(), config
        assert len(listed) == result.result["unexpected_count"], config
    # the data is awkward enough that most expectations fail on some rows, not all
    failing = [len(validate_check._listed(r.result)) for r in results]
    assert sum(0 < n < len(frame) for n in failing) >= len(wanted) - 4


def test_rows_unicode_digits_count_as_digits_as_in_gx() -> None:
    frame = awkward()
    config = {"type": MATCH_REGEX, "kwargs": {"column": "text", "regex": r"^\d+$"}}
    failing = set(failing_positions(config, frame).tolist())
    assert {4, 5, 6}.isdisjoint(failing)  # １２３ and ٣٤٥ match \d, as Python's re says
    assert {0, 3, 7}.issubset(failing)


@pytest.mark.parametrize("config", [
    {"type": "expect_column_values_to_be_null", "kwargs": {"column": "text"}},
    {"type": NOT_NULL, "kwargs": {"column": "text", "row_condition": 'text=="x"'}},
    {"type": NOT_NULL, "kwargs": {"column": "absent"}},
    {"type": BETWEEN, "kwargs": {"column": "number", "min_value": {"$PARAMETER": "low"}}},
    {"type": BETWEEN, "kwargs": {"column": "mixed", "min_value": 0}},
    {"type": BETWEEN, "kwargs": {"column": "number"}},
    {"type": BETWEEN, "kwargs": {"column": "number", "min_value": 3, "max_value": 1}},
    {"type": LENGTHS, "kwargs": {"column": "text", "max_value": True}},
    {"type": IN_SET, "kwargs": {"column": "text", "value_set": {"$PARAMETER": "codes"}}},
    {"type": MATCH_REGEX, "kwargs": {"column": "text", "regex": None}},
], ids=lambda c: f"{c['type'].removeprefix('expect_')}-{sorted(c['kwargs'])}")
def test_rows_findable_refuses_what_it_does_not_mirror(config: dict[str, Any]) -> None:
    assert not findable(config, awkward())


def test_rows_check_tables_same_as_gx_listing(monkeypatch: pytest.MonkeyPatch) -> None:
    dirty = frames()
    dirty["customers"]["name"] = pd.Series(
        ["山田商事" * 60, None, "①②③", 12345, True], index=dirty["customers"].index,
        dtype=object)
    dirty["customers"]["postal_code"] = ["１２３-４５６７", "123-4567", None, "〒100-0001", "٠٢١٣٤"]
    dirty["sales"] = pd.concat([sales(), sales().assign(amount=[None, "-1", "１００"])],
                               ignore_index=True)
    ours = check_tables(dirty, SCHEMA)
    seen: list[str] = []
    monkeypatch.setattr(validate_check, "failing_positions",
                        lambda config, frame: seen.append(config["type"]))  # never called
    monkeypatch.setattr(validate_check, "findable", lambda config, frame: False)
    theirs = check_tables(dirty, SCHEMA)
    assert seen == []
    pd.testing.assert_frame_equal(ours.failures, theirs.failures, check_exact=True)
    assert ours.results == theirs.results
    assert {t: list(i) for t, i in ours.failed_index.items()} == {
        t: list(i) for t, i in theirs.failed_index.items()}
    assert len(ours.failures) >= 8


def test_rows_listing_that_disagrees_with_gx_count_stops_the_run(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = validate_check.failing_positions
    monkeypatch.setattr(validate_check, "failing_positions",
                        lambda config, frame: real(config, frame)[1:])
    with pytest.raises(RuntimeError, match=r"customers .*listed \d+ failing rows but GX "
                                           r"counted \d+"):
        check_tables({"customers": customers()}, SCHEMA)
