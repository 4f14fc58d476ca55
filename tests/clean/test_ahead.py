"""Columns cleaned ahead (while helpers still read) come out of `clean` exactly as cleaned
there, and only where the column still holds the values they were made from."""

from __future__ import annotations

import importlib
from collections import Counter
from typing import Any

import pandas as pd
import pytest

from migrator import ReadOptions, read_sources
from migrator.clean import clean
from migrator.clean.ahead import CleanAhead
from migrator.clean.helper import Job, taken_first
from migrator.mapping import Mapping, apply_mapping
from migrator.tables import MappedTables
from tests.clean.sample_run import SAMPLES, same_cleaned
from tests.conftest import FIXTURES, SAMPLE_DATA

stage = importlib.import_module("migrator.clean.stage")


def mapped(name: str) -> MappedTables:
    mapping = Mapping.load(FIXTURES / "mapping" / f"{name}.expected.yaml")
    tables = read_sources([SAMPLE_DATA / name], options=ReadOptions(include_hidden=True))
    return apply_mapping(tables, mapping)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """The transforms the stage runs itself, by name (one per column and rule)."""
    monkeypatch.setenv("MIGRATOR_CLEAN_HELPERS", "0")
    calls: Counter[str] = Counter()
    get = stage.get_transform

    def counting(name: str) -> Any:
        calls[name] += 1
        return get(name)

    monkeypatch.setattr(stage, "get_transform", counting)
    return calls


@pytest.mark.parametrize("name", SAMPLES)
def test_columns_cleaned_ahead_come_out_as_cleaned_in_the_stage(
        name: str, counted: Counter[str]) -> None:
    expected = clean(mapped(name))
    here = counted.copy()
    ahead = CleanAhead()
    ahead.work(mapped(name), lambda: True)
    made = Counter(transform for _, _, transform in ahead.outcomes)
    counted.clear()
    same_cleaned(clean(mapped(name), ahead=ahead), expected)
    assert not ahead.outcomes  # every one was taken
    # the stage ran none of the transforms made ahead
    assert counted == here - made
    if name == "顧客台帳.xlsx":
        assert made["company_name"] == 1 and made["email"] == 1


def test_a_column_that_changed_since_is_cleaned_in_the_stage(counted: Counter[str]) -> None:
    name = "顧客台帳.xlsx"
    ahead = CleanAhead()
    ahead.work(mapped(name), lambda: True)
    assert ("customers", "name", "company_name") in ahead
    fixed, again = mapped(name), mapped(name)
    for tables in (fixed, again):
        tables.frames["customers"].loc[0, "name"] = "株式会社 手直し商事"  # a hand fix, say
    expected = clean(again)
    counted.clear()
    got = clean(fixed, ahead=ahead)
    same_cleaned(got, expected)
    assert counted["company_name"] == 1  # the names were cleaned again, here
    assert counted["email"] == 0  # the e-mail addresses had not changed
    assert got.frames["customers"].loc[0, "name"] == expected.frames["customers"].loc[0, "name"]


def test_the_work_stops_when_the_wait_is_over() -> None:
    answers = iter([True, False])
    ahead = CleanAhead()
    ahead.work(mapped("顧客台帳.xlsx"), lambda: next(answers))
    # one column, the costliest by estimate: the company names
    assert list(ahead.outcomes) == [("customers", "name", "company_name")]
    nothing = CleanAhead()
    nothing.work(mapped("顧客台帳.xlsx"), lambda: False)
    assert not nothing.outcomes


def _distinct(n: int, prefix: str) -> pd.Series:
    return pd.Series([f"{prefix}{i:06d}" for i in range(n)], dtype="str")


def test_columns_a_helper_would_clean_first_are_left_to_it() -> None:
    codes = Job("customers", "customer_code", "width", _distinct(100_000, "C"))
    names = Job("customers", "name", "company_name", _distinct(100_000, "株式会社"))
    mails = Job("customers", "email", "email", _distinct(100_000, "a") + "@example.jp")
    # the benchmark's shape: this process reaches the codes and the names before a helper
    # could finish them; the helper finishes the e-mail addresses first
    assert taken_first([codes, names, mails]) == [mails]
    assert taken_first([codes]) == []
