"""Progress reporting and the clock: the library says how far a step is; the CLI draws
the bars.

A stage takes `progress: Progress | None` and calls `progress(step, done, total)` as its
work advances (`done` of `total` units: bytes read, columns cleaned, tables checked,
rows loaded). The library never draws anything itself, so notebooks and tests can pass
their own callable, and the CLI stays thin.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[str, int, int], None]
"""progress(step, done, total): `done` of `total` units of `step` are finished."""


def silent(_step: str, _done: int, _total: int) -> None:
    """A Progress that shows nothing."""


def now_iso() -> str:
    """The current UTC time as people and the run report read it (ISO 8601, seconds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@contextmanager
def timed(seconds: dict[str, float], step: str) -> Iterator[None]:
    """Add the seconds the block takes to `seconds[step]`."""
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds[step] = seconds.get(step, 0.0) + time.perf_counter() - started
