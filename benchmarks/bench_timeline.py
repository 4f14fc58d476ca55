"""Where one run's time goes: when each step ran, how many cores idled, and which process
used the CPU, for the run benchmark's files (`bench_run`) into a fresh PostgreSQL schema.

The run benchmark gives each stage's seconds; on two cores its stages overlap (helpers
read, clean and match beside this process, the server builds the keys beside
validation), and what bounds the run is the busiest core, not a stage. So this runs
`pipeline.run` once in this process with a progress callback that stamps the first and
last time each step (`reading`, `cleaning`, `loading`, `validating`) is reported, and a
process that reads /proc every 50 ms: the idle core-seconds of the machine per 0.5 s,
and the CPU seconds of this process, of its helpers (the processes it started, and
theirs), of PostgreSQL's processes and of the rest (the sampler's own among them). A
process that ended between two reads loses at most 50 ms.

The sampler is a fork of this process, not a thread of it: a run that finds another
thread in its process starts its zygote as a fresh interpreter instead of a fork of
itself (`migrator.zygote`), which here began the read helper 0.45 s later than in the
run benchmark; sampled from a thread, the timeline was of another run. The sampler
costs the machine a little CPU: compare runs of this tool with each other, not with the
run benchmark's seconds. Linux only (/proc).

    python -m benchmarks timeline [--rows N] [--db URL]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import select
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_run import (
    DB,
    RESULTS,
    fresh_schema,
    make_ledger,
    make_mapping,
    make_sales_parts,
)

INTERVAL = 0.05
"""Seconds between two reads of /proc."""
BUCKET = 0.5
"""Seconds per idle figure."""


class _Sampler:
    """Reads /proc every INTERVAL seconds in a forked process: the machine's idle time, and
    each process's CPU time (the last reading of a process that ended counts). Its
    readings come back through a pipe when the block ends."""

    def __init__(self) -> None:
        self.tick = os.sysconf("SC_CLK_TCK")
        self.idle: list[tuple[float, float]] = []
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[float, str, int]] = {}
        self.pid = 0
        self._stop = -1
        self._readings = -1

    def __enter__(self) -> _Sampler:
        stop_r, stop_w = os.pipe()
        back_r, back_w = os.pipe()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        self.pid = os.fork()
        if self.pid == 0:  # the sampler: read until the parent closes its end, send, leave
            code = 1
            try:
                os.close(stop_w)
                os.close(back_r)
                self._read()
                while not select.select([stop_r], [], [], INTERVAL)[0]:
                    self._read()
                self._read()
                with os.fdopen(back_w, "wb") as back:
                    pickle.dump((self.idle, self.first, self.last), back)
                code = 0
            finally:
                os._exit(code)
        os.close(stop_r)
        os.close(back_w)
        self._stop, self._readings = stop_w, back_r
        return self

    def __exit__(self, *_exc: object) -> None:
        os.close(self._stop)
        with os.fdopen(self._readings, "rb") as readings:
            data = readings.read()
        os.waitpid(self.pid, 0)
        if data:
            self.idle, self.first, self.last = pickle.loads(data)

    def _read(self) -> None:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()
        self.idle.append((time.time(), (int(fields[4]) + int(fields[5])) / self.tick))
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    text = stat.read()
            except OSError:  # it ended meanwhile
                continue
            name = text[text.index("(") + 1:text.rindex(")")]
            rest = text.rsplit(")", 1)[1].split()
            cpu = (int(rest[11]) + int(rest[12])) / self.tick
            pid = int(entry)
            self.first.setdefault(pid, cpu)
            self.last[pid] = (cpu, name, int(rest[1]))  # rest[1]: the parent's pid

    def cpu_by_role(self) -> dict[str, float]:
        """CPU seconds used while sampling: this process, its helpers, PostgreSQL, the rest."""
        ours = {os.getpid()}
        changed = True
        while changed:  # the helpers: this process's descendants, the zygote's children too
            found = {pid for pid, (_, _, parent) in self.last.items() if parent in ours}
            changed = not found <= ours
            ours |= found
        roles = {"this process": 0.0, "helpers": 0.0, "postgres": 0.0, "other": 0.0}
        for pid, (cpu, name, _) in self.last.items():
            used = cpu - self.first.get(pid, cpu)
            role = ("this process" if pid == os.getpid()
                    else "helpers" if pid in ours and pid != self.pid
                    else "postgres" if name.startswith("postgres") else "other")
            roles[role] += used
        return {role: round(seconds, 2) for role, seconds in roles.items()}

    def idle_per_bucket(self, start: float) -> list[float]:
        """Idle core-seconds per BUCKET seconds from `start`."""
        buckets: dict[int, float] = {}
        for (t1, i1), (t2, i2) in zip(self.idle, self.idle[1:], strict=False):
            if t2 >= start:
                key = int((t1 - start) // BUCKET)
                buckets[key] = buckets.get(key, 0.0) + (i2 - i1)
        return [round(buckets.get(k, 0.0), 2) for k in range(max(buckets, default=-1) + 1)]


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks timeline")
    parser.add_argument("--rows", type=int, default=100_000, help="customers in the ledger")
    parser.add_argument("--db", default=DB, help="PostgreSQL URL without a query")
    args = parser.parse_args(argv)
    if not Path("/proc/stat").exists():
        raise SystemExit("timeline reads /proc: Linux only")
    ledger, sales = make_ledger(args.rows), make_sales_parts(3 * args.rows, args.rows)
    mapping = make_mapping(ledger, sales)
    steps: dict[str, list[float]] = {}

    def progress(step: str, _done: int, _total: int) -> None:
        steps.setdefault(step, [time.time(), 0.0])[1] = time.time()

    import migrator.pipeline as pipeline
    from migrator import zygote
    from migrator.read.settings import ReadLimits, ReadOptions

    # as `bench_run.scale`: the 1,000,000-customer ledger holds 12 million cells
    options = ReadOptions(limits=ReadLimits(max_cells=100_000_000))
    with fresh_schema(args.db) as url, tempfile.TemporaryDirectory() as tmp, \
            _Sampler() as sampler:
        start = time.time()
        try:
            report = pipeline.run([ledger, *sales], mapping=mapping, to=url,
                                  rejects_dir=Path(tmp), options=options, progress=progress)
        finally:
            zygote.stop()
        seconds = time.time() - start
    spans = {step: [round(first - start, 2), round(last - start, 2)]
             for step, (first, last) in sorted(steps.items(), key=lambda s: s[1][0])}
    result: dict[str, Any] = {
        "customers": args.rows, "sales": 3 * args.rows, "seconds": round(seconds, 2),
        "stages": {k: round(v, 2) for k, v in report.seconds.items()}, "steps": spans,
        "idle_core_seconds_per_bucket": sampler.idle_per_bucket(start),
        "bucket_seconds": BUCKET, "cpu_seconds": sampler.cpu_by_role()}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "timeline.json").write_text(json.dumps(result, indent=2))
    print(f"timeline of one run, {args.rows:,} customers + {3 * args.rows:,} sales into "
          f"PostgreSQL: {seconds:.2f} s on {os.cpu_count()} cores")
    print("  stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in result["stages"].items()))
    for step, (first, last) in spans.items():
        print(f"  {step:<11} reported from {first:6.2f} to {last:6.2f} s")
    print(f"  idle core-seconds per {BUCKET} s: "
          + " ".join(f"{v:.1f}" for v in result["idle_core_seconds_per_bucket"]))
    print("  CPU seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in result["cpu_seconds"].items()))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
