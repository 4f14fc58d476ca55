"""dedupe: CleanedTables → DedupedTables; the same record typed twice becomes one.

Every table whose schema lists `match_keys` is matched record by record (customers on
their company key, reading, phones, e-mail, postal code, address and code; contacts of
one customer on name, e-mail and phone), pairs above MERGE_AT are clustered and each
cluster collapses into one survivor (see survive.py); pairs between REVIEW_AT and
MERGE_AT are reported as needing a person's review and left apart. Child rows that
pointed at a merged record are re-pointed to its survivor. A key still repeated after
merging (rows too unlike to merge) rejects the later row as `duplicate_key`, never drops
it; tables whose schema says `key_repeats: number_lines` had their repeats numbered by
clean, so only a key repeated across sheets reaches that rule there.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from migrator.dedupe.ahead import MatchAhead
from migrator.dedupe.decisions import Decisions, decide, kept_apart
from migrator.dedupe.fields import prepare
from migrator.dedupe.match import (
    MERGE_AT,
    REVIEW_AT,
    Pairs,
    candidate_pairs,
    clusters,
    score_pairs,
)
from migrator.dedupe.rows import filled_counts, generated_rows, lineage_index, lineage_rows
from migrator.dedupe.stored import STORED, stored_rows
from migrator.dedupe.survive import Survived, survive
from migrator.distinct import without_repeats
from migrator.errors import RejectReason
from migrator.gcpause import fewer_collections
from migrator.lineage import LINEAGE_COLUMNS, LINEAGE_SEQ, row_seq
from migrator.rejects import (
    CHANGE_COLUMNS,
    MERGE_COLUMNS,
    REJECT_COLUMNS,
    changes_frame,
    concat_frames,
    rejects_frame,
)
from migrator.schema import TableSpec
from migrator.tables import (
    CLUSTER_COLUMNS,
    PAIR_COLUMNS,
    RULES,
    CleanedTables,
    DedupedTables,
    require,
)


@fewer_collections()
def dedupe(cleaned: CleanedTables, *, decisions: Decisions | Path | None = None,
           against: str | None = None, merge_at: float = MERGE_AT,
           review_at: float = REVIEW_AT, ahead: MatchAhead | None = None) -> DedupedTables:
    """Merge the rows that are one record; report the pairs that need a person's review.

    `decisions` (a Decisions or its YAML file) are applied before clustering: a person's
    `merge` joins rows whatever their score, `keep_apart` keeps two records apart.
    `against` (a database URL) matches the rows with the records already stored there: a
    row that is a stored record takes its key, so the load updates it. `ahead` holds the
    pairs `run` had scored on another core while clean went on (used where they were
    made from these rows).

    Example:
        >>> deduped = dedupe(clean(mapped))
        >>> deduped.counts()["customers"].merged
        20
    """
    require(cleaned, CleanedTables, verb="dedupe")
    started = time.perf_counter()
    decided = decisions if isinstance(decisions, Decisions) or decisions is None \
        else Decisions.load(Path(decisions))
    digest = None if decisions is None else (
        hashlib.sha256(Path(decisions).read_bytes()).hexdigest()
        if not isinstance(decisions, Decisions) else decisions.sha256())
    schema = cleaned.schema
    frames: dict[str, pd.DataFrame] = {}
    merges, changes = [cleaned.merges], [cleaned.changes]
    rejects, found, scored = [cleaned.rejects], [], []
    compared: dict[str, int] = {}
    keys: dict[str, Survived] = {}
    for table in schema.table_order(list(cleaned.frames)):
        spec = schema.tables[table]
        frame = cleaned.frames[table].reset_index(drop=True)
        frame, moved = _repoint(table, frame, spec, keys)
        changes.append(moved)
        if spec.match_keys:
            parent = _parent_column(spec, keys)
            frame, stored = _with_stored(frame, against if parent is None else None, table,
                                         spec, _protected(cleaned, table, spec))
            generated = generated_rows(table, frame, cleaned.changes) & ~stored
            made = ahead.pairs(table, frame, generated) \
                if ahead is not None and parent is None and not stored.any() else None
            if made is None:
                prepared = prepare(frame, spec, generated, parent)
                made = score_pairs(prepared, *candidate_pairs(prepared))
            pairs = made
            apart: list[tuple[np.ndarray, np.ndarray]] = []
            if decided is not None:
                keys_now = frame[spec.primary_key].to_numpy(dtype=object) \
                    if spec.primary_key in frame else np.full(len(frame), None, dtype=object)
                pairs = decide(pairs, decided.for_table(table), keys_now, frame)
                apart = kept_apart(decided.for_table(table), keys_now, frame)
            labels = _only_with_read_rows(clusters(len(frame), pairs, merge_at, apart), stored)
            found.append(_clusters(table, frame, labels, pairs, merge_at, review_at, stored))
            scored.append(_pair_rows(table, frame, pairs, review_at))
            survived = survive(table, frame, spec, labels, pairs, generated, stored)
            frame, keys[table] = survived.frame, survived
            merges.append(survived.merges)
            changes.append(survived.changes)
            compared[table] = pairs.compared
        frame, repeated = _repeated_keys(table, frame, spec)
        rejects.append(repeated)
        frames[table] = frame.drop(columns=[RULES, STORED],
                                   errors="ignore").reset_index(drop=True)
    return DedupedTables(
        schema=schema, frames=frames, rows_read=dict(cleaned.rows_read),
        rejects=concat_frames(rejects, REJECT_COLUMNS),
        changes=concat_frames(changes, CHANGE_COLUMNS),
        merges=concat_frames(merges, MERGE_COLUMNS), issues=cleaned.issues,
        trail=replace(cleaned.trail, decisions_sha256=digest).then(
            "dedupe", time.perf_counter() - started),
        clusters=concat_frames(found, CLUSTER_COLUMNS), compared=compared,
        pairs=concat_frames(scored, PAIR_COLUMNS))


def _protected(cleaned: CleanedTables, table: str, spec: TableSpec) -> list[str]:
    """Fields of `table` the mapping masks or hashes (its key aside): the target holds
    them protected, so a stored value says nothing about this run's clear one."""
    return [f.partition(".")[2] for f, _ in cleaned.trail.privacy
            if f.partition(".")[0] == table and f.partition(".")[2] != spec.primary_key]


def _with_stored(frame: pd.DataFrame, against: str | None, table: str,
                 spec: TableSpec, protected: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows, then the target's stored records of the table (ranked after every
    source, marked in the returned mask)."""
    stored = stored_rows(against, table, spec) if against else pd.DataFrame()
    if stored.empty:
        return frame, np.zeros(len(frame), dtype=bool)
    stored = stored.drop(columns=[f for f in protected if f in stored.columns])
    stored[RULES] = np.iinfo(np.int64).max
    both = pd.concat([frame, stored], ignore_index=True)
    return both, np.arange(len(both)) >= len(frame)


def _only_with_read_rows(labels: np.ndarray, stored: np.ndarray) -> np.ndarray:
    """Clusters of stored records alone are the target's business, not this run's."""
    if not stored.any() or not (labels >= 0).any():
        return labels
    read = np.bincount(labels[(labels >= 0) & ~stored],
                       minlength=int(labels.max(initial=-1)) + 1)
    return np.where((labels >= 0) & (read[np.maximum(labels, 0)] > 0), labels, -1)


def _parent_column(spec: TableSpec, keys: dict[str, Survived]) -> str | None:
    """A child of a matched table is matched within each parent (contacts per customer)."""
    return next((fk.column for fk in spec.foreign_keys if fk.ref_table in keys), None)


def _repoint(table: str, frame: pd.DataFrame, spec: TableSpec,
             keys: dict[str, Survived]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows pointing at a merged parent point at its survivor (a change each): a child read
    from the same source row as the merged parent follows it; any other child naming the
    merged key follows the key, unless a kept parent still holds that key."""
    logged = []
    for fk in spec.foreign_keys:
        survived = keys.get(fk.ref_table)
        if survived is None or fk.column not in frame:
            continue
        old = frame[fk.column].astype(object)
        new = old.map(survived.keys)
        same_row = _same_row(frame, survived.moved)
        if same_row is not None:
            same_row = same_row.where(same_row["old"] == old)
            new = same_row["key"].where(same_row["key"].notna(), new)
        moved = new.notna() & old.notna() & (new != old)
        if moved.any():
            frame[fk.column] = old.where(~moved, new)
            logged.append(changes_frame(table, frame[moved], fk.column, old[moved],
                                        new[moved], f"repointed_to_survivor:{fk.ref_table}"))
    return frame, concat_frames(logged, CHANGE_COLUMNS)


def _same_row(frame: pd.DataFrame, moved: pd.DataFrame) -> pd.DataFrame | None:
    """Per child row, the moved parent read from the same source row (old and new key)."""
    if moved.empty or not all(c in frame for c in LINEAGE_COLUMNS):
        return None
    olds, keys = moved["old"].to_numpy(), moved["key"].to_numpy()
    if olds.dtype != object or keys.dtype != object:
        found = pd.DataFrame({"old": olds, "key": keys},
                             index=lineage_index(moved, row_seq(moved)))
        found = found[~found.index.duplicated()]
        return found.reindex(lineage_index(frame, row_seq(frame))).set_axis(frame.index)
    # Text keys (the usual case): a dict of the few moved rows, looked up per child row,
    # is what reindex on a MultiIndex gives, without factorizing and sorting every level.
    first: dict[tuple[str, ...], int] = {}
    for i, row in enumerate(lineage_rows(moved, row_seq(moved))):
        first.setdefault(row, i)
    at = np.fromiter((first.get(row, -1) for row in lineage_rows(frame, row_seq(frame))),
                     dtype=np.int64, count=len(frame))
    out = {}
    for name, values in (("old", olds), ("key", keys)):
        column = np.empty(len(frame), dtype=object)
        column[:] = np.nan  # reindex's filler for a row not found
        column[at >= 0] = values[at[at >= 0]]
        out[name] = column
    return pd.DataFrame(out, index=frame.index)


def _repeated_keys(table: str, frame: pd.DataFrame, spec: TableSpec
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A row repeating an earlier row's key that matching did not merge is rejected."""
    key = spec.primary_key
    if key not in frame or without_repeats(frame[key]):
        return frame, concat_frames([], REJECT_COLUMNS)
    repeated = frame[key].notna() & frame.duplicated(subset=[key], keep="first")
    rows = frame[repeated]
    rejected = rejects_frame(table, rows, [RejectReason.DUPLICATE_KEY.at(key)] * len(rows))
    return frame[~repeated], rejected


def _clusters(table: str, frame: pd.DataFrame, labels: np.ndarray, pairs: Pairs,
              merge_at: float, review_at: float, stored: np.ndarray) -> pd.DataFrame:
    """The rows found to be one record (survivor, merged, a stored record) and the pairs
    to review."""
    best = _best_score(len(frame), pairs, pairs.score >= merge_at)
    merged = np.flatnonzero(labels >= 0)
    priority = frame[RULES].to_numpy() if RULES in frame else np.zeros(len(frame))
    complete = filled_counts(frame, merged)
    order = np.lexsort((np.arange(len(frame)), -complete, priority, stored, labels))
    order = order[labels[order] >= 0]  # survivorship order within each cluster
    first = order[np.r_[True, labels[order][1:] != labels[order][:-1]]] if len(order) \
        else order
    roles = np.where(np.isin(merged, first), "survivor", "merged")
    roles = np.where(stored[merged], "stored", roles)
    parts = [_cluster_rows(table, frame, merged, labels[merged] + 1, best[merged], roles)]
    # A pair to review joins two records: a merged row stands for its cluster's survivor.
    lead = np.zeros(int(labels.max(initial=-1)) + 1, dtype=np.int64)
    lead[labels[first]] = first
    head = np.arange(len(frame))
    head[merged] = lead[labels[merged]]
    review = (pairs.score >= review_at) & (pairs.score < merge_at)
    left, right = head[pairs.left[review]], head[pairs.right[review]]
    apart = left != right
    if apart.any():
        loose = Pairs(np.minimum(left, right)[apart], np.maximum(left, right)[apart],
                      np.ones(int(apart.sum())), pairs.agreed[review][apart], 0)
        groups = clusters(len(frame), loose)
        rows = np.flatnonzero(groups >= 0)
        offset = int(labels.max(initial=-1)) + 2
        scored = np.zeros(len(frame))
        np.maximum.at(scored, left[apart], pairs.score[review][apart])
        np.maximum.at(scored, right[apart], pairs.score[review][apart])
        parts.append(_cluster_rows(table, frame, rows, groups[rows] + offset, scored[rows],
                                   np.full(len(rows), "review")))
    return concat_frames(parts, CLUSTER_COLUMNS)


def _pair_rows(table: str, frame: pd.DataFrame, pairs: Pairs, at: float) -> pd.DataFrame:
    """The pairs scoring `at` or more, each side by where it was read."""
    keep = pairs.score >= at
    data: dict[str, object] = {"table": table}
    for side, rows in (("left", pairs.left[keep]), ("right", pairs.right[keep])):
        for c in LINEAGE_COLUMNS:
            data[f"{side}{c}"] = frame[c].to_numpy()[rows] if c in frame else None
    data["score"] = np.round(pairs.score[keep], 3)
    data["agreed"] = pairs.agreed[keep]
    return pd.DataFrame(data, columns=PAIR_COLUMNS)


def _best_score(n: int, pairs: Pairs, keep: np.ndarray) -> np.ndarray:
    best = np.zeros(n)
    np.maximum.at(best, pairs.left[keep], pairs.score[keep])
    np.maximum.at(best, pairs.right[keep], pairs.score[keep])
    return best


def _cluster_rows(table: str, frame: pd.DataFrame, rows: np.ndarray, cluster: np.ndarray,
                  score: np.ndarray, role: np.ndarray) -> pd.DataFrame:
    data = {"table": table, "cluster": cluster,
            **{c: frame[c].to_numpy()[rows] if c in frame else None for c in LINEAGE_COLUMNS},
            "score": np.round(score, 3), "role": role}
    if LINEAGE_SEQ not in frame:
        return pd.DataFrame(data, columns=CLUSTER_COLUMNS)
    data[LINEAGE_SEQ] = np.asarray(row_seq(frame), dtype=np.int64)[rows]
    return pd.DataFrame(data, columns=[*CLUSTER_COLUMNS, LINEAGE_SEQ])

