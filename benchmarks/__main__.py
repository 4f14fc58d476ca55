"""Run the benchmarks: `make bench`, or `python -m benchmarks [NAME [OPTIONS]]`."""

from __future__ import annotations

import sys

from benchmarks import bench_clean, bench_profile, bench_read, bench_run, bench_timeline

BENCHES = {"clean": bench_clean.main, "read": bench_read.main, "profile": bench_profile.main,
           "run": bench_run.main, "timeline": bench_timeline.main}

if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] in BENCHES:
        BENCHES[args[0]](args[1:])
    else:
        for bench in BENCHES.values():
            bench(args)
