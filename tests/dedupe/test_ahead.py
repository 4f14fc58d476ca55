"""MatchAhead: a clean table matched in a helper while clean goes on gives what dedupe gives,
and only for the rows it was made from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from migrator import Mapping, apply_mapping, clean, dedupe, read_sources
from migrator.dedupe import ahead as ahead_module
from migrator.dedupe.ahead import MatchAhead
from migrator.demo import SOURCES as NAMES
from migrator.interpreters import HelperProcess
from migrator.pipeline import find_duplicates, run
from migrator.tables import CleanedTables, DedupedTables
from tests.conftest import SAMPLE_DATA

SOURCES = [SAMPLE_DATA / name for name in NAMES]
MAPPING = SAMPLE_DATA / "mapping.yaml"


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Every table of the sample data worth matching ahead (MIN_ROWS 1); what `pairs`
    answered (True: pairs made ahead) and the helpers started."""
    monkeypatch.setattr(ahead_module, "MIN_ROWS", 1)
    seen: dict[str, list[Any]] = {"used": [], "helpers": []}
    pairs, start = MatchAhead.pairs, ahead_module.start_helper

    def spy_pairs(self: MatchAhead, *args: Any) -> Any:
        got = pairs(self, *args)
        seen["used"].append(got is not None)
        return got

    def spy_start(*args: Any, **kwargs: Any) -> HelperProcess:
        process = start(*args, **kwargs)
        seen["helpers"].append(process)
        return process

    monkeypatch.setattr(MatchAhead, "pairs", spy_pairs)
    monkeypatch.setattr(ahead_module, "start_helper", spy_start)
    return seen


def cleaned_ahead() -> tuple[CleanedTables, MatchAhead]:
    mapped = apply_mapping(read_sources(SOURCES), Mapping.load(MAPPING))
    ahead = MatchAhead(mapped.schema, {t: len(f) for t, f in mapped.frames.items()})
    return clean(mapped, then=ahead.offer), ahead


def assert_same(a: DedupedTables, b: DedupedTables) -> None:
    assert a.frames.keys() == b.frames.keys()
    for name in a.frames:
        pd.testing.assert_frame_equal(a.frames[name], b.frames[name])
    for part in ("pairs", "clusters", "merges", "changes", "rejects"):
        pd.testing.assert_frame_equal(getattr(a, part), getattr(b, part))
    assert a.compared == b.compared


def test_pairs_made_ahead_are_the_ones_dedupe_makes(spied: dict[str, list[Any]]) -> None:
    """Customers are offered as soon as they are clean (contacts are matched within each
    customer, so only after it); dedupe takes their pairs and gets what it would make."""
    cleaned, ahead = cleaned_ahead()
    assert list(ahead._offers) == ["customers"]
    try:
        got = dedupe(cleaned, ahead=ahead)
    finally:
        ahead.close()
    assert spied["used"] == [True]
    assert got.counts()["customers"].merged > 0
    assert_same(got, dedupe(cleaned))
    assert all(p.poll() is not None for p in spied["helpers"])


def test_rows_changed_after_the_offer_are_matched_again(spied: dict[str, list[Any]]) -> None:
    """A notebook edits a clean customer before dedupe: the pairs made ahead are not
    theirs, so dedupe matches the rows as they are now."""
    cleaned, ahead = cleaned_ahead()
    customers = cleaned.frames["customers"]
    customers.loc[customers.index[0], "email"] = "someone.else@example.com"
    try:
        got = dedupe(cleaned, ahead=ahead)
    finally:
        ahead.close()
    assert spied["used"] == [False]
    assert_same(got, dedupe(cleaned))


def test_a_helper_of_another_version_leaves_the_matching_to_dedupe(
        spied: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ahead_module, "PROTOCOL", 99)  # the helper speaks 1: it exits
    cleaned, ahead = cleaned_ahead()
    try:
        got = dedupe(cleaned, ahead=ahead)
    finally:
        ahead.close()
    assert spied["used"] == [False] and spied["helpers"]
    assert_same(got, dedupe(cleaned))


def test_the_pipeline_matches_ahead_and_finds_the_same_duplicates(
        spied: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    got = find_duplicates(SOURCES, mapping=MAPPING)
    assert spied["used"] == [True]
    assert all(p.poll() is not None for p in spied["helpers"])
    monkeypatch.setenv("MIGRATOR_MATCH_HELPERS", "0")
    spied["helpers"].clear()
    plain = find_duplicates(SOURCES, mapping=MAPPING)
    assert spied["helpers"] == [] and spied["used"] == [True, False]
    assert_same(got, plain)


def test_records_already_stored_leave_the_matching_to_dedupe(
        spied: dict[str, list[Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Against a target that holds customers, blocking must see them too: nothing is
    matched ahead (no helper starts), and dedupe matches the rows with the stored ones;
    a table offered all the same (asked before the target was read) is left to dedupe."""
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    monkeypatch.setenv("MIGRATOR_MATCH_HELPERS", "0")
    run(SOURCES, mapping=MAPPING, to=url, rejects_dir=tmp_path)
    plain = find_duplicates(SOURCES, mapping=MAPPING, against=url)
    assert plain.counts()["customers"].merged > 0
    monkeypatch.delenv("MIGRATOR_MATCH_HELPERS")
    spied["helpers"].clear()
    spied["used"].clear()
    assert_same(find_duplicates(SOURCES, mapping=MAPPING, against=url), plain)
    assert spied["used"] == [] and spied["helpers"] == []
    cleaned, ahead = cleaned_ahead()  # told nothing of the target: customers are offered
    assert list(ahead._offers) == ["customers"]
    try:
        got = dedupe(cleaned, against=url, ahead=ahead)
    finally:
        ahead.close()
    assert spied["used"] == [] and all(p.poll() is not None for p in spied["helpers"])
    assert_same(got, plain)


def test_a_target_holds_rows_only_in_a_table_with_one(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from migrator.target import holds_rows

    url = f"sqlite:///{tmp_path / 'crm.db'}"
    assert not holds_rows(url, "customers") and not (tmp_path / "crm.db").exists()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE customers (customer_code TEXT)")
        conn.exec_driver_sql("CREATE TABLE sales (sale_id TEXT)")
        conn.exec_driver_sql("INSERT INTO customers VALUES ('C1')")
    engine.dispose()
    assert holds_rows(url, "customers")
    assert not holds_rows(url, "sales") and not holds_rows(url, "contacts")
    assert not holds_rows("not a url", "customers")


def test_columns_travel_to_the_helper_unchanged() -> None:
    """Text columns go joined (blanks, empty texts, surrogates kept); a text holding the
    separator, or a column of other values, goes pickled."""
    frame = pd.DataFrame({
        "texts": pd.Series(["a", None, "", "東京都", "\ud800x", np.nan], dtype=object),
        "separator": pd.Series(["a\x00b", "c", None, "d", "e", "f"], dtype=object),
        "numbers": pd.Series([1, 2.5, None, "x", 3, 4], dtype=object),
        "blank": pd.Series([None] * 6, dtype=object),
        "str": pd.Series(["p", None, "q", "r", "s", "t"], dtype="str"),
    })
    packed = ahead_module._pack(frame)
    assert [how for _, how, _ in packed] == ["text", "pickled", "pickled", "text", "text"]
    back = ahead_module._unpack(packed)
    assert list(back.columns) == list(frame.columns)
    for name in frame.columns:
        want = [None if pd.isna(v) else v for v in frame[name]]
        assert [None if pd.isna(v) else v for v in back[name]] == want, name


def test_an_offer_that_fails_leaves_the_matching_to_dedupe(
        spied: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    """Matching ahead is a speed-up only: when the table cannot be sent, clean goes on,
    the helper is stopped, and dedupe matches the table itself."""
    def broken(frame: pd.DataFrame) -> Any:
        raise ValueError("cannot pack")

    monkeypatch.setattr(ahead_module, "_pack", broken)
    cleaned, ahead = cleaned_ahead()
    assert ahead._offers == {} and spied["helpers"]
    assert all(p.poll() is not None for p in spied["helpers"])
    got = dedupe(cleaned, ahead=ahead)
    ahead.close()
    assert spied["used"] == [False]
    assert_same(got, dedupe(cleaned))


def test_a_target_that_does_not_answer_does_not_hold_clean_up(
        spied: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    """The target is slow to say whether it holds customers: clean waits READY_WAIT at
    most, matches nothing ahead, and no helper outlives the run."""
    import time

    def slow(url: str, table: str) -> bool:
        time.sleep(3)
        return False

    monkeypatch.setattr(ahead_module, "holds_rows", slow)
    monkeypatch.setattr(ahead_module, "READY_WAIT", 0.2)
    mapped = apply_mapping(read_sources(SOURCES), Mapping.load(MAPPING))
    ahead = MatchAhead(mapped.schema, {t: len(f) for t, f in mapped.frames.items()},
                       against="sqlite:///unused.db")
    began = time.perf_counter()
    ahead.offer("customers", mapped.frames["customers"], pd.DataFrame())
    assert time.perf_counter() - began < 2 and ahead._offers == {}
    ahead.close()
    assert all(p.poll() is not None for p in spied["helpers"])
