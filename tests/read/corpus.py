"""Run the mutant corpus through read_sources, and a subset through the pipeline.

    .venv/bin/python -m tests.read.corpus OUT_DIR [SEED]

prints one JSON line per file (what happened, in how many seconds, at what peak
memory), then a summary line. It runs in its own process so that the memory it
measures is its own, and so that a file that aborted the interpreter would name
itself (each file is announced before it is read) instead of ending the test run.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

from tests.read.mutants import Mutant, generate, peak_rss_mb

PIPELINE_EVERY = 20
"""One file in this many of those that read goes on through the pipeline."""


@dataclass
class Outcome:
    """What one file did."""

    name: str
    kind: str
    seed: str
    stage: str
    """`read` (read_sources) or `run` / `prepare` (the pipeline)."""
    result: str
    """`read`, `refused` (one sentence), `bad_refusal` (an error that is not one sentence)
    or `crashed` (any other exception: a traceback for the user)."""
    message: str
    seconds: float
    peak_mb: int
    """The process's peak memory while this file was read: VmHWM, reset before each."""
    tables: int = 0


def _reset_peak() -> None:
    """Start VmHWM again at the current RSS (Linux), so each file's peak is its own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def attempt(mutant: Mutant, stage: str, folder: Path) -> Outcome:
    """Read (or run) one file; any exception but a one-sentence MigratorError is a finding."""
    from migrator import MigratorError, read_sources
    from migrator.pipeline import prepare, run

    _reset_peak()
    started = time.perf_counter()
    tables, message, result = 0, "", "read"
    try:
        if stage == "read":
            tables = len(read_sources([mutant.path]))
        elif stage == "run":
            report = run([mutant.path], auto=True, dry_run=True, to=f"sqlite:///{folder}/t.db",
                         rejects_dir=folder / "rejects")
            tables, message = len(report.tables), report.status
        else:
            tables = len(prepare([mutant.path], auto=True).frames)
    except MigratorError as err:
        message = str(err)
        one_sentence = "\n" not in message and "Traceback" not in message and len(message) < 500
        named = stage != "read" or message.startswith(f"{mutant.path.name}: ")
        result = "refused" if one_sentence and named else "bad_refusal"
    except Exception as err:  # noqa: BLE001 - the finding is that it was raised at all
        result = "crashed"
        message = "".join(traceback.format_exception_only(err)).strip()[-400:] + " @ " + \
            "".join(traceback.format_tb(err.__traceback__)[-1:]).strip()[-300:]
    return Outcome(mutant.path.name, mutant.kind, mutant.seed, stage, result, message,
                   round(time.perf_counter() - started, 3), peak_rss_mb(), tables)


def main(out: Path, seed: int, shard: int = 0, shards: int = 1) -> None:
    """Read every `shards`-th file of the corpus, from number `shard` on: the test runs
    one process per core."""
    started = time.perf_counter()
    mutants = generate(out / "files", seed)[shard::shards]
    generated = time.perf_counter() - started
    read: list[Mutant] = []
    refused: list[Mutant] = []
    peaks = [peak_rss_mb()]
    for mutant in mutants:
        print(json.dumps({"start": mutant.path.name}), flush=True)
        outcome = attempt(mutant, "read", out)
        (read if outcome.result == "read" else refused).append(mutant)
        peaks.append(outcome.peak_mb)
        print(json.dumps(asdict(outcome), ensure_ascii=False), flush=True)
    subset = read[::PIPELINE_EVERY] + refused[::PIPELINE_EVERY * 4]
    for i, mutant in enumerate(subset):
        print(json.dumps({"start": mutant.path.name}), flush=True)
        outcome = attempt(mutant, "run" if i % 2 else "prepare", out)
        peaks.append(outcome.peak_mb)
        print(json.dumps(asdict(outcome), ensure_ascii=False), flush=True)
    print(json.dumps({"summary": True, "files": len(mutants), "peak_mb": max(peaks),
                      "generate_seconds": round(generated, 2),
                      "seconds": round(time.perf_counter() - started, 2)}), flush=True)


if __name__ == "__main__":
    part, whole = (sys.argv[3] if len(sys.argv) > 3 else "0/1").split("/")
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 17, int(part), int(whole))
