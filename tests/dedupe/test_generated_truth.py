"""dedupe on 10,000 generated customer rows with known true duplicates (the generator of
benchmarks/dedupe_truth.py: legal forms, width, old kanji, typos, missing fields, and
namesakes in other cities that must stay apart), scored pair by pair."""

from __future__ import annotations

import pytest

from benchmarks.bench_dedupe import run_migrator
from benchmarks.dedupe_truth import generate


@pytest.fixture(scope="module")
def scored() -> dict[str, float]:
    return run_migrator(generate(10_000))


def test_dedupe_generated_precision_and_recall(scored: dict[str, float]) -> None:
    assert scored["stage_precision"] >= 0.99 and scored["stage_recall"] >= 0.95
    assert scored["cluster_precision"] >= 0.99 and scored["cluster_recall"] >= 0.95


def test_dedupe_generated_never_compares_all_pairs(scored: dict[str, float]) -> None:
    rows = scored["rows_reaching_dedupe"]
    assert scored["comparisons"] < rows * 2  # near-linear: all pairs would be ~50,000,000
