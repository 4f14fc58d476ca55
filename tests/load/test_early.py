"""Rows written before dedupe ends (`early.py`): the sales go into the load's new tables
from clean's frame, and once dedupe is done the rows it re-pointed or took out are made
what it left, so the target holds exactly what the usual load writes."""

from __future__ import annotations

import importlib
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from migrator.errors import RejectReason
from migrator.load.early import Early, moved_rows
from migrator.load.prepare import prepare
from migrator.pipeline import find_duplicates, run
from migrator.rejects import REJECT_COLUMNS, concat_frames, rejects_frame
from migrator.schema import load_schema
from tests.conftest import SAMPLE_DATA, scratch_database
from tests.load.test_ahead import MAPPING, content, started, tables

early = importlib.import_module("migrator.load.early")
load_ahead = importlib.import_module("migrator.load.ahead")
pipeline = importlib.import_module("migrator.pipeline")

EVERY_SOURCE = [*sorted(SAMPLE_DATA.glob("*.xlsx")), SAMPLE_DATA / "shop_export_cp932.csv"]
"""Every sample file: the same clients typed by several departments merge."""


def settled_early(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Per table settled after being written early, how many of its rows dedupe changed."""
    seen: list[tuple[str, int]] = []
    settle = early.settle_early

    def watched(conn: Any, written: Any, rows: Early, frame: pd.DataFrame,
                *args: Any, **kwargs: Any) -> Any:
        moved = moved_rows(rows, frame)
        seen.append((rows.table.name, -1 if moved is None else int(moved.sum())))
        return settle(conn, written, rows, frame, *args, **kwargs)

    monkeypatch.setattr(importlib.import_module("migrator.load.sql"), "settle_early", watched)
    return seen


def merged_codes() -> list[str]:
    """Codes of customers that merge into another (their contacts are re-pointed)."""
    changes = find_duplicates(EVERY_SOURCE, mapping=MAPPING).changes
    repointed = changes[changes["rule"] == "repointed_to_survivor:customers"]
    return list(dict.fromkeys(repointed["before"].astype(str)))


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_sales_written_before_dedupe_are_repointed_as_the_usual_load_writes_them(
        target_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three sales name customers that merge: dedupe re-points them after they were
    written, and they are written again; the target is the usual load's."""
    codes = merged_codes()[:3]
    assert len(codes) == 3
    cleaning = pipeline.clean

    def naming_merged_customers(*args: Any, **kwargs: Any) -> Any:
        cleaned = cleaning(*args, **kwargs)
        cleaned.frames["sales"].loc[[5, 6, 7], "customer_code"] = codes
        return cleaned

    monkeypatch.setattr(pipeline, "clean", naming_merged_customers)
    made = started(monkeypatch)
    seen = settled_early(monkeypatch)
    preparing = load_ahead.prepare
    prepared: list[tuple[str, str]] = []

    def by_thread(name: str, *args: Any) -> Any:
        prepared.append((threading.current_thread().name, name))
        return preparing(name, *args)

    monkeypatch.setattr(load_ahead, "prepare", by_thread)
    ahead = run(EVERY_SOURCE, mapping=MAPPING, to=target_url, rejects_dir=tmp_path / "a")
    assert [load.settled for load in made] == [True] and seen == [("sales", 3)]
    # the sales are prepared once, by the load's thread; the rest by the caller's
    assert sorted(prepared) == [("MainThread", "contacts"), ("MainThread", "customers"),
                                ("migrator-load-ahead", "sales")]
    with scratch_database("postgresql", tmp_path / "plain") as plain_url:
        started(monkeypatch, ahead=False)
        plain = run(EVERY_SOURCE, mapping=MAPPING, to=plain_url, rejects_dir=tmp_path / "b")
        assert content(target_url) == content(plain_url)
    assert tables(ahead) == tables(plain)
    assert ahead.tables["sales"].inserted == ahead.tables["sales"].rows_loaded > 0
    stored = {row[0] for row in content(target_url)["customers"]}
    assert not {repr(code) for code in codes} & stored  # merged: only survivors are stored


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_sales_whose_keys_repeat_wait_for_dedupe(
        target_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two sales with one slip number: dedupe rejects the second, so the sales cannot go
    in before it ends (their key would not hold); they go in with the other tables."""
    cleaning = pipeline.clean

    def repeated_slip(*args: Any, **kwargs: Any) -> Any:
        cleaned = cleaning(*args, **kwargs)
        sales = cleaned.frames["sales"]
        sales.loc[1, "sale_id"] = sales.loc[0, "sale_id"]
        return cleaned

    monkeypatch.setattr(pipeline, "clean", repeated_slip)
    made = started(monkeypatch)
    seen = settled_early(monkeypatch)
    ahead = run(EVERY_SOURCE, mapping=MAPPING, to=target_url, rejects_dir=tmp_path / "a")
    assert [load.settled for load in made] == [True] and seen == []
    with scratch_database("postgresql", tmp_path / "plain") as plain_url:
        started(monkeypatch, ahead=False)
        plain = run(EVERY_SOURCE, mapping=MAPPING, to=plain_url, rejects_dir=tmp_path / "b")
        assert content(target_url) == content(plain_url)
    assert tables(ahead) == tables(plain)
    assert ahead.tables["sales"].rows_rejected >= 1


def one_sale_less(deduped: Any) -> None:
    sales = deduped.frames["sales"]
    taken = rejects_frame("sales", sales.iloc[:1], [RejectReason.DUPLICATE_KEY.at("x")])
    deduped.frames["sales"] = sales.iloc[1:].reset_index(drop=True)
    deduped.rejects = concat_frames([deduped.rejects, taken], REJECT_COLUMNS)


def one_sale_rekeyed(deduped: Any) -> None:
    sales = deduped.frames["sales"].copy()
    sales.loc[0, "sale_id"] = "S-REKEYED"
    deduped.frames["sales"] = sales


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("change", [one_sale_less, one_sale_rekeyed])
def test_an_early_table_dedupe_shortened_or_rekeyed_is_written_again(
        target_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Any) -> None:
    """Rows of a table written early that dedupe took out, or whose key it changed:
    every row is written again from the frame dedupe left, in the same transaction; the
    target is the usual load's."""
    deduplicate = pipeline.dedupe

    def changed(*args: Any, **kwargs: Any) -> Any:
        deduped = deduplicate(*args, **kwargs)
        change(deduped)
        return deduped

    monkeypatch.setattr(pipeline, "dedupe", changed)
    made = started(monkeypatch)
    seen = settled_early(monkeypatch)
    ahead = run(EVERY_SOURCE, mapping=MAPPING, to=target_url, rejects_dir=tmp_path / "a")
    assert [load.settled for load in made] == [True] and seen == [("sales", -1)]
    with scratch_database("postgresql", tmp_path / "plain") as plain_url:
        started(monkeypatch, ahead=False)
        plain = run(EVERY_SOURCE, mapping=MAPPING, to=plain_url, rejects_dir=tmp_path / "b")
        assert content(target_url) == content(plain_url)
    assert tables(ahead) == tables(plain)


def frames() -> tuple[Early, pd.DataFrame]:
    spec = load_schema("crm").tables["sales"]
    before = pd.DataFrame({"sale_id": ["S1", "S2", "S3"], "customer_code": ["C1", "C2", None],
                           "amount": [100, 200, 300], "_source_file": ["f.xlsx"] * 3,
                           "_source_sheet": ["s"] * 3, "_source_row": [2, 3, 4]})
    return Early(prepare("sales", spec, before, "r" * 12), before), \
        before.reset_index(drop=True)


def test_moved_rows_are_the_rows_whose_values_dedupe_changed() -> None:
    rows, after = frames()
    assert moved_rows(rows, after).tolist() == [False, False, False]
    after["customer_code"] = ["C1", "C9", None]
    assert moved_rows(rows, after).tolist() == [False, True, False]
    after["customer_code"] = ["C1", "C2", "C3"]  # a missing value filled
    assert moved_rows(rows, after).tolist() == [False, False, True]


def test_moved_rows_are_none_when_rows_or_keys_are_not_the_written_ones() -> None:
    rows, after = frames()
    assert moved_rows(rows, after.iloc[1:].reset_index(drop=True)) is None
    assert moved_rows(rows, after.iloc[::-1].reset_index(drop=True)) is None
    assert moved_rows(rows, after.drop(columns=["amount"])) is None
    assert moved_rows(rows, after.assign(currency="JPY")) is None  # a field it did not hold
    after["sale_id"] = ["S1", "S2", "S9"]
    assert moved_rows(rows, after) is None


def test_an_unchanged_column_is_told_by_its_memory_a_copy_by_its_values() -> None:
    rows, after = frames()
    copied = after.copy(deep=True)
    assert not early._unchanged(rows.before["customer_code"], copied["customer_code"])
    assert early._unchanged(rows.before["customer_code"], after["customer_code"])
    assert moved_rows(rows, copied).tolist() == [False, False, False]
    assert np.array_equal(rows.table.values["customer_code"],
                          np.array(["C1", "C2", None], dtype=object))
