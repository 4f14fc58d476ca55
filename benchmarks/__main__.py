"""Run every benchmark: `make bench` or `python -m benchmarks [name...]`."""

from __future__ import annotations

import sys

from benchmarks import bench_read

BENCHES = {"read": bench_read.main}

if __name__ == "__main__":
    names = sys.argv[1:] or list(BENCHES)
    for name in names:
        BENCHES[name]()
