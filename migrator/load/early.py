"""Rows written while dedupe still runs, then made the rows dedupe left.

Dedupe matches only the tables whose schema lists `match_keys` (customers, contacts).
Of any other table (sales) it changes only what the merges imply: a row naming a merged
customer is re-pointed to the survivor, a key repeated once merged rejects the row. So
`LoadAhead` copies such a table's cleaned rows into a table the load creates while
dedupe waits for the pairs matched on the other core, and once dedupe is done
`settle_early` takes back and writes again the few rows it changed. The server then
parses the sales while dedupe waits; its keys and indexes are built sooner.

Measured at the 100,000-customer benchmark (16 interleaved pairs of in-process runs):
dedupe, validation and the load took 0.32 s less (median of the pairs' differences; 10
of 16 pairs won): dedupe 0.23 s more, as this thread's Python shares the GIL with it,
and the load 0.55 s less. The sales' rows are prepared in this thread from dedupe on,
not after it: 442 MiB more at the peak at 1,000,000 customers (4,440 against 3,998).

Only new PostgreSQL tables go early: their keys and foreign keys are added once every
row is in, so a sale may go in before its customer. Rows whose keys will not prepare
(missing, repeated) wait for dedupe as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from migrator.load.prepare import Prepared, prepare, same_rows
from migrator.load.upsert import Written, drop_rows, write_rows

if TYPE_CHECKING:
    from sqlalchemy import Connection


@dataclass
class Early:
    """A table's rows as they were before dedupe, prepared to be written."""

    table: Prepared
    before: pd.DataFrame
    """The frame they were prepared from (clean's)."""


def settle_early(conn: Connection, written: Written, early: Early, frame: pd.DataFrame,
                 run_id: str, *, queued: bool) -> Written:
    """The rows written before dedupe, made the rows of `frame` (what dedupe left).

    The rows dedupe changed are taken back by key and written again; when it took rows
    out or changed a key, every row is written again (rare: the table had unique keys)."""
    table = written.table
    moved = moved_rows(early, frame)
    if moved is None:
        return _all_again(conn, written, frame, run_id, queued=queued)
    if not moved.any():
        return written
    at = np.flatnonzero(moved)
    pk = table.spec.primary_key
    keys = table.values[pk][at]
    rows = frame.iloc[at].copy()
    rows[pk] = keys  # a generated key stays the one written
    again = prepare(table.name, table.spec, rows, run_id)
    drop_rows(conn, written, keys.tolist())
    write_rows(conn, written.stored, again, empty=True, queued=queued, fresh=True)
    written.rows += again.size
    for column in table.columns:
        table.values[column][at] = again.values[column]
        table.missing[column][at] = again.missing[column]
    table.distinct = {}  # its codes were the rows' before dedupe
    return written


def _all_again(conn: Connection, written: Written, frame: pd.DataFrame, run_id: str, *,
               queued: bool) -> Written:
    """Every row written early taken out, and the rows of `frame` written instead."""
    table = written.table
    conn.execute(written.stored.delete())
    again = prepare(table.name, table.spec, frame, run_id)
    return write_rows(conn, written.stored, again, empty=True, queued=queued, fresh=True)


def moved_rows(early: Early, frame: pd.DataFrame) -> np.ndarray | None:
    """Per row of `frame`, whether dedupe changed a field of it; None when `frame` is not
    the written rows in their order, holds other fields, or a key changed."""
    table, before = early.table, early.before
    fields = [f for f in table.spec.fields if f in frame.columns]
    if fields != table.fields or not same_rows(table, frame):
        return None
    moved = np.zeros(len(frame), dtype=bool)
    for column in table.fields:
        if _unchanged(before[column], frame[column]):
            continue
        differs = _differs(before[column], frame[column])
        if column == table.spec.primary_key and differs.any():
            return None
        moved |= differs
    return moved


def _unchanged(before: pd.Series, after: pd.Series) -> bool:
    """Whether `after` holds `before`'s values: the same memory. pandas copies on write,
    so a column dedupe changed is new memory; comparing every cell of the others would
    cost this thread 0.1 s per 100,000 rows."""
    first, second = _memory(before), _memory(after)
    return first is not None and first == second and len(before) == len(after)


def _memory(column: pd.Series) -> tuple[int, tuple[int, ...], np.dtype] | None:
    data = getattr(column.array, "_ndarray", None)
    if not isinstance(data, np.ndarray):
        return None
    return data.__array_interface__["data"][0], data.strides, data.dtype


def _differs(before: pd.Series, after: pd.Series) -> np.ndarray:
    """Per row, whether the value changed (missing and missing are the same)."""
    old, new = before.to_numpy(dtype=object), after.to_numpy(dtype=object)
    gone, none = pd.isna(old), pd.isna(new)
    return np.asarray((gone != none) | (~gone & ~none & (old != new)), dtype=bool)
