"""Clean some columns in another process while this one cleans the rest.

Cleaning is Python under one GIL: the 100,000-customer benchmark's 400,000 rows take
about 2.5 s on one core while the second idles. A column whose transform reads nothing
but the column (names, e-mail addresses, widths) can be cleaned anywhere and in any
order, so a helper process (a fresh interpreter, `migrator.interpreters`) takes the
columns it can finish, by estimate, before this process gets to them, then the others
from the end of the stage's order; a table's later phone columns join it as soon as their
country is known. This process works from the start, and cleans a column itself when
the helper has not begun it. The stage still logs every change,
applies every reason and keeps every lineage here, from the helper's Outcome as from
its own.

A column the helper cleaned is used only if it still holds the values sent (a full
name's parts, routed by an earlier transform, may have filled it meanwhile); else, and
when the helper fails or was started by another version of migrator, this process
cleans the column itself.
"""

from __future__ import annotations

import os
import pickle
import queue
import select
import struct
import sys
import tempfile
import threading
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

import numpy as np
import pandas as pd

from migrator.clean.base import Context, Outcome
from migrator.interpreters import answer_stream, spare_cores, start_helper, stop_helper
from migrator.zygote import running as zygote_running

COST = {"company_name": 5.0, "email": 4.0, "person_name": 3.0, "kana": 2.5, "width": 0.8}
"""Transforms a helper may run, with their cost in µs per distinct value here (the clean
benchmark's every-value-distinct rates, rounded up). They read nothing of the Context the
stage passes (its region, the row's related fields), only the column, so the helper runs
them with a default Context. Dates are not offered: pickling datetimes costs more than
reading them."""
REGIONAL_COST = {"phone": 3.5, "phone_assigned": 3.5}
"""Phone transforms, which read the Context's region and nothing else of it: offered
once the stage knows the column's country (`ColumnHelper.offer`)."""
TRANSFER = 0.25
"""µs per row this process spends sending a column and taking its Outcome back."""
WORTH = 0.02
"""Seconds of work a column must save beyond its transfer to be offered."""
MIN_WORK = 0.3
"""Seconds of offered work below which no helper starts: its startup (about 0.5 s on its
own core) would leave it little to do before this process gets there itself."""
SAMPLE = 2_000
"""Values read to estimate how many distinct values a column holds."""
STARTUP = 0.5
"""Seconds a helper started now takes to begin its first column, as a fresh interpreter."""
FORKED = 0.05
"""The same for a helper this process's running zygote forks (`migrator.zygote`): it has
imported what the transforms need, and the helper began its first column 10-40 ms after
it was asked for in the benchmark."""
SLOWER = 1.2
"""A column takes the helper this much longer than this process: it comes and goes
pickled."""
HERE = 2.0
"""This process reaches a column after about this many times the estimated work of the
columns before it: each column's change log and checks, and the fields it does not
offer (phones, postal codes), cost about as much again."""
LATE = 2.0
"""How much slower than estimated this process may reach a column the helper takes from
the end of the order (`_schedule`)."""
PARTS = 4
"""Parts a long column is offered in (`SPLIT_ROWS` rows and more): the helper takes parts
from the end while this process cleans from the front, so that neither idles while the
other cleans a long column alone. The transforms offered answer each row from its value
alone (`apply_distinct`), so the parts' Outcomes laid end to end are the column's.
Whole, the benchmark's company names (0.39 s here) were cleaned by this process while the
helper, done with the e-mails, idled; in parts it took half of them. Interleaved pairs of
runs, medians: at 100,000 customers clean 1.64 -> 1.56 s and 1.64 -> 1.61 s (10 pairs
each; the run 6.51 -> 6.47 s, 8 faster, and 6.69 -> 6.69 s, 4 faster); at 1,000,000
clean 17.2 -> 15.7 s (2 pairs)."""
SPLIT_ROWS = 20_000
"""Rows from which a column is offered in PARTS parts."""
PROTOCOL = 1
"""What a helper is asked and answers; a helper of another version cleans nothing."""


@dataclass
class Job:
    """One column offered to the helper: its first transform over the mapped values."""

    table: str
    field: str
    transform: str
    values: pd.Series
    owner: str = ""
    """Who cleans it, once this process reached it: 'here' or 'helper'."""
    work: float = 0.0
    """The seconds it would take here (estimated)."""
    region: str | None = None
    """The country a phone column is read in (`offer`); None for the others."""
    rows: tuple[int, int] | None = None
    """The part of the column `values` holds (`PARTS`), by position; None: all of it."""


class ColumnHelper:
    """A helper process cleaning offered columns; `take` answers for one of them.

    Both processes hold the GIL in long stretches (a regular expression over 100,000
    joined names is one C call), so neither waits on the other's threads: this process
    pickles each column when it offers it and a thread only writes the bytes; the
    helper announces each column before it cleans it, and this process says which ones it
    cleans itself. The answers are kept as bytes and unpickled when the stage takes them.
    A column both start at once (the notices crossed) is cleaned twice; only this
    process's result is used.
    """

    def __init__(self, jobs: list[Job], nice: int = 0) -> None:
        jobs = [part for job in jobs for part in _parts(job)]
        self.jobs = jobs
        self.index: dict[tuple[str, str], int] = {}
        """Each column's first job; `parts` holds all of a column offered in parts."""
        self.parts: dict[tuple[str, str], list[int]] = {}
        for i, job in enumerate(jobs):
            self.index.setdefault((job.table, job.field), i)
            if job.rows is not None:
                self.parts.setdefault((job.table, job.field), []).append(i)
        self.started: set[int] = set()
        self.answers: dict[int, bytes] = {}
        self.cond = threading.Condition()
        self.alive = True
        self.outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.errors = tempfile.TemporaryFile()
        ready = FORKED if zygote_running() else STARTUP
        self.process = start_helper("migrator.clean.helper", self.errors, nice=nice)
        order = _schedule(jobs, ready)  # pickled while the helper starts
        self.frames = [_frame(b"H", 0, (PROTOCOL, [(i, jobs[i].transform) for i in order]))]
        self.frames += [_frame(b"D", i, jobs[i].values) for i in order]
        self.threads = [threading.Thread(target=self._send, daemon=True,
                                         name="migrator-clean-send"),
                        threading.Thread(target=self._receive, daemon=True,
                                         name="migrator-clean-receive")]
        for thread in self.threads:
            thread.start()

    @classmethod
    def start(cls, jobs: list[Job], nice: int = 0) -> ColumnHelper | None:
        """A helper for the `jobs` (in the stage's order) worth sending, or None when it
        would not pay: too little work, no spare core, or `MIGRATOR_CLEAN_HELPERS=0`.
        `nice`: its priority below this process's, where allowed."""
        jobs = [job for job in jobs if job.transform in COST and _worth(job)]
        if not jobs or sum(job.work for job in jobs) < MIN_WORK:
            return None
        if spare_cores("MIGRATOR_CLEAN_HELPERS", 1) < 1:
            return None
        try:
            return cls(jobs, nice)
        except OSError:  # no interpreter to start: this process cleans everything
            return None

    def offer(self, table: str, field: str, transform: str, values: pd.Series,
              region: str) -> None:
        """Offer a phone column once its country is known (the stage knows it when it
        reaches the first phone field of the table): the helper takes it next."""
        if (table, field) in self.index or transform not in REGIONAL_COST or not self.alive:
            return
        job = Job(table, field, transform, values, region=region)
        if not _worth(job):
            return
        self.index[(table, field)] = i = len(self.jobs)
        self.jobs.append(job)
        self.outbox.put(_frame(b"A", i, (transform, region, values)))

    def take(self, table: str, field: str, transform: str, values: pd.Series,
             region: str | None = None) -> Outcome | None:
        """The helper's Outcome of `transform` over `values` (read in `region`, for a
        phone column), or None: this process cleans the column (the helper had not begun
        it, failed, or the column changed)."""
        i = self.index.get((table, field))
        if i is None or self.jobs[i].owner or self.jobs[i].transform != transform \
                or self.jobs[i].region not in (None, region):
            return None
        if (table, field) in self.parts:
            return self._take_parts(self.parts[(table, field)], transform, values)
        if self._claim(i):
            return None
        return self._answer(i, values)

    def _claim(self, i: int) -> bool:
        """Whether this process cleans job `i` itself, the helper not having begun it (or
        being gone): the helper is told so. Else the job is the helper's."""
        with self.cond:
            mine = i not in self.answers and (i not in self.started or not self.alive)
            self.jobs[i].owner = "here" if mine else "helper"
            if mine:
                self.outbox.put(_frame(b"T", i))
        return mine

    def _answer(self, i: int, values: pd.Series) -> Outcome | None:
        """The helper's Outcome of job `i`, once it came; None when it failed, answered
        as another version, or `values` are no longer the values it was sent."""
        with self.cond:
            while i not in self.answers and self.alive:
                self.cond.wait()
            data = self.answers.pop(i, None)
        try:
            outcome = pickle.loads(data) if data else None
        except Exception:  # not this version's answer: cleaned here
            return None
        if not isinstance(outcome, Outcome) or not self.jobs[i].values.equals(values):
            return None
        return outcome

    def _take_parts(self, parts: list[int], transform: str, values: pd.Series) -> Outcome | None:
        """A column offered in parts: those the helper has not begun cleaned here, in
        order, while it may begin others from the end; then its answers, waited for. A
        part it failed, or whose values changed, is cleaned here too."""
        from migrator.clean.registry import get_transform

        last = self.jobs[parts[-1]].rows
        if last is None or last[1] != len(values):  # not the column offered: cleaned whole
            return None
        clean = get_transform(transform)
        made: dict[int, Outcome] = {}
        for i in parts:
            if self._claim(i):
                made[i] = clean(_rows(values, self.jobs[i]), Context())
        for i in parts:
            if i not in made:
                part = _rows(values, self.jobs[i])
                answer = self._answer(i, part)
                made[i] = clean(part, Context()) if answer is None else answer
        return joined([made[i] for i in parts])

    def close(self) -> None:
        """Stop the helper (whatever it still cleans is no longer wanted)."""
        with self.cond:
            self.alive = False
            self.cond.notify_all()
        self.outbox.put(None)
        stop_helper(self.process, self.errors, self.threads)

    def _send(self) -> None:
        stream = self.process.stdin
        assert stream is not None
        try:
            for frame in self.frames:
                stream.write(frame)
                stream.flush()
            self.frames = []
            while (queued := self.outbox.get()) is not None:
                stream.write(queued)
                stream.flush()
        except (OSError, ValueError):  # it ended (failed or killed): `_receive` sees it
            pass

    def _receive(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        try:
            while True:
                kind, i, data = _read_frame(stream)
                with self.cond:
                    if kind == b"S":
                        self.started.add(i)
                    elif kind == b"D":
                        self.answers[i] = data
                    self.cond.notify_all()
        except Exception:  # the end of its answers, or not this version's answer
            pass
        finally:
            with self.cond:
                self.alive = False
                self.cond.notify_all()


def _parts(job: Job) -> list[Job]:
    """`job`, or its column in PARTS parts when it is SPLIT_ROWS rows long or more."""
    n = len(job.values)
    if n < SPLIT_ROWS:
        return [job]
    bounds = [n * k // PARTS for k in range(PARTS + 1)]
    return [Job(job.table, job.field, job.transform, job.values.iloc[a:b],
                work=job.work * (b - a) / n, rows=(a, b))
            for a, b in zip(bounds, bounds[1:], strict=False)]


def _rows(values: pd.Series, job: Job) -> pd.Series:
    """The part of `values` that `job` was offered."""
    return values if job.rows is None else values.iloc[job.rows[0]:job.rows[1]]


def joined(parts: list[Outcome]) -> Outcome | None:
    """The Outcome of a column from its parts' Outcomes, laid end to end; None when they
    do not lay end to end (derived columns that differ)."""
    if len(parts) == 1:
        return parts[0]
    names = parts[0].extra.keys()
    if any(p.extra.keys() != names for p in parts):
        return None

    def rows(get: Callable[[Outcome], np.ndarray | None]) -> np.ndarray | None:
        found = [get(p) for p in parts]
        arrays = [f for f in found if f is not None]
        return np.concatenate(arrays) if len(arrays) == len(found) else None

    notes = None
    if any(p.notes is not None for p in parts):
        notes = pd.concat([p.notes if p.notes is not None
                           else pd.Series(pd.NA, index=p.values.index, dtype="object")
                           for p in parts])
    return Outcome(
        values=pd.concat([p.values for p in parts]),
        reasons=pd.concat([p.reasons for p in parts]),
        notes=notes,
        extra={name: pd.concat([p.extra[name] for p in parts]) for name in names},
        changed=rows(lambda p: p.changed),
        present=rows(lambda p: p.present),
        failed=rows(lambda p: p.failed),
    )


def _schedule(jobs: list[Job], ready: float) -> list[int]:
    """The order the helper takes the columns in: first those it can finish (by the
    estimates) before this process gets to them, in this process's order; then the rest
    from the end, which this process reaches last, but for those it would reach before the
    helper could begin them even were it LATE times slower than estimated.
    `ready` is when the helper can begin.

    Why those are left out: this process cleaned them itself in every traced run, after
    pickling them to send (the benchmark's company names and customer codes, 17 and 16 ms
    of this process's time here), and a helper done with its other columns may begin one
    before it reads that this process took it (their notices cross).

    Why one the helper can begin in time is kept: this process waits for a column the
    helper began (`take`). Kept only if the helper could also finish it, the benchmark's
    e-mail addresses (0.27 s here) were cleaned by this process while the helper, forked
    warm (`FORKED`) and done with the addresses at once, idled: a helper started ahead of
    the stage (`CleanAhead`) begins while this process still maps the tables read, which
    the estimates do not see. Begun in time, they were the helper's in every traced run;
    two sets of interleaved pairs of runs (8 and 10): clean 1.67 -> 1.49 s and
    1.73 -> 1.69 s, the run 6.40 -> 6.33 s and 6.61 -> 6.57 s (medians)."""
    first = _first(jobs, ready)
    helper = ready + sum(jobs[i].work * SLOWER for i in first)
    here, arrives = 0.0, []
    for i, job in enumerate(jobs):
        arrives.append(here)
        if i not in first:
            here += job.work * HERE
    rest = []
    for i in reversed(range(len(jobs))):
        if i not in first and helper < arrives[i] * LATE:
            rest.append(i)
            helper += jobs[i].work * SLOWER
    return first + rest


def _first(jobs: list[Job], ready: float) -> list[int]:
    """The jobs a helper ready at `ready` can finish before this process gets to them."""
    helper, here, first = ready, 0.0, []
    for i, job in enumerate(jobs):
        if helper + job.work * SLOWER < here:
            first.append(i)
            helper += job.work * SLOWER
        else:
            here += job.work * HERE
    return first


def taken_first(jobs: list[Job]) -> list[Job]:
    """Of `jobs` (in the stage's order), those a helper would take and finish before this
    process gets to them."""
    worth = [job for job in jobs if job.transform in COST and _worth(job)]
    return [worth[i] for i in _first(worth, STARTUP)]


def _worth(job: Job) -> bool:
    """Estimate `job`'s work; whether it saves more than its transfer costs."""
    job.work = estimate_work(job)
    return job.work > len(job.values) * TRANSFER / 1e6 + WORTH


def estimate_work(job: Job) -> float:
    """The seconds `job` would take here: its distinct values, estimated from an even
    sample, times its transform's cost."""
    values = job.values
    step = max(1, len(values) // SAMPLE)
    sample = values.iloc[::step].dropna()
    if sample.empty:
        return 0.0
    distinct = len(pd.unique(sample.to_numpy(dtype=object))) / len(sample) * len(values)
    return distinct * (COST | REGIONAL_COST)[job.transform] / 1e6


_HEAD = struct.Struct("<cIQ")
"""A frame: its kind, the column's number, the size of the pickle after it.

To the helper: H (the columns in the order to take them), D (a column's values), A (a
phone column, its transform, country and values, to take next), T (a column this process
cleans itself). From it: S (it begins a column), D (its Outcome)."""


def _frame(kind: bytes, i: int, message: object = None) -> bytes:
    data = b"" if message is None else pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEAD.pack(kind, i, len(data)) + data


def _read_frame(stream: IO[bytes]) -> tuple[bytes, int, bytes]:
    """The next frame's kind, column and pickled bytes; EOFError at the end."""
    kind, i, size = _HEAD.unpack(_read_exactly(stream, _HEAD.size))
    return kind, i, _read_exactly(stream, size)


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    """`size` bytes (an unbuffered stream returns what has arrived); EOFError if cut short."""
    data = bytearray(size)
    view, got = memoryview(data), 0
    while got < size:
        n = stream.readinto(view[got:])  # type: ignore[attr-defined]
        if not n:
            raise EOFError
        got += n
    return bytes(data)


def _answer(out: IO[bytes], i: int, transform: str, values: pd.Series,
            region: str | None) -> None:
    from migrator.clean.registry import get_transform

    out.write(_frame(b"S", i))
    out.flush()
    try:
        context = Context() if region is None else Context(region=region)
        outcome = get_transform(transform)(values, context)
        frame = _frame(b"D", i, outcome)
    except Exception:  # the caller cleans this column itself and meets the error there
        traceback.print_exc()
        frame = _frame(b"D", i)
    out.write(frame)
    out.flush()


def main() -> None:
    """The helper: clean the columns it is sent, in the order given, but for those the
    caller says it cleans itself; write each Outcome to stdout."""
    from migrator.gcpause import fewer_collections
    from migrator.heap import keep_freed

    keep_freed()
    out = answer_stream()
    stdin = os.fdopen(sys.stdin.fileno(), "rb", buffering=0)  # select() sees what is unread
    kind, _, data = _read_frame(stdin)
    header = pickle.loads(data) if kind == b"H" else None
    if not isinstance(header, tuple) or header[0] != PROTOCOL:  # another version's caller
        sys.exit(3)
    values: dict[int, pd.Series] = {}
    took: set[int] = set()
    order = deque((i, transform, None) for i, transform in header[1])

    def take_in() -> None:
        """Read one frame (waiting for it); EOFError once the caller is done."""
        kind, i, data = _read_frame(stdin)
        if kind == b"T":
            took.add(i)
            values.pop(i, None)
        elif kind == b"D" and i not in took:
            values[i] = pickle.loads(data)
        elif kind == b"A":  # a phone column, now that its country is known: next
            transform, region, values[i] = pickle.loads(data)
            order.appendleft((i, transform, region))

    with fewer_collections():
        while True:
            try:
                while select.select([stdin], [], [], 0)[0]:  # what has arrived
                    take_in()
                while not order:  # nothing left but what the caller may still offer
                    take_in()
                i, transform, region = order.popleft()
                while i not in values and i not in took:
                    take_in()
            except EOFError:
                break
            if i in values:
                _answer(out, i, transform, values.pop(i), region)
    out.close()


if __name__ == "__main__":
    main()
