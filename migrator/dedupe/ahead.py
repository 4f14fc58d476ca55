"""MatchAhead: a clean table's record pairs found and scored on another core while clean
still works on the tables after it.

Matching is Python under one GIL (folding the names, readings and addresses, blocking,
scoring): 0.75 s of the 1.1 s dedupe took for the 100,000-customer benchmark, on one
core while the second idled. Customers are clean long before the stage ends (contacts
and 300,000 sales come after them), and the clean stage's helper has little left to do
by then. So `run` hands each table that is matched on its own (no parent matched before
it) to a helper process (a fresh interpreter, `migrator.interpreters`) as soon as clean
is done with it: the helper prepares the rows and scores their candidate pairs, as
dedupe would, and dedupe takes the pairs instead of making them.

The pairs are used only for the rows they were made from: dedupe checks that the
columns matching reads and the rows whose key clean generated are the same. A table the
target already holds records of is not matched ahead (blocking must see those too, and
a re-run against last month's customers is the common case); when the helper failed or
runs another version of migrator, the pairs are not used either. Then dedupe matches the
rows itself, as it always could.
"""

from __future__ import annotations

import os
import pickle
import sys
import tempfile
import threading
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
import pandas as pd

from migrator.dedupe.fields import columns_read, prepare
from migrator.dedupe.match import Pairs, candidate_pairs, score_pairs
from migrator.dedupe.rows import generated_rows
from migrator.interpreters import answer_stream, spare_cores, start_helper, stop_helper
from migrator.schema import TableSpec, TargetSchema
from migrator.target import holds_rows

MIN_ROWS = 20_000
"""Fewer rows are matched in dedupe: a helper's startup (about 0.5 s) would outlast it."""
READY_WAIT = 1.0
"""Seconds clean waits, when it offers a table, for the target to say whether it holds
the table's records (asked when clean began; a few milliseconds when the server is up)."""
NICE = 19
"""The helper's niceness: the lowest priority."""
PROTOCOL = 1
"""What a helper is sent and answers; a helper of another version matches nothing."""
_SEP = "\x00"


@dataclass
class _Offer:
    """One table sent to a helper: what it was made from, and the answer once it came."""

    process: Any
    errors: IO[bytes]
    sent: pd.DataFrame
    """The columns matching reads, as they were when sent."""
    generated: np.ndarray
    thread: threading.Thread | None = None
    answer: bytes = b""


class MatchAhead:
    """Tables offered by clean as each is done, matched by helpers until dedupe asks."""

    def __init__(self, schema: TargetSchema, sizes: dict[str, int] | None = None,
                 against: str | None = None) -> None:
        """`sizes` (rows per table, before clean) starts a helper at once when a table will
        be worth matching ahead: its startup is then over when clean offers the table.
        `against` is the target dedupe will match with: a table it already holds records
        of is not matched ahead (dedupe would not use the pairs)."""
        self.schema = schema
        self._offers: dict[str, _Offer] = {}
        self._started: tuple[Any, IO[bytes]] | None = None
        self._stored: set[str] = set()
        self._ready: threading.Thread | None = None
        wanted = [t for t, n in (sizes or {}).items() if self._wanted(t, n)]
        if wanted and spare_cores("MIGRATOR_MATCH_HELPERS", 1) >= 1:
            self._ready = threading.Thread(target=self._get_ready, args=(wanted, against),
                                           daemon=True, name="migrator-match-start")
            self._ready.start()

    def _get_ready(self, tables: list[str], against: str | None) -> None:
        """In a thread: find the tables the target already holds records of, and start a
        helper if any other is left."""
        try:
            if against:
                self._stored = {t for t in tables if holds_rows(against, t)}
            if set(tables) - self._stored:
                self._started = self._start()
        except Exception:  # a speed-up only: without a helper, dedupe matches the tables
            self._started = None

    def _wanted(self, table: str, rows: int) -> bool:
        spec = self.schema.tables.get(table)
        return spec is not None and bool(spec.match_keys) and rows >= MIN_ROWS \
            and table not in self._offers and not self._within_parent(table)

    @staticmethod
    def _start() -> tuple[Any, IO[bytes]] | None:
        """A helper that runs only on a core nobody else wants (the lowest priority): the
        run's process and clean's helper come first, and it matches in their gaps."""
        errors = tempfile.TemporaryFile()
        try:
            process = start_helper("migrator.dedupe.ahead", errors, nice=NICE)
        except OSError:  # no interpreter to start: dedupe matches it
            errors.close()
            return None
        return process, errors

    def offer(self, table: str, frame: pd.DataFrame, changes: pd.DataFrame) -> None:
        """`table` is clean (`frame`, and its change log): match it in a helper if that
        may pay: a table dedupe matches on its own, of MIN_ROWS or more, and a spare core
        (`MIGRATOR_MATCH_HELPERS=0` matches in dedupe only)."""
        if self._ready is not None:
            self._ready.join(READY_WAIT)
            if self._ready.is_alive():  # the target does not answer: dedupe will tell why
                return
        if not self._wanted(table, len(frame)) or table in self._stored:
            return
        started, self._started = self._started, None
        if started is None and spare_cores("MIGRATOR_MATCH_HELPERS", 1) >= 1:
            started = self._start()
        if started is None:
            return
        spec = self.schema.tables[table]
        try:
            frame = frame.reset_index(drop=True)
            generated = generated_rows(table, frame, changes)
            sent = frame[columns_read(frame, spec, None)]
            message = pickle.dumps((PROTOCOL, spec, _pack(sent), generated),
                                   protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # a speed-up only: dedupe matches the table and meets any error
            stop_helper(*started)
            return
        offer = _Offer(*started, sent, generated)
        offer.thread = threading.Thread(target=_talk, args=(offer, message), daemon=True,
                                        name="migrator-match-ahead")
        offer.thread.start()
        self._offers[table] = offer

    def _within_parent(self, table: str) -> bool:
        """A child of a matched table is matched within each parent's survivors: only
        known once the parent is deduplicated."""
        spec = self.schema.tables[table]
        return any(self.schema.tables[fk.ref_table].match_keys for fk in spec.foreign_keys
                   if fk.ref_table in self.schema.tables and fk.ref_table != table)

    def pairs(self, table: str, frame: pd.DataFrame, generated: np.ndarray) -> Pairs | None:
        """The scored pairs of `frame` made ahead, or None: none were made, the helper
        failed, or `frame` and `generated` are not what they were made from."""
        offer = self._offers.pop(table, None)
        if offer is None:
            return None
        if offer.thread is not None:
            offer.thread.join()
        stop_helper(offer.process, offer.errors)
        sent = offer.sent
        if not offer.answer or len(frame) != len(sent) \
                or not all(c in frame for c in sent.columns) \
                or not np.array_equal(generated, offer.generated) \
                or not frame[list(sent.columns)].reset_index(drop=True).equals(sent):
            return None
        try:
            pairs = pickle.loads(offer.answer)
        except Exception:  # not this version's answer
            return None
        return pairs if isinstance(pairs, Pairs) else None

    def close(self) -> None:
        """Stop the helpers whose pairs were not asked for (the run failed or ended)."""
        if self._ready is not None:
            self._ready.join()
        for offer in self._offers.values():
            stop_helper(offer.process, offer.errors, [t for t in [offer.thread] if t])
        self._offers.clear()
        if self._started is not None:
            stop_helper(*self._started)
            self._started = None


def _talk(offer: _Offer, message: bytes) -> None:
    """Send the helper its table and read its answer (both off the GIL, mostly)."""
    process = offer.process
    try:
        with process.stdin:
            process.stdin.write(message)
        offer.answer = process.stdout.read()
    except (OSError, ValueError):  # it ended, or was stopped: no answer
        offer.answer = b""
    if process.wait() != 0:
        offer.answer = b""


Packed = list[tuple[str, str, Any]]
"""Per column: its name, how it is sent, and what: ("text", (blank rows as bits, rows,
the texts joined)) or ("pickled", the column)."""


def _pack(frame: pd.DataFrame) -> Packed:
    """The columns of `frame` to send: a column of text as one joined string (pickle
    writes a string at a time, which took twice as long for the 100,000 customers)."""
    packed: Packed = []
    for name in frame.columns:
        values = frame[name].to_numpy(dtype=object)
        blank = pd.isna(values)
        texts = values[~blank].tolist()
        try:
            joined = _SEP.join(texts)
        except TypeError:  # not only text
            joined = None
        if joined is not None and joined.count(_SEP) == max(len(texts) - 1, 0):
            # no text holds the separator
            packed.append((name, "text", (np.packbits(blank), len(values),
                                          joined.encode("utf-8", "surrogatepass"))))
        else:
            packed.append((name, "pickled", frame[name]))
    return packed


def _unpack(packed: Packed) -> pd.DataFrame:
    """The frame `_pack` sent; blank texts come back as None."""
    columns: dict[str, pd.Series] = {}
    for name, how, data in packed:
        if how != "text":
            columns[name] = data.reset_index(drop=True)
            continue
        bits, rows, joined = data
        blank = np.unpackbits(bits, count=rows).astype(bool)
        values = np.full(rows, None, dtype=object)
        if not blank.all():
            values[~blank] = np.array(joined.decode("utf-8", "surrogatepass").split(_SEP),
                                      dtype=object)
        columns[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(columns, copy=False)  # a block per column: no copy into one (0.03 s)


def match(packed: Packed, spec: TableSpec, generated: np.ndarray) -> Pairs:
    """What the helper does: the sent rows prepared and their candidate pairs scored."""
    prepared = prepare(_unpack(packed), spec, generated, None)
    return score_pairs(prepared, *candidate_pairs(prepared))


def main() -> None:
    """The helper: match the table sent on stdin; write its pairs, pickled, to stdout."""
    from migrator.gcpause import fewer_collections
    from migrator.heap import keep_freed

    keep_freed()
    out = answer_stream()
    message = pickle.loads(sys.stdin.buffer.read())
    if not isinstance(message, tuple) or len(message) != 4 or message[0] != PROTOCOL:
        sys.exit(3)  # sent by another version of migrator: dedupe matches it
    _, spec, packed, generated = message
    with fewer_collections():
        pairs = match(packed, spec, generated)
    pickle.dump(pairs, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.close()


if __name__ == "__main__":
    main()
    sys.stderr.flush()
    os._exit(0)
