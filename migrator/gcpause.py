"""Fewer garbage-collector passes while a stage builds millions of objects.

CPython runs a young-generation pass every 700 new container objects (lists, tuples,
dicts) and, every 100 of those, a pass over everything alive. Reading 400,000 rows makes
400,000 row lists, and each full pass walks all of them again: on the 100,000-customer
benchmark, raising the thresholds while a stage runs took `prepare` from 41.7 s to 31.8 s
at the same peak memory. The previous thresholds come back when the stage returns.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

THRESHOLDS = (100_000, 50, 100)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the collector's thresholds for the block (or the decorated call); restore them."""
    saved = gc.get_threshold()
    if saved[0] < THRESHOLDS[0]:
        gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


@contextmanager
def no_collections() -> Iterator[None]:
    """No collector pass at all in the block; the collector as it was after it.

    For a block whose millions of new containers live until it ends and are freed by
    their reference counts: a sheet's rows, as calamine lays them out, and the lists and
    arrays made from them. Every young-generation pass in it walks all of them in vain
    (two passes of 30 and 55 ms for the benchmark's 1,200,000-cell ledger, with
    `fewer_collections`' thresholds), and they are gone before the next. Garbage in
    cycles (an openpyxl workbook) waits for the first pass after the block.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def frozen_after() -> Iterator[Callable[[Callable[[], object]], object]]:
    """A `then_freeze(work)` for the block: it runs `work` (an import), then moves every
    object alive to the collector's permanent generation, out of its passes, until the
    block ends.

    Why: Great Expectations' import leaves some 120,000 containers that live as long as
    the process; until they reach the oldest generation, every pass over the younger
    ones walks them (a 55-86 ms pass and a 24 ms one per run here). What else is alive
    then is frozen too, and back to the oldest generation when the block ends; nothing
    is frozen when something already was (a server that freezes before it forks).
    """
    froze = False

    def then_freeze(work: Callable[[], object]) -> object:
        nonlocal froze
        done = work()
        if not froze and gc.get_freeze_count() == 0:
            gc.freeze()
            froze = True
        return done

    try:
        yield then_freeze
    finally:
        if froze:
            gc.unfreeze()
