"""LoadAhead: the deduplicated rows go into PostgreSQL while validation still runs.

Validation only sets rows aside: what it passes on is each deduplicated frame less the
rows it rejected, in the same order, with the same values. So `run` starts the load of
the deduplicated frames before it validates: this thread prepares each table's rows and
COPY payload, a thread of the load's sends them as they are made, and the server parses
the COPY and builds the new tables' keys and indexes on its own core while this process
runs the checks. Once they are done (`finish`), the rejected rows are taken back out by
key in the same transaction, and the load goes on as `write_tables` would: merges,
foreign keys, bookkeeping, one commit.

Nothing is committed before `finish`. Until the rows are settled, anything that goes
wrong only costs time: a row validation would have rejected breaks the COPY, the checked
frames are not the written rows less some, the connection was lost while the rows
waited (`Unsettled`). The transaction is rolled back, and `load` writes the checked rows
the usual way, failing, if it does, with the usual sentence. Once settled, a failure is
the load's failure. Only PostgreSQL gains (SQLite writes in this process, MariaDB commits
DDL at once), and only a run whose rows validation leaves as they are: privacy policies
mask or hash values in validation's output.

`run` opens the load before dedupe (`open`): its thread connects, takes the target's
lock and creates the tables while dedupe mostly waits for the pairs matched on the
other core, and `fill` hands it the deduplicated rows. Opened once they were there, the
first COPY began 0.3 s after dedupe, at the 100,000-customer benchmark: the thread's
DDL is Python too, and it shared the GIL with the payload being made. The thread then
copies the tables dedupe does not match (sales) from clean's rows, and once dedupe is
done, makes the few rows it re-pointed what it left (`early.py`).
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from migrator.errors import LoadError
from migrator.load.early import Early
from migrator.load.prepare import Prepared, copy_chunks, given_constants, prepare
from migrator.load.sql import Outcome, Unsettled, load_order, write_settled
from migrator.load.upsert import TableCounts

if TYPE_CHECKING:
    import pandas as pd

    from migrator.schema import TargetSchema
    from migrator.tables import CleanedTables, DedupedTables


QUEUED = 16
"""COPY chunks (10,000 rows each) made ahead of the load's thread at most: the server
kept up here (5 at most, 100,000 customers and 300,000 sales), but a slow link to a
remote one would otherwise hold the whole payload in memory. The price: while another
run holds the target's lock, validation waits too, instead of running meanwhile."""


class _Abandoned(Exception):
    """Validation failed or was interrupted: roll back what went in ahead."""


class _Later(Mapping[str, "pd.DataFrame"]):
    """The frames of a load opened before they are deduplicated: their tables' names at
    once, a frame once `give` handed them over (a look-up waits until then; _Abandoned
    when none come)."""

    def __init__(self, names: list[str]) -> None:
        self._names = names
        self._frames: Mapping[str, pd.DataFrame] | None = None
        self._given = threading.Event()

    def give(self, frames: Mapping[str, pd.DataFrame] | None) -> None:
        """The frames, or None: none will come."""
        if not self._given.is_set():
            self._frames = frames
            self._given.set()

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names:
            raise KeyError(name)
        self._given.wait()
        if self._frames is None:
            raise _Abandoned
        return self._frames[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


class LoadAhead:
    """A load of the deduplicated rows, started in a thread, waiting to be settled."""

    def __init__(self, url: str, schema: TargetSchema, frames: _Later, run_id: str,
                 before: Mapping[str, pd.DataFrame] | None = None) -> None:
        self.url = url
        self.run_id = run_id
        self._schema = schema
        self._frames = frames
        self._before = dict(before or {})
        self._early: set[str] = set()
        self._fresh: set[str] = set()
        """The tables this load's transaction created (told with `_ahead`): their COPY
        gives the columns of one value as defaults (`given_constants`)."""
        self._decided = threading.Event()
        """Set once this load's thread chose the tables it writes early (`_ahead`)."""
        self._outcomes: queue.SimpleQueue[Outcome | None] = queue.SimpleQueue()
        self._abandoned = threading.Event()
        self._asked = False
        self.settled = False
        """True once `finish` committed the rows written ahead."""
        self.written = threading.Event()
        """Set once every row is in and the load waits to be settled."""
        self._result: dict[str, TableCounts] | BaseException | None = None
        self._tables: queue.SimpleQueue[Prepared | None] = queue.SimpleQueue()
        self._payload: queue.Queue[bytes | None] = queue.Queue(QUEUED)
        self.made_seconds = 0.0
        """How long the caller's thread took to prepare the rows and their COPY payload."""
        self._thread = threading.Thread(target=self._work, args=(schema, frames),
                                        name="migrator-load-ahead", daemon=True)
        self._thread.start()

    def _make(self, schema: TargetSchema, frames: dict[str, pd.DataFrame]) -> bool:
        """Prepare each table and its COPY payload here, in the caller's thread, while the
        load's thread sends them (False when they will not prepare: abandoned, and the
        usual load meets the problem after validation, which may reject its rows).

        Why here: both threads need the GIL, and the payload is Python work. Made in
        the load's thread beside validation, the last rows reached the server 1.9 s after
        the start and its keys and indexes 1.0 s later, after validation had ended.
        Made first, the server parses each chunk and builds the indexes while
        validation runs."""
        started = time.perf_counter()
        try:
            self._decided.wait()
            for name in load_order(schema, frames):
                if name in self._early:
                    continue
                table = prepare(name, schema.tables[name], frames[name], self.run_id)
                if name in self._fresh:
                    table.given = given_constants(table)
                payload: queue.Queue[bytes | None] = queue.Queue(QUEUED)
                self._payload = payload
                table.chunks = self._sent(payload)
                self._tables.put(table)
                for chunk in copy_chunks(table, given=table.given):
                    if not self._queue(payload, chunk):
                        raise _Abandoned
                if not self._queue(payload, None):
                    raise _Abandoned
        except Exception:
            self.abandon()
            return False
        except BaseException:
            self.abandon()
            raise
        finally:
            self.made_seconds = time.perf_counter() - started
        return True

    def _queue(self, payload: queue.Queue[bytes | None], chunk: bytes | None) -> bool:
        """Hand `chunk` to the load's thread, waiting while QUEUED chunks wait for it;
        False when that thread ended or the load was abandoned meanwhile."""
        while True:
            try:
                payload.put(chunk, timeout=0.1)
                return True
            except queue.Full:
                if self._abandoned.is_set() or not self._thread.is_alive():
                    return False

    def _sent(self, payload: queue.Queue[bytes | None]) -> Iterator[bytes]:
        """The chunks the caller's thread makes, as they come; _Abandoned if it stopped."""
        while (chunk := payload.get()) is not None:
            yield chunk
        self._stop_if_abandoned("copy")

    def _ahead(self, names: list[str]) -> dict[str, Early]:
        """Of the load's new tables, those written before dedupe ends: their rows as clean
        left them, prepared in this load's thread while dedupe runs in the caller's. A
        table whose rows will not prepare (keys missing or repeated) waits for dedupe."""
        found = {}
        self._fresh = set(names)
        try:
            for name in names:
                frame = self._before.get(name)
                if frame is None:
                    continue
                try:
                    found[name] = Early(prepare(name, self._schema.tables[name], frame,
                                                self.run_id), frame)
                except LoadError:
                    continue
        finally:
            self._early = set(found)
            self._decided.set()
        return found

    def _made(self, _name: str) -> Prepared:
        """The next table the caller's thread prepared (they come in `load_order`)."""
        self._decided.set()  # none goes early now: the caller prepares every table
        table = self._tables.get()
        if table is None:
            raise _Abandoned
        return table

    @classmethod
    def open(cls, tables: CleanedTables | DedupedTables, url: str,
             run_id: str) -> LoadAhead | None:
        """A load into `url` of the tables `tables` are or will be once deduplicated,
        its tables created meanwhile; `fill` hands over their rows. None where it cannot
        gain or hold, or where `MIGRATOR_LOAD_AHEAD=0` asks for the usual load."""
        import sqlalchemy as sa

        if os.environ.get("MIGRATOR_LOAD_AHEAD", "").strip() == "0":
            return None
        try:
            backend = sa.engine.make_url(url).get_backend_name()
        except (sa.exc.ArgumentError, ValueError):
            return None
        if backend != "postgresql" or any(p != "keep" for _, p in tables.trail.privacy):
            return None
        tables_of = tables.schema.tables
        before = {name: frame for name, frame in tables.frames.items()
                  if name in tables_of and not tables_of[name].match_keys}
        return cls(url, tables.schema, _Later(list(tables.frames)), run_id, before)

    def fill(self, deduped: DedupedTables) -> bool:
        """Prepare the deduplicated rows and their COPY payload for the load's thread;
        False, abandoned, when they will not go ahead: other tables than it was opened
        for, rows that will not prepare."""
        if set(deduped.frames) != set(self._frames):
            self.abandon()
            return False
        self._frames.give(deduped.frames)
        return self._make(deduped.schema, deduped.frames)

    def _work(self, schema: TargetSchema, frames: Mapping[str, pd.DataFrame]) -> None:
        try:
            self._result = write_settled(self.url, schema, frames, self.run_id, self._settle,
                                         fault=self._stop_if_abandoned,
                                         progress=self._going, queued=False,
                                         made=self._made, early=self._ahead, beside=True)
        except BaseException as exc:  # handed to `finish`, which decides
            self._result = exc
        finally:
            self._decided.set()  # it ended before it chose: the caller prepares every table

    def _going(self, step: str, _done: int, _total: int) -> None:
        """Told of each COPY chunk: stops an abandoned load there, not at its end."""
        self._stop_if_abandoned(step)

    def _stop_if_abandoned(self, _step: str) -> None:
        """Told of each step, the last before the commit: a run interrupted while its
        rows are settled (Ctrl-C in `finish`) rolls them back instead of committing."""
        if self._abandoned.is_set():
            raise _Abandoned

    def _settle(self) -> Outcome:
        self.written.set()
        outcome = self._outcomes.get()
        if outcome is None:
            raise _Abandoned
        self._asked = True
        return outcome

    def finish(self, outcome: Outcome) -> dict[str, TableCounts] | None:
        """Settle the rows with what validation decided and commit; the counts, or None
        when nothing was settled and the checked rows are still to be loaded."""
        self._outcomes.put(outcome)
        self._thread.join()
        result = self._result
        if isinstance(result, dict):
            self.settled = True
            return result
        if not self._asked or isinstance(result, Unsettled | _Abandoned):
            return None
        assert isinstance(result, BaseException)
        raise result

    def abandon(self) -> None:
        """Roll back what went in ahead (dedupe or validation failed, or the rows did
        not come)."""
        self._abandoned.set()
        self._frames.give(None)
        self._outcomes.put(None)
        self._tables.put(None)
        with contextlib.suppress(queue.Full):  # full: its thread is not waiting for more
            self._payload.put_nowait(None)  # the table that thread may wait for chunks of
        self._thread.join()
