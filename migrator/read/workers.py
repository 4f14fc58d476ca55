"""Read some files in other processes while this one reads the rest, or does other work.

Reading is CPU-bound: calamine parses without the GIL, but about half of a sheet's
reading is Python under it (tidying the cells, finding the tables), so threads gain
little: a 10.8 MB workbook of 300,000 rows takes about 2.9 s on one core while the second
idles. A helper process reads its share and sends the tables back pickled (0.24 s to
pickle those rows there, 0.13 s to unpickle them here as they arrive). Meanwhile this
process reads its own share, and the pipeline imports Great Expectations (about 1 s).

Helpers are fresh interpreters (`migrator.interpreters`): about 0.3 s of startup on the
helper's own core, paid while this process works.
"""

from __future__ import annotations

import os
import pickle
import select
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from migrator.errors import ReadError
from migrator.interpreters import (
    HELPED_BYTES,
    HelperProcess,
    Spooled,
    answer_stream,
    spare_cores,
    start_helper,
    stop_helper,
)
from migrator.tables import SourceTables

HELPER_MIN_BYTES = HELPED_BYTES
"""A smaller file is read in this process: a helper's startup and the pickling would
cost more than reading it here."""
STARTUP_BYTES = 5 << 18
"""A helper's interpreter startup (about 0.3 s), in bytes of workbook read meanwhile."""
MEANWHILE_BYTES = 4 << 20
"""The caller's meanwhile work (the Great Expectations import, about 1 s), in bytes of
workbook read in the same time (xlsx reads at about 4 MB/s here)."""
TRANSFER = 1.15
"""A file read by a helper costs this much more: its tables are pickled and unpickled."""
EARLY_CLEAN = 2.0
"""What a file read here after this process's first costs, per byte, when it cleans ahead
(`plan`): reading it takes the time this process would spend cleaning the tables it read
already, which a helper cannot do for it, and cleaning a table costs about as much as
reading it (the 100,000-customer ledger: 1.2 s to read with one thread, its customers
1.0 s to clean). A helper that finishes first idles. At 1,000,000 customers (a 74 MB
ledger and three 36 MB sales files, one helper) the helper reads the third sales file
too: four interleaved pairs of runs took 65.2, 57.5, 55.9 and 55.8 s before, 58.6, 56.2,
53.6 and 51.3 s after (clean 15.3-17.3 -> 10.2-10.9 s, read 18.5-21.1 -> 21.5-23.2 s)."""
MAX_HELPERS = 3
PROTOCOL = 4
"""What a helper is asked and answers; a helper of another version reads nothing."""
_EPOCH = date(1970, 1, 1).toordinal()

Packed = list[tuple[int, int, int, Any, np.ndarray]]
"""Date columns sent as day numbers: (answer, table, position, name, days; NaT blank)."""


def helpers_available() -> int:
    """How many other processes may read at once: one per usable core beyond this one.

    `MIGRATOR_READ_HELPERS` overrides it (0 reads everything in this process)."""
    return spare_cores("MIGRATOR_READ_HELPERS", MAX_HELPERS)


def plan(sizes: list[int], *, meanwhile: bool, helpers: int,
         min_bytes: int | None = None, early: bool = False) -> list[int]:
    """Which process reads each file: 0 is this one, 1..`helpers` are helpers.

    Largest files first, each to the process that would finish soonest, costed in bytes:
    this process starts with the meanwhile work, a helper with its startup, and a helper's
    files cost `TRANSFER` times more. Files under `min_bytes` (`HELPER_MIN_BYTES`) stay here.
    With `early` (this process cleans ahead the tables it read while helpers still read),
    a file this process reads after its first costs `EARLY_CLEAN` times more.
    """
    smallest = HELPER_MIN_BYTES if min_bytes is None else min_bytes
    load = [float(MEANWHILE_BYTES if meanwhile else 0)] + [float(STARTUP_BYTES)] * helpers
    chosen = [0] * len(sizes)
    here = 1.0
    for i in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        if sizes[i] < smallest:
            continue
        costs = [load[w] + sizes[i] * (TRANSFER if w else here) for w in range(len(load))]
        best = min(range(len(load)), key=costs.__getitem__)
        chosen[i] = best
        load[best] = costs[best]
        if best == 0 and early:
            here = EARLY_CLEAN
    return chosen


@dataclass
class Helper:
    """One helper process reading `indexes` of the files; `outcome()` waits for it."""

    indexes: list[int]
    process: HelperProcess
    errors: IO[bytes]
    finished: float = 0.0
    """When it had its answer ready, pickled (`time.time()`, the clock both processes
    share): what the caller did until then did not delay the read."""

    @classmethod
    def start(cls, indexes: list[int], files: list[Path], options: object) -> Helper:
        errors = tempfile.TemporaryFile()
        process = start_helper("migrator.read.workers", errors)
        assert process.stdin is not None
        try:
            with process.stdin:
                pickle.dump((PROTOCOL, [str(files[i]) for i in indexes], options),
                            process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except BrokenPipeError:  # it ended at once; `outcome` finds it did nothing
            pass
        return cls(indexes, process, errors)

    def answering(self) -> bool:
        """Whether it began its answer (or ended): its output has something to read."""
        stream = self.process.stdout
        if stream is None or stream.closed:
            return True
        try:
            return bool(select.select([stream], [], [], 0)[0])
        except (OSError, ValueError):
            return True

    def outcome(self, files: list[Path]) -> list[Any] | None:
        """Per file, its SourceTables or the exception reading it raised (then nothing for
        the files after it); None when the helper could not do its work (it failed to
        start, or runs other code than this process: migrator was upgraded meanwhile), so
        this process reads those files itself."""
        assert self.process.stdout is not None
        with self.process.stdout as stream:
            try:  # unpickled as it arrives, while the helper still pickles the rest
                got = pickle.load(stream)
                ready = pickle.load(stream)
            except Exception:  # nothing, cut short, or not this version's answer
                got = ready = None
            stream.read()
        code = self.process.wait()
        self.errors.close()
        if code < 0:
            raise ReadError(files[self.indexes[0]].name, "could not be read: the process "
                            f"reading it was killed by signal {-code}"
                            + (", probably for lack of memory" if code == -9 else ""))
        if code != 0 or not isinstance(got, tuple) or len(got) != 2:
            return None
        answer, packed = got
        if not (isinstance(ready, float) and isinstance(answer, list)
                and 0 < len(answer) <= len(self.indexes)
                and all(isinstance(a, SourceTables | BaseException) for a in answer)):
            return None
        unpack_dates(answer, packed)
        self.finished = ready
        return answer

    def stop(self) -> None:
        """Kill it if it still runs (this process gave up or was interrupted)."""
        stop_helper(self.process, self.errors)


def pack_dates(answer: list[Any]) -> Packed:
    """Take the columns holding only dates (and blanks) out of the answer's frames, as day
    numbers: pickle writes a date object by object (0.48 s of the 0.9 s it took to pickle
    a 300,000-row sales sheet), numpy writes an int64 buffer."""
    packed: Packed = []
    for a, tables in enumerate(answer):
        if not isinstance(tables, SourceTables):
            continue
        for t, table in enumerate(tables):
            frame, taken = table.frame, []
            for position, name in enumerate(frame.columns):
                column = frame.iloc[:, position]
                if column.dtype != object or not len(column) or \
                        type(column.iat[0]) not in (date, type(None)):
                    continue  # not a column of dates alone, told by its first cell
                values = column.tolist()
                kinds = set(map(type, values))
                if not kinds <= {date, type(None)} or date not in kinds:
                    continue
                days = np.fromiter(map(date.toordinal, values) if len(kinds) == 1 else
                                   (v.toordinal() if v is not None else _EPOCH for v in values),
                                   dtype=np.int64, count=len(values))
                sent = (days - _EPOCH).astype("datetime64[D]")
                sent[column.isna().to_numpy()] = np.datetime64("NaT")
                packed.append((a, t, position, name, sent))
                taken.append(position)
            if taken:
                table.frame = frame.iloc[:, [i for i in range(frame.shape[1])
                                             if i not in set(taken)]]
    return packed


def unpack_dates(answer: list[Any], packed: Packed) -> None:
    """Put pack_dates' columns back where they were, as date objects and None."""
    for a, t, position, name, days in packed:
        frame = answer[a][t].frame
        frame.insert(position, name, pd.Series(days.astype(object), index=frame.index,
                                               dtype=object), allow_duplicates=True)


def _portable(error: BaseException) -> BaseException:
    """`error` if it survives pickling, else a RuntimeError that names it."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")


def main() -> None:
    """The helper: read the files named on stdin; write their tables, pickled, to stdout.

    Nothing else may reach stdout, so whatever a library prints goes to stderr.
    """
    from migrator.gcpause import fewer_collections
    from migrator.heap import keep_freed
    from migrator.read.reader import read_one

    keep_freed()
    out = Spooled(answer_stream())
    version, names, options = pickle.load(sys.stdin.buffer)
    if version != PROTOCOL:  # started by another version of migrator: it reads them itself
        sys.exit(3)
    results: list[Any] = []
    with fewer_collections():
        for name in names:
            try:
                results.append(read_one(Path(name), options))
            except Exception as error:  # the caller raises it, in file order
                traceback.print_exc()
                results.append(_portable(error))
                break
    packed = pack_dates(results)
    # spooled frame by frame: the caller unpickles while this pickles the rest, and this
    # pickles at once when the caller is still busy with its own work
    pickle.dump((results, packed), out, protocol=pickle.HIGHEST_PROTOCOL)
    # then when it was ready: packing and pickling are the read's, and the caller's
    # meanwhile work (the GX import) hid them (0.5-0.6 s of 300,000 sales here)
    pickle.dump(time.time(), out)
    out.close()


if __name__ == "__main__":
    main()
    sys.stderr.flush()
    os._exit(0)  # no teardown of the tables just sent: the caller waits for the exit
