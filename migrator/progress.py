"""Progress reporting: the library says how far a step is; the CLI draws the bars.

A stage takes `progress: Progress | None` and calls `progress(step, done, total)` as its
work advances (`done` of `total` units: bytes read, columns cleaned, tables checked,
rows loaded). The library never draws anything itself, so notebooks and tests can pass
their own callable, and the CLI stays thin.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]
"""progress(step, done, total): `done` of `total` units of `step` are finished."""


def silent(_step: str, _done: int, _total: int) -> None:
    """A Progress that shows nothing."""
