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
from tests.clean.sample_run import SAMPLES, patient, same_cleaned
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



@pytest.fixture
def helper_takes_all(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Every column a helper may clean is offered, and the stage waits for the helper to
    begin each one: the helpers started (`started`) and the columns the stage took from
    one (`taken`)."""
    from migrator.clean.helper import ColumnHelper

    helper = importlib.import_module("migrator.clean.helper")
    monkeypatch.setattr(helper, "MIN_WORK", 0.0)
    monkeypatch.setattr(helper, "WORTH", -1.0)
    monkeypatch.setattr(helper, "_schedule", lambda jobs, ready: list(range(len(jobs))))
    monkeypatch.setenv("MIGRATOR_CLEAN_HELPERS", "1")
    seen: dict[str, Any] = {"started": [], "taken": 0}
    init, take = ColumnHelper.__init__, patient(ColumnHelper.take)

    def recording(self: ColumnHelper, jobs: list[Job], nice: int = 0) -> None:
        init(self, jobs, nice)
        seen["started"].append(self)

    def counted(self: ColumnHelper, *args: Any) -> object:
        outcome = take(self, *args)
        seen["taken"] += outcome is not None
        return outcome

    monkeypatch.setattr(ColumnHelper, "__init__", recording)
    monkeypatch.setattr(ColumnHelper, "take", counted)
    return seen


def test_a_helper_started_ahead_cleans_for_the_stage(helper_takes_all: dict[str, Any],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Started from the tables read so far (`start_helper`), the stage takes it instead
    of starting one, uses its columns, and closes it; the result is the stage's own."""
    name = "顧客台帳.xlsx"
    with monkeypatch.context() as alone_here:
        alone_here.setenv("MIGRATOR_CLEAN_HELPERS", "0")
        alone = clean(mapped(name), then=lambda *_: None)
    ahead = CleanAhead()
    ahead.start_helper(mapped(name))
    [early] = helper_takes_all["started"]
    assert early.alive
    assert {job.table for job in early.jobs} == {"customers"}  # the tables until matched
    got = clean(mapped(name), then=lambda *_: None, ahead=ahead)
    assert helper_takes_all["started"] == [early]  # the stage started none of its own
    assert helper_takes_all["taken"] >= 2 and not early.alive and ahead.started() is None
    same_cleaned(got, alone)


def test_a_helper_started_ahead_of_a_run_that_fails_is_stopped(
        helper_takes_all: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The sales read by a helper that never seems done, so the clean helper is started
    with the ledger's columns (none cleaned ahead here); then the mapping fails: that
    helper ends with the run."""
    from migrator.errors import MappingError
    from migrator.pipeline import find_duplicates
    from migrator.read.workers import Helper

    pipeline = importlib.import_module("migrator.pipeline")
    reader = importlib.import_module("migrator.read.reader")
    files = [SAMPLE_DATA / "顧客台帳.xlsx", SAMPLE_DATA / "売上明細.xlsx"]
    monkeypatch.setenv("MIGRATOR_READ_HELPERS", "1")
    monkeypatch.setattr(reader, "plan", lambda sizes, **_: [0, 1])
    monkeypatch.setattr(Helper, "answering", lambda self: False)
    monkeypatch.setattr(CleanAhead, "work", lambda self, mapped, waiting: None)

    def mapped_then_failed(*_args: Any) -> None:
        assert [h.alive for h in helper_takes_all["started"]] == [True]
        raise MappingError("the mapping broke")

    monkeypatch.setattr(pipeline, "_mapped", mapped_then_failed)
    with pytest.raises(MappingError, match="the mapping broke"):
        find_duplicates(files, mapping=SAMPLE_DATA / "mapping.yaml")
    [early] = helper_takes_all["started"]
    assert not early.alive and early.process.poll() is not None
