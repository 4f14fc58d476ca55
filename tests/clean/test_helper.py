"""Columns cleaned by the helper process come out exactly as if this process cleaned them,
and a helper that fails, is killed or runs other code costs nothing but its time."""

from __future__ import annotations

import importlib
import sys
import time
from typing import Any

import numpy as np
import pandas as pd
import pytest

from migrator.clean.base import Context
from migrator.clean.helper import ColumnHelper, Job
from migrator.clean.registry import get_transform
from migrator.tables import CleanedTables
from tests.clean.sample_run import SAMPLES, patient, run, same_cleaned

helper = importlib.import_module("migrator.clean.helper")

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the helper's timing notes are Linux pipes")


def _alone(name: str, monkeypatch: pytest.MonkeyPatch) -> CleanedTables:
    """`name` cleaned in this process only."""
    with monkeypatch.context() as m:
        m.setenv("MIGRATOR_CLEAN_HELPERS", "0")
        return run(name)


@pytest.fixture
def every_column_to_the_helper(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Offer every column a helper may clean, in the stage's order, and have the stage
    wait for the helper to begin each one: the helper cleans them all."""
    monkeypatch.setattr(helper, "MIN_WORK", 0.0)
    monkeypatch.setattr(helper, "WORTH", -1.0)
    monkeypatch.setattr(helper, "_schedule", lambda jobs, ready: list(range(len(jobs))))
    monkeypatch.setenv("MIGRATOR_CLEAN_HELPERS", "1")
    taken = {"helper": 0, "here": 0}
    take = patient(ColumnHelper.take)

    def counted(self: ColumnHelper, table: str, field: str, transform: str,
                values: pd.Series, region: str | None = None) -> object:
        outcome = take(self, table, field, transform, values, region)
        i = self.index.get((table, field))
        if i is not None and self.jobs[i].transform == transform:
            taken["helper" if outcome is not None else "here"] += 1
        return outcome

    monkeypatch.setattr(ColumnHelper, "take", counted)
    return taken


@pytest.mark.parametrize("name", SAMPLES)
def test_columns_the_helper_cleans_come_out_as_cleaned_here(
        name: str, every_column_to_the_helper: dict[str, int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    shared = run(name)
    alone = _alone(name, monkeypatch)
    assert every_column_to_the_helper["helper"] > 0
    same_cleaned(shared, alone)


@pytest.mark.parametrize("name", ["顧客台帳.xlsx", "部署別顧客.xlsx", "us_customers.xlsx"])
def test_columns_offered_in_parts_come_out_as_cleaned_here(
        name: str, every_column_to_the_helper: dict[str, int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every column in parts of a few rows: the stage waits for the helper to begin the
    first, then cleans the parts it has not begun; the parts laid end to end are the
    column cleaned here."""
    alone = _alone(name, monkeypatch)
    monkeypatch.setattr(helper, "SPLIT_ROWS", 3)
    owners: list[str] = []
    taking = ColumnHelper._take_parts

    def counted(self: ColumnHelper, jobs: list[int], transform: str,
                values: pd.Series) -> object:
        outcome = taking(self, jobs, transform, values)
        owners.extend(self.jobs[i].owner for i in jobs)
        return outcome

    monkeypatch.setattr(ColumnHelper, "_take_parts", counted)
    shared = run(name)
    assert "helper" in owners and len(owners) > 4
    same_cleaned(shared, alone)


_AWKWARD = ["(株)山田商事", None, "ﾔﾏﾀﾞ ｼｮｳｼﾞ", "", "  ", 42, "山田　太郎 様", "a@b.co",
            "Blue Harbor, Inc.", "(株)山田商事", 3.5, "Smith, John", "x@@y", "ｶﾌﾞｼｷｶﾞｲｼｬ",
            "山田 太郎", "有限会社 田中", None, "MR. Lee", "info@例え.jp", "株式会社 ABC"]


@pytest.mark.parametrize("transform", sorted(helper.COST))
@pytest.mark.parametrize("cut", [[10], [1, 7, 13], [5, 6, 19]])
def test_parts_laid_end_to_end_are_the_whole_column(transform: str, cut: list[int]) -> None:
    values = pd.Series(_AWKWARD * 3, index=range(100, 100 + 3 * len(_AWKWARD)))
    clean = get_transform(transform)
    whole = clean(values, Context())
    bounds = [0, *cut, len(values)]
    got = helper.joined([clean(values.iloc[a:b], Context())
                         for a, b in zip(bounds, bounds[1:], strict=False)])
    assert got is not None
    pd.testing.assert_series_equal(got.values, whole.values)
    pd.testing.assert_series_equal(got.reasons, whole.reasons)
    if whole.notes is None:
        assert got.notes is None or got.notes.isna().all()
    else:
        assert got.notes is not None
        pd.testing.assert_series_equal(got.notes, whole.notes)
    assert got.extra.keys() == whole.extra.keys()
    for name in whole.extra:
        pd.testing.assert_series_equal(got.extra[name], whole.extra[name])
    for rows in ("present", "failed"):
        mine, theirs = getattr(got, rows), getattr(whole, rows)
        assert (mine is None and theirs is None) or np.array_equal(mine, theirs), rows
    # `changed` is known per part only where the part's values are written alike
    # (`spread_changed`); None leaves the stage to compare the rows
    assert got.changed is None or np.array_equal(got.changed, whole.changed)


def test_a_helper_of_another_version_cleans_nothing_and_the_stage_cleans_all(
        every_column_to_the_helper: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    alone = _alone("顧客台帳.xlsx", monkeypatch)
    monkeypatch.setattr(helper, "PROTOCOL", helper.PROTOCOL + 1)  # only this side's
    shared = run("顧客台帳.xlsx")
    assert every_column_to_the_helper["helper"] == 0
    assert every_column_to_the_helper["here"] > 0
    same_cleaned(shared, alone)


def test_a_helper_killed_midway_leaves_its_columns_to_the_stage(
        every_column_to_the_helper: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    alone = _alone("顧客台帳.xlsx", monkeypatch)
    take = ColumnHelper.take

    def killing(self: ColumnHelper, *args: Any) -> object:
        outcome = take(self, *args)
        if outcome is not None and self.process.poll() is None:  # after its first column
            self.process.kill()
            self.process.wait()
        return outcome

    monkeypatch.setattr(ColumnHelper, "take", killing)
    shared = run("顧客台帳.xlsx")
    assert every_column_to_the_helper["helper"] >= 1
    assert every_column_to_the_helper["here"] >= 1
    same_cleaned(shared, alone)


def _names(n: int) -> pd.Series:
    return pd.Series([f"(株)サンプル{i}" if i % 3 else f"ｻﾝﾌﾟﾙ商事{i} 株式会社" for i in range(n)],
                     name="name")


def _from_the_end(jobs: list[Job], ready: float) -> list[int]:
    """Every job, the last first: `_schedule`'s order for jobs without estimates before
    it left out those this process reaches first (these tests are about the protocol)."""
    return list(reversed(range(len(jobs))))


def _wait_started(column: ColumnHelper, i: int) -> None:
    deadline = time.monotonic() + 60
    with column.cond:
        while i not in column.started and column.alive and time.monotonic() < deadline:
            column.cond.wait(0.05)
    assert i in column.started


def test_the_helpers_outcome_is_the_transforms_and_a_changed_column_is_cleaned_here(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(helper, "_schedule", _from_the_end)
    names, mails = _names(500), pd.Series([f" User{i}@Example.CO.JP " for i in range(500)])
    jobs = [Job("customers", "name", "company_name", names),
            Job("customers", "email", "email", mails)]
    column = ColumnHelper(jobs)
    try:
        _wait_started(column, 0)
        got = column.take("customers", "name", "company_name", names.copy())
        assert got is not None
        mine = get_transform("company_name")(names, Context())
        pd.testing.assert_series_equal(got.values, mine.values)
        pd.testing.assert_series_equal(got.reasons, mine.reasons)
        assert got.extra.keys() == mine.extra.keys()
        assert column.take("customers", "name", "company_name", names) is None  # once only
        _wait_started(column, 1)
        changed = mails.copy()
        changed.iloc[7] = "someone@else.example"  # filled meanwhile by an earlier field
        assert column.take("customers", "email", "email", changed) is None
    finally:
        column.close()
    assert column.process.poll() is not None


def test_a_column_this_process_takes_first_is_not_cleaned_by_the_helper(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(helper, "_schedule", _from_the_end)
    jobs = [Job("sales", "product", "width", pd.Series([f"ﾃｽﾄ{i}" for i in range(300)])),
            Job("sales", "sale_id", "width", pd.Series([f"Ｓ{i}" for i in range(300)]))]
    column = ColumnHelper(jobs)
    try:
        assert column.take("sales", "product", "width", jobs[0].values) is None  # not begun
        assert jobs[0].owner == "here"
        _wait_started(column, 1)
        assert column.take("sales", "sale_id", "width", jobs[1].values) is not None
        assert 0 not in column.started
    finally:
        column.close()


@pytest.mark.parametrize("transform", sorted(helper.COST))
def test_the_transforms_a_helper_runs_read_nothing_of_the_context(transform: str) -> None:
    values = pd.Series(["(株)山田商事", "ﾔﾏﾀﾞ ﾀﾛｳ", " Taro.Yamada@Example.jp ", "山田　太郎",
                        "ＡＢＣ－１２３", None, "03-1234-5678", "Acme Inc.", "12345"],
                       dtype=object)
    related = {"region": pd.Series(["CA"] * len(values)),
               "country": pd.Series(["US"] * len(values))}
    plain = get_transform(transform)(values, Context())
    other = get_transform(transform)(values, Context(region="US", day_first=True,
                                                     date1904=True, related=related))
    pd.testing.assert_series_equal(plain.values, other.values)
    pd.testing.assert_series_equal(plain.reasons, other.reasons)
    assert plain.extra.keys() == other.extra.keys()
    for name in plain.extra:
        pd.testing.assert_series_equal(plain.extra[name], other.extra[name])


def test_the_helper_takes_first_what_it_can_finish_before_this_process_gets_there() -> None:
    works = [0.08, 0.5, 0.4, 0.02, 0.08, 0.24, 0.23]  # the benchmark's estimates
    jobs = [Job("t", str(i), "width", pd.Series(dtype=object), work=w)
            for i, w in enumerate(works)]
    # this process cleans the codes and the company names (0.5 s) itself: it is there
    # before any helper could finish them, so they are not sent; the helper takes the
    # e-mail addresses onwards
    assert helper._schedule(jobs, 0.0) == [2, 3, 4, 5, 6]
    # started cold (0.5 s), it would not finish the sale ids before this process gets there:
    # it takes them after the sales' customer codes, as the first of the rest (this process
    # could be twice as slow as estimated)
    assert helper._schedule(jobs, 0.5) == [2, 3, 4, 6, 5]
    # a helper that could take everything is sent everything, in this process's order
    assert helper._schedule(jobs, -10.0) == list(range(len(works)))


def test_the_helper_takes_from_the_end_what_it_can_begin_before_this_process_gets_there(
        ) -> None:
    works = [0.08, 0.4, 0.066]  # a traced run's customer codes, e-mails and addresses
    jobs = [Job("t", str(i), "width", pd.Series(dtype=object), work=w)
            for i, w in enumerate(works)]
    # forked warm, it finishes the addresses first, then begins the e-mails (0.48 s on
    # it) before this process, twice as slow as estimated, gets there (2 x 0.16 s):
    # this process waits for them rather than clean them; the codes stay here
    assert helper._schedule(jobs, helper.FORKED) == [2, 1]
    # started cold, it could not begin them in time: they are not sent
    assert helper._schedule(jobs, helper.STARTUP) == [2]


def test_a_helper_forked_by_a_running_zygote_is_scheduled_as_ready_at_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    readies: list[float] = []

    def schedule(jobs: list[Job], ready: float) -> list[int]:
        readies.append(ready)
        return []

    monkeypatch.setattr(helper, "_schedule", schedule)
    monkeypatch.setenv("MIGRATOR_CLEAN_HELPERS", "1")
    job = Job("customers", "name", "company_name", _names(100), work=1.0)
    for warm in (True, False):
        monkeypatch.setattr(helper, "zygote_running", lambda warm=warm: warm)
        started = ColumnHelper([job])
        started.close()
    assert readies == [helper.FORKED, helper.STARTUP]


def test_no_helper_for_small_work_or_when_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    names = _names(10_000)
    assert ColumnHelper.start([Job("customers", "name", "company_name", names)]) is None
    monkeypatch.setattr(helper, "MIN_WORK", 0.0)
    monkeypatch.setenv("MIGRATOR_CLEAN_HELPERS", "0")
    assert ColumnHelper.start([Job("customers", "name", "company_name", names)]) is None
    monkeypatch.setenv("MIGRATOR_CLEAN_HELPERS", "1")
    started = ColumnHelper.start([Job("customers", "name", "company_name", names)])
    assert started is not None
    started.close()
    # a column of a few distinct values saves less than it costs to send
    few = pd.Series(["ﾃｽﾄ"] * 50_000)
    assert ColumnHelper.start([Job("sales", "product", "width", few)]) is None


def test_a_phone_column_offered_with_its_country_is_read_in_that_country(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(helper, "WORTH", -1.0)  # 400 numbers: worth sending here
    names = _names(400)
    phones = pd.Series([f"(415) 867-{i:04d}" if i % 2 else f"03-5501-{i:04d}"
                        for i in range(400)])
    column = ColumnHelper([Job("customers", "name", "company_name", names)])
    try:
        column.offer("customers", "fax", "phone", phones, "US")
        i = column.index[("customers", "fax")]
        _wait_started(column, i)
        assert column.take("customers", "fax", "phone", phones, "JP") is None  # not its own
        column.jobs[i].owner = ""
        got = column.take("customers", "fax", "phone", phones, "US")
        assert got is not None
        mine = get_transform("phone")(phones, Context(region="US"))
        pd.testing.assert_series_equal(got.values, mine.values)
        pd.testing.assert_series_equal(got.reasons, mine.reasons)
        assert got.values.iloc[1] == "+14158670001"
    finally:
        column.close()


@pytest.mark.parametrize("transform", sorted(helper.REGIONAL_COST))
def test_the_phone_transforms_read_only_the_region_of_the_context(transform: str) -> None:
    values = pd.Series(["03-5501-1201", "(415) 867-5309", "090-1234-5678", None, "x"])
    related = {"region": pd.Series(["CA"] * 5), "country": pd.Series(["US"] * 5)}
    plain = get_transform(transform)(values, Context(region="JP"))
    other = get_transform(transform)(values, Context(region="JP", day_first=True,
                                                     date1904=True, related=related))
    pd.testing.assert_series_equal(plain.values, other.values)
    pd.testing.assert_series_equal(plain.reasons, other.reasons)


def test_with_matching_meanwhile_the_helper_takes_only_the_tables_until_the_first_matched(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from migrator import ReadOptions, read_sources
    from migrator.clean import clean
    from migrator.mapping import Mapping, apply_mapping
    from tests.conftest import FIXTURES, SAMPLE_DATA

    name = "顧客台帳.xlsx"
    mapping = Mapping.load(FIXTURES / "mapping" / f"{name}.expected.yaml")
    tables = read_sources([SAMPLE_DATA / name], options=ReadOptions(include_hidden=True))
    offered: list[set[str]] = []

    def start(jobs: list[Job]) -> None:
        offered.append({job.table for job in jobs})

    monkeypatch.setattr(ColumnHelper, "start", staticmethod(start))
    alone = clean(apply_mapping(tables, mapping))
    matched: list[str] = []
    meanwhile = clean(apply_mapping(tables, mapping),
                      then=lambda table, frame, changes: matched.append(table))
    assert offered == [{"customers", "contacts"}, {"customers"}]  # contacts: after customers
    assert matched == ["customers", "contacts"]
    same_cleaned(meanwhile, alone)
