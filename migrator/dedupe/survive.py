"""Survivorship: one record per cluster, every value's origin recorded, nothing thrown away.

The survivor is the cluster's row from the source listed first in the mapping, then the
most complete, then the first read. Its key is the first key a source gave (a code typed
by a department wins over one clean generated). Each field it lacks comes from the next
row in that order that has it (a change logged as `survivor_filled from <lineage>`). A
merged row's phones and e-mails that differ from the survivor's are written into the
survivor's `notes`, and the merged row goes to `_merges` with the surviving key, its
lineage and why (score and the fields that agreed). All of it works on whole columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from migrator.dedupe.match import Pairs
from migrator.dedupe.rows import filled_counts
from migrator.lineage import LINEAGE_COLUMNS, LINEAGE_SEQ
from migrator.rejects import (
    CHANGE_COLUMNS,
    MERGE_COLUMNS,
    changes_frame,
    concat_frames,
    empty_frame,
)
from migrator.schema import TableSpec
from migrator.tables import RULES

NOTES = "notes"
"""The field that keeps a merged row's differing values, when the table has one."""
KEPT_FORMATS = ("e164", "email")
"""Fields whose differing values are kept in notes: phones and e-mails."""


@dataclass(frozen=True)
class Survived:
    frame: pd.DataFrame
    """The survivors and the rows in no cluster, in their original order."""
    merges: pd.DataFrame
    changes: pd.DataFrame
    keys: dict[object, object]
    """Key of a merged (or re-keyed) row → the surviving key, for child rows that name it;
    a key some kept row still holds (two rows with one generated key) is left out."""
    moved: pd.DataFrame
    """Lineage of each merged (or re-keyed) row and its surviving key, for the child rows
    read from the same source row (linked to it by clean)."""


def survive(table: str, frame: pd.DataFrame, spec: TableSpec, labels: np.ndarray,
            pairs: Pairs, generated: np.ndarray, stored: np.ndarray | None = None) -> Survived:
    """Collapse every cluster of `frame` (labels ≥ 0) into its survivor.

    `stored` marks rows read from the target: they rank last, lend their key to the
    survivor of their cluster (so it updates them) and fill its gaps, and are neither
    kept nor merged themselves.
    """
    stored = np.zeros(len(frame), dtype=bool) if stored is None else stored.copy()
    if not (labels >= 0).any():
        return Survived(frame[~stored], empty_frame(MERGE_COLUMNS),
                        empty_frame(CHANGE_COLUMNS), {}, empty_frame([*LINEAGE_COLUMNS, "key"]))
    pk = spec.primary_key
    frame = frame.reset_index(drop=True)
    ranked = _ranked(frame, labels, generated, stored)
    heads = ranked.groupby("_cluster", sort=False).head(1)
    survivor_of = pd.Series(heads.index.to_numpy(), index=heads["_cluster"].to_numpy())
    out = frame.copy()
    changes = [_fill(table, out, frame, ranked, survivor_of, field, field == pk,
                     spec.survivorship.get(field, "source_priority"))
               for field in spec.fields if field in frame]
    merged = ranked.index.difference(heads.index)
    target = survivor_of.loc[ranked.loc[merged, "_cluster"].to_numpy()].to_numpy()
    if NOTES in spec.fields:
        changes.append(_keep_differences(table, out, frame, spec, merged, target))
    keep = ~stored
    keep[merged] = False
    kept = out[keep]
    read = ~stored[merged]  # a stored row is not this run's: not merged, it lent its key
    merged, target = merged[read], target[read]
    keys, moved = _key_map(frame, out, pk, merged, target, heads.index, kept)
    merges = _merges(table, frame, out[pk] if pk in out else None, merged, target, pairs)
    return Survived(kept, merges, concat_frames(changes, CHANGE_COLUMNS), keys, moved)


def _ranked(frame: pd.DataFrame, labels: np.ndarray, generated: np.ndarray,
            stored: np.ndarray) -> pd.DataFrame:
    """The clustered rows, each cluster's rows in survivorship order (stored rows last)."""
    info = pd.DataFrame({
        "_cluster": labels, "_generated": generated, "_stored": stored,
        "_priority": frame[RULES].to_numpy() if RULES in frame else 0,
        "_complete": -filled_counts(frame, np.flatnonzero(labels >= 0)),
        "_order": np.arange(len(frame)),
    }, index=frame.index)
    info = info[info["_cluster"] >= 0]
    return info.sort_values(["_cluster", "_stored", "_priority", "_complete", "_order"],
                            kind="stable")


def _fill(table: str, out: pd.DataFrame, frame: pd.DataFrame, ranked: pd.DataFrame,
          survivor_of: pd.Series, field: str, is_key: bool, rule: str) -> pd.DataFrame:
    """Give each survivor the first value of `field` in survivorship order it lacks (for
    the key: a stored record's key, else the first key a source typed over a generated
    one); under a stated rule (`most_complete`, `most_recent:<date>`), the value of the
    row that rule ranks first, even over the survivor's own; log each as a change."""
    if is_key:  # a stored key first, then the keys sources typed, in survivorship order
        order = ranked.assign(_first=~ranked["_stored"]).sort_values(["_cluster", "_first"],
                                                                      kind="stable")
        present = (frame.loc[order.index, field].notna() & ~order["_generated"]).to_numpy()
    else:
        order = _stated_order(ranked, frame, rule)
        present = frame.loc[order.index, field].notna().to_numpy()
    donors = order[present].groupby("_cluster", sort=False).head(1)
    donor_of = pd.Series(donors.index.to_numpy(), index=donors["_cluster"].to_numpy())
    survivors = survivor_of.loc[donor_of.index].to_numpy()
    donor = donor_of.to_numpy()
    if is_key:  # a generated key gives way to a typed one; any key to a stored one
        lacking = ranked.loc[survivors, "_generated"].to_numpy() | \
            ranked.loc[donor, "_stored"].to_numpy()
        lacking = lacking & (frame.loc[survivors, field].to_numpy()
                             != frame.loc[donor, field].to_numpy())
    elif rule == "source_priority":
        lacking = frame.loc[survivors, field].isna().to_numpy()
    else:
        lacking = ~_same(frame.loc[survivors, field].to_numpy(),
                         frame.loc[donor, field].to_numpy())
    take = (survivors != donor) & lacking
    if not take.any():
        return empty_frame(CHANGE_COLUMNS)
    rows, sources = survivors[take], donor[take]
    before = frame.loc[rows, field].to_numpy()
    after = frame.loc[sources, field].to_numpy()
    if out[field].dtype != object:
        out[field] = out[field].astype(object)
    out.loc[rows, field] = after
    named = "survivor_filled" if rule == "source_priority" or is_key else f"survivor {rule}"
    rules = [f"{named} from {_where(frame, s)}" for s in sources]
    logged = changes_frame(table, out.loc[rows], field, before, after, "")
    logged["rule"] = rules
    return logged


def _stated_order(ranked: pd.DataFrame, frame: pd.DataFrame, rule: str) -> pd.DataFrame:
    """The clustered rows in the order a field's stated rule ranks them."""
    if rule == "most_complete":
        return ranked.sort_values(["_cluster", "_complete", "_priority", "_order"],
                                  kind="stable")
    if rule.startswith("most_recent:"):
        dates = pd.to_datetime(frame.loc[ranked.index, rule.partition(":")[2]],
                               errors="coerce")
        newest = ranked.assign(_newest=-dates.to_numpy(dtype="datetime64[ns]").astype(
            np.int64).astype(float))
        newest.loc[dates.isna().to_numpy(), "_newest"] = np.inf
        return newest.sort_values(["_cluster", "_newest", "_priority", "_order"],
                                  kind="stable")
    return ranked


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element by element: both missing, or both present and equal."""
    return np.array([bool(pd.isna(x) and pd.isna(y)) or bool(
        not pd.isna(x) and not pd.isna(y) and x == y) for x, y in zip(a, b, strict=True)],
        dtype=bool)


def _keep_differences(table: str, out: pd.DataFrame, frame: pd.DataFrame, spec: TableSpec,
                      merged: pd.Index, target: np.ndarray) -> pd.DataFrame:
    """A merged row's phones and e-mails the survivor does not hold go into its notes."""
    kept = [f for f, s in spec.fields.items() if s.format in KEPT_FORMATS and f in frame]
    if not kept or not len(merged):
        return empty_frame(CHANGE_COLUMNS)
    theirs = frame.loc[merged, kept].astype(object).to_numpy()
    ours = out.loc[target, kept].astype(object).to_numpy()
    lines: dict[int, list[str]] = {}
    maybe = _may_differ(theirs, ours)  # a re-run merges each row with its stored twin
    for row, survivor, values, have in zip(merged[maybe], target[maybe], theirs[maybe],
                                           ours[maybe], strict=True):
        held = {str(v) for v in have if not pd.isna(v)}
        extra = [f"{f} {v}" for f, v in zip(kept, values, strict=True)
                 if not pd.isna(v) and str(v) not in held]
        if extra:
            lines.setdefault(int(survivor), []).append(
                f"merged {_where(frame, row)}: {'; '.join(extra)}")
    if not lines:
        return empty_frame(CHANGE_COLUMNS)
    if NOTES not in out:
        out[NOTES] = None
    out[NOTES] = out[NOTES].astype(object)
    rows = list(lines)
    before = out.loc[rows, NOTES].to_numpy()
    after = [_noted(b, lines[r]) for r, b in zip(rows, before, strict=True)]
    fresh = np.array([a != (None if pd.isna(b) else str(b)) for a, b in
                      zip(after, before, strict=True)], dtype=bool)
    if not fresh.any():
        return empty_frame(CHANGE_COLUMNS)
    rows = [r for r, f in zip(rows, fresh, strict=True) if f]
    before, after = before[fresh], [a for a, f in zip(after, fresh, strict=True) if f]
    out.loc[rows, NOTES] = after
    return changes_frame(table, out.loc[rows], NOTES, before, after, "survivor_kept_values")


def _may_differ(theirs: np.ndarray, ours: np.ndarray) -> np.ndarray:
    """Rows where a value of `theirs` is present and not the same field's value of `ours`:
    the only rows that can hold a value the survivor lacks (a value equal to the
    survivor's in its own field is held by it)."""
    missing = pd.isna(theirs)
    same = np.zeros(theirs.shape, dtype=bool)
    both = ~missing & ~pd.isna(ours)
    same[both] = [a == b for a, b in zip(theirs[both], ours[both], strict=True)]
    return (~missing & ~same).any(axis=1)


def _noted(before: object, lines: list[str]) -> str:
    """The notes with the lines they do not hold yet (a second run adds nothing)."""
    held = [] if pd.isna(before) else str(before).split("\n")
    return "\n".join([*held, *(line for line in lines if line not in held)])


def _key_map(frame: pd.DataFrame, out: pd.DataFrame, pk: str, merged: pd.Index,
             target: np.ndarray, survivors: pd.Index, kept: pd.DataFrame
             ) -> tuple[dict[object, object], pd.DataFrame]:
    """Where each merged row's children go: by key, and by the source row they share."""
    if pk not in frame:
        return {}, empty_frame([*LINEAGE_COLUMNS, "key"])
    rows = np.concatenate([merged.to_numpy(), survivors.to_numpy()])
    after = np.concatenate([out.loc[target, pk].to_numpy(), out.loc[survivors, pk].to_numpy()])
    before = frame.loc[rows, pk].to_numpy()
    changed = np.array([not pd.isna(b) and b != a for b, a in zip(before, after, strict=True)],
                       dtype=bool)
    still_held = set(kept[pk].dropna())
    keys: dict[object, object] = {}
    for b, a in zip(before[changed], after[changed], strict=True):
        if b not in still_held:
            keys.setdefault(b, a)
    moved = frame.loc[rows[changed], [c for c in (*LINEAGE_COLUMNS, LINEAGE_SEQ)
                                      if c in frame]].copy()
    moved["key"] = after[changed]
    moved["old"] = before[changed]
    return keys, moved.reset_index(drop=True)


def _merges(table: str, frame: pd.DataFrame, keys: pd.Series | None, merged: pd.Index,
            target: np.ndarray, pairs: Pairs) -> pd.DataFrame:
    """One `_merges` row per merged source row: the surviving key, lineage, and why (its
    best-scoring pair). A table whose keys the loader makes (contacts) names the survivor
    by its lineage instead."""
    sides = pd.DataFrame({"row": np.concatenate([pairs.left, pairs.right]),
                          "score": np.concatenate([pairs.score, pairs.score]),
                          "agreed": np.concatenate([pairs.agreed, pairs.agreed])})
    best = sides.sort_values("score", ascending=False, kind="stable").drop_duplicates("row")
    best = best.set_index("row").reindex(merged)
    why = [f"score {s:.2f}; agreed: {a or 'nothing'}" for s, a in
           zip(best["score"].fillna(0.0), best["agreed"].fillna(""), strict=True)]
    if keys is None:
        why = [f"{w}; survivor: {_where(frame, s)}" for w, s in zip(why, target, strict=True)]
    data = {"table": table,
            "surviving_key": keys.loc[target].to_numpy() if keys is not None else None,
            **{c: frame.loc[merged, c].to_numpy() if c in frame else None
               for c in LINEAGE_COLUMNS}, "why": why}
    return pd.DataFrame(data, columns=MERGE_COLUMNS)


def _where(frame: pd.DataFrame, row: object) -> str:
    """`file › sheet › row`, as a person finds the row in Excel."""
    parts = [frame.at[row, c] for c in LINEAGE_COLUMNS if c in frame]
    return " › ".join(str(p) for p in parts if not pd.isna(p))
