"""A thousand damaged and hostile files: each is read, or refused in one sentence.

The corpus is made by tests/read/mutants.py from the repository's own spreadsheets and
run by tests/read/corpus.py in a child process, which measures its own peak memory and
names the file it was on if something ended the interpreter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from typing import Any

import pytest

from tests.conftest import ROOT

PEAK_MB = 1024
"""No file takes more (about 340 MB measured, the libraries' 300 included); a bomb read
in full would."""
FILE_SECONDS = 60
"""No file may take longer: a bomb read in full would take many minutes. The slowest, an
ODS whose repeated rows expand to 1,000,000, takes about 11 s alone on this machine and
twice that with the corpus read on both cores of a busy one."""


pytestmark = pytest.mark.xdist_group("mutants")
"""Under pytest-xdist both tests run on one worker, so the module's corpus is built once."""

SHARDS = 2
"""Processes reading the corpus at once: the test waits for them, so both cores work."""

Corpus = tuple[list[dict[str, Any]], dict[str, Any]]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """Every file's outcome, and the summary line; made and run once for both tests, in
    one process per core."""
    shards = max(1, min(SHARDS, os.cpu_count() or 1))
    folders = [tmp_path_factory.mktemp("mutants") for _ in range(shards)]
    running = []
    for i, folder in enumerate(folders):
        with (folder / "out.jsonl").open("w") as out, (folder / "err.txt").open("w") as err:
            running.append(subprocess.Popen(
                [sys.executable, "-m", "tests.read.corpus", str(folder), "17", f"{i}/{shards}"],
                cwd=ROOT, stdout=out, stderr=err))
    outcomes: list[dict[str, Any]] = []
    summaries = []
    for proc, folder in zip(running, folders, strict=True):
        code = proc.wait(timeout=600)
        lines = [json.loads(line) for line in (folder / "out.jsonl").read_text().splitlines()]
        started = [line["start"] for line in lines if "start" in line]
        err = (folder / "err.txt").read_text()
        assert code == 0, (f"the corpus process ended ({code}) on "
                           f"{started[-1] if started else '?'}: {err[-1500:]}")
        outcomes += [line for line in lines if "result" in line]
        summaries.append(lines[-1])
    return outcomes, {"files": sum(s["files"] for s in summaries),
                      "peak_mb": max(s["peak_mb"] for s in summaries)}


def test_mutants_are_read_or_refused_in_one_sentence(corpus: Corpus) -> None:
    outcomes, summary = corpus
    read = [o for o in outcomes if o["stage"] == "read"]
    assert summary["files"] == len(read) >= 1000
    findings = [f"{o['stage']} {o['name']} ({o['kind']} of {o['seed']}): {o['message']}"
                for o in outcomes if o["result"] not in ("read", "refused")]
    assert findings == []
    kinds = Counter(o["kind"].split(".")[0] for o in read)
    assert {k for k, n in kinds.items() if n >= 10} >= {"zip", "sheet", "csv", "renamed", "bomb"}
    assert {o["result"] for o in read if o["kind"] == "zip.flip_in_member"} == {"refused"}
    assert summary["peak_mb"] < PEAK_MB
    slow = [(o["name"], o["seconds"]) for o in outcomes if o["seconds"] > FILE_SECONDS]
    assert slow == []


def test_mutants_pipeline_subset_runs_or_refuses(corpus: Corpus) -> None:
    outcomes, _ = corpus
    pipeline = Counter((o["stage"], o["result"], o["message"] if o["stage"] == "run" and
                        o["result"] == "read" else "") for o in outcomes if o["stage"] != "read")
    assert sum(pipeline.values()) >= 25
    assert pipeline[("run", "read", "succeeded")] >= 5 and pipeline[("prepare", "read", "")] >= 5
    assert {stage for stage, result, _ in pipeline if result == "refused"} == {"run", "prepare"}
