"""apply_fixes: MappedTables → MappedTables with a person's hand fixes in place.

Fixes change raw values, before clean: a corrected phone is cleaned to E.164 like any
other, an accepted value is simply empty. Each fix that finds its row still holding the
value it replaces changes it and logs one `manual` change; one that finds nothing is
stale (the source changed since the fix was made) and is reported, never an error.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pandas as pd

from migrator.fixes.file import Fixes
from migrator.fixes.fix import Fix, as_text
from migrator.lineage import LINEAGE_COLUMNS, SOURCE_ROW
from migrator.rejects import CHANGE_COLUMNS, changes_frame, concat_frames
from migrator.tables import FixPlace, MappedTables, require

RULE = "manual"
"""The change log's rule for a value a person fixed by hand."""


def apply_fixes(mapped: MappedTables, fixes: Fixes) -> MappedTables:
    """`mapped` with each fix's value replaced, logged as `manual`; stale fixes reported.

    The result's trail says how many fixes applied, which were stale, and the fixes'
    SHA-256, for the run report. `mapped` itself is not changed.

    Example:
        >>> fixed = apply_fixes(apply_mapping(tables, mapping), Fixes.load(Path("fixes.yaml")))
        >>> fixed.trail.fixes_applied, fixed.trail.fixes_stale
        (1, ())
    """
    require(mapped, MappedTables, verb="apply_fixes")
    fixes.check(mapped.schema)
    started = time.perf_counter()
    frames = dict(mapped.frames)
    logs = [mapped.changes]
    stale: list[FixPlace] = []
    by_table: dict[str, list[Fix]] = {}
    for fix in fixes:
        by_table.setdefault(fix.table, []).append(fix)
    for table, wanted in by_table.items():
        frame = frames.get(table)
        if frame is None:
            stale += [f.place for f in wanted]
            continue
        frame, changed, missed = _fix_table(table, frame, wanted)
        frames[table] = frame
        logs += changed
        stale += missed
    applied = len(fixes) - len(stale)
    trail = replace(mapped.trail, fixes_sha256=fixes.sha256, fixes_applied=applied,
                    fixes_stale=tuple(stale))
    return replace(mapped, frames=frames, changes=concat_frames(logs, CHANGE_COLUMNS),
                   trail=trail.then("map", time.perf_counter() - started))


def _fix_table(table: str, frame: pd.DataFrame, fixes: list[Fix]
               ) -> tuple[pd.DataFrame, list[pd.DataFrame], list[FixPlace]]:
    """The frame (a copy, when a fix applied), the `manual` changes, the stale fixes."""
    places = _places(frame, {f.row for f in fixes})
    out = frame
    changed: list[pd.DataFrame] = []
    stale: list[FixPlace] = []
    for fix in fixes:
        rows = [i for i in places.get(fix.lineage, ()) if _text_at(out, i, fix.field) ==
                fix.replace]
        if not rows:
            stale.append(fix.place)
            continue
        if out is frame:
            out = frame.copy()
        if fix.field not in out:
            out[fix.field] = None  # the row's source feeds no such column: its value is ""
        elif out[fix.field].dtype != object:  # a text or number column takes text or None
            column = out[fix.field].astype(object)
            out[fix.field] = column.where(column.notna(), None)
        index = out.index[rows]
        before = out.loc[index, fix.field].copy()
        out.loc[index, fix.field] = pd.Series([fix.with_] * len(index), index=index,
                                              dtype=object)
        changed.append(changes_frame(table, out.loc[index], fix.field, before, fix.with_,
                                     RULE))
    return out, changed, stale


def _places(frame: pd.DataFrame, rows: set[int]) -> dict[tuple[str, str | None, int],
                                                          list[int]]:
    """(file, sheet, row) → positions, for the frame's rows read at one of `rows`."""
    if not all(c in frame for c in LINEAGE_COLUMNS):
        return {}
    numbers = pd.to_numeric(frame[SOURCE_ROW], errors="coerce")
    found: dict[tuple[str, str | None, int], list[int]] = {}
    for i in np.flatnonzero(numbers.isin(list(rows)).to_numpy()):
        file, sheet, row = (frame[c].iat[i] for c in LINEAGE_COLUMNS)
        key = (str(file), sheet if isinstance(sheet, str) and sheet else None, int(row))
        found.setdefault(key, []).append(int(i))
    return found


def _text_at(frame: pd.DataFrame, position: int, field: str) -> str:
    """The raw value of `field` at `position`, as fixes compare it ("" when absent)."""
    return as_text(frame[field].iat[position]) if field in frame else ""
