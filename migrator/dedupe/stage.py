"""dedupe: CleanedTables → DedupedTables, one row per key.

The stand-in until record matching lands: a row that repeats the primary key of an
earlier row of its table is rejected as `duplicate_key:<key>`, with its lineage, never
dropped. The first row with a key is kept (the ledger before the cards, in source
order). Tables whose schema says `key_repeats: number_lines` had their repeats numbered
by clean, so only a key repeated across sheets reaches this rule there.
"""

from __future__ import annotations

import time

import pandas as pd

from migrator.errors import RejectReason
from migrator.rejects import REJECT_COLUMNS, concat_frames, rejects_frame
from migrator.tables import CleanedTables, DedupedTables, require


def dedupe(cleaned: CleanedTables) -> DedupedTables:
    """Keep the first row of each key; reject the rows that repeat it.

    Example:
        >>> deduped = dedupe(clean(mapped))
        >>> deduped.counts()["customers"].rejected  # includes the duplicate_key rejects
        20
    """
    require(cleaned, CleanedTables, verb="dedupe")
    started = time.perf_counter()
    frames, rejected = {}, [cleaned.rejects]
    for name, frame in cleaned.frames.items():
        key = cleaned.schema.tables[name].primary_key
        repeated = (frame[key].notna() & frame.duplicated(subset=[key], keep="first")
                    if key in frame else pd.Series(False, index=frame.index))
        rows = frame[repeated]
        if len(rows):
            rejected.append(rejects_frame(name, rows,
                                          [RejectReason.DUPLICATE_KEY.at(key)] * len(rows)))
        frames[name] = frame[~repeated].reset_index(drop=True)
    return DedupedTables(
        schema=cleaned.schema, frames=frames, rows_read=dict(cleaned.rows_read),
        rejects=concat_frames(rejected, REJECT_COLUMNS), changes=cleaned.changes,
        merges=cleaned.merges,
        trail=cleaned.trail.then("dedupe", time.perf_counter() - started))
