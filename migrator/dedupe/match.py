"""Record matching: candidate pairs by blocking, a score per pair from several fields at
once, and clusters from the pairs above a threshold.

Blocking keeps the cost near-linear: only rows that share a key (the company key, a
phone, an e-mail, a customer code, a reading, a postal code with the name's first two
characters) are compared, never all pairs; a key shared by more than MAX_BLOCK rows is
too common to be evidence and pairs nothing (an address already when more than ten share
it, BLOCK_LIMITS). Each pair's score adds the log-odds of what its fields say (agree,
nearly agree, disagree, or one side empty) to a prior, in the manner of Fellegi and
Sunter, with weights set by hand and checked against generated truth; string similarity
is rapidfuzz's, computed for all pairs at once in C++ (`cpdist`), so no Python loop runs
per pair.

Why not splink: measured on the same generated truth (benchmarks/bench_dedupe.py, 10k,
100k and 1M rows), splink 5 on DuckDB with EM-trained weights reached pairwise precision
0.998 / 0.984 / 0.870 and recall 0.994 / 0.996 / 0.994 in 11 / 18 / 64 s (most of it
training); this matcher kept precision 1.000 at every size with recall 0.976-0.985, in
0.6 s at 10k and under a minute at 1M. Jaro-Winkler on four-kanji names is the weak
point: one wrong kanji of 山田商事 scores 0.85, below a branch 山田商事大阪支店 (0.90), and
an old kanji in first place loses the prefix bonus; a one-edit level and the folded key
serve these names better, and fixed weights need no training run per client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cpdist

from migrator.dedupe.fields import MISSING, Prepared, value_ids
from migrator.distinct import fold_joined

_NOT_DIGIT = re.compile(r"[^0-9\n]")
MAX_BLOCK = 50
"""Rows sharing one blocking key beyond which the key pairs nothing (a shared switchboard)."""
BLOCK_LIMITS = {"address": 10}
"""A smaller limit for a weaker key: more than ten customers at one address is an office
building's tenants, where the address says nothing of who is whom (a million-customer
ledger in a few cities had 18 per address: 11 million pairs to score, all of strangers).
Tenants typed twice still meet on their name, phone, e-mail or postal code and name."""
MERGE_AT = 0.9
"""A pair scoring this or more is the same record."""
REVIEW_AT = 0.3
"""A pair scoring this or more, but below MERGE_AT, needs a person's review."""
PRIOR = {"global": -4.0, "group": -1.5}
"""Log-odds that two candidate rows are one record before their fields are read: lower
for rows that only share a blocking key, higher for two contacts of one customer."""

ONE_EDIT = -1.0
"""A level met by names one character apart (`北斗電機`, `北斗電気`): on four kanji that is
a 75 % ratio, too low for the ratio levels, yet the commonest typo."""
EXACT = {  # comparator → (agree, disagree) log-odds
    "phone": (3.5, -1.5), "phone2": (1.5, 0.0), "phone3": (1.5, 0.0),
    "email": (3.5, 0.0), "postal": (1.5, -2.0), "region": (0.0, -2.0), "code": (2.5, 0.0),
}
FUZZY = {  # comparator → ((similarity at least, log-odds), ...), disagree below, log-odds
    "name": (((100.0, 5.0), (90.0, 3.5), (80.0, 1.5), (ONE_EDIT, 2.5)), 60.0, -4.0),
    "kana": (((100.0, 1.0), (85.0, 0.5)), 60.0, -1.0),
    "address": (((95.0, 1.5), (85.0, 0.5)), 50.0, -1.5),
}
AGREE_AT = 90.0
"""The similarity from which a fuzzy comparator counts among the fields that agreed."""
DOMAIN = (2.0, -1.0)
"""Same e-mail domain of one organisation (different address; free-mail domains do not
count), and a different domain, when both are present."""


@dataclass(frozen=True)
class Pairs:
    """Candidate pairs (positions i < j), their scores and the fields that agreed."""

    left: np.ndarray
    right: np.ndarray
    score: np.ndarray
    """Match probability, 0 to 1."""
    agreed: np.ndarray
    """Per pair, the comparators that agreed, joined with `, `."""
    compared: int
    """Candidate pairs scored."""


def candidate_pairs(prepared: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of rows that shares a blocking key, each pair once (i < j)."""
    cols = prepared.columns
    if prepared.group is not None:  # a child table: within one parent, every pair
        keys = [(prepared.value_ids("group"), MAX_BLOCK)]
    else:
        keys = [(prepared.value_ids("code"), MAX_BLOCK), *(
            (prepared.value_ids(c), BLOCK_LIMITS.get(c, MAX_BLOCK)) for c in (
                "name", "phone", "email", "kana", "address", "domain") if c in cols)]
        if "postal" in cols and "name" in cols:
            keys.append((value_ids(_joined(cols["postal"],
                                           pd.Series(cols["name"]).str[:2].to_numpy())),
                         MAX_BLOCK))
    found = [_block(key, limit) for key, limit in keys]
    both = np.concatenate([f for f in found if len(f)]) if any(len(f) for f in found) \
        else np.empty((0, 2), dtype=np.int64)
    if not len(both):
        return both[:, 0], both[:, 1]
    n = np.int64(len(prepared.code))
    unique = _sorted_unique(both[:, 0] * n + both[:, 1])
    return unique // n, unique % n


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique of int64 values by one sort: numpy 2's hashing unique took 12.7 s on the
    11 million pairs of a million customers, this 1 s."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def score_pairs(prepared: Prepared, left: np.ndarray, right: np.ndarray) -> Pairs:
    """The match probability of each pair, and which fields agreed."""
    prior = PRIOR["group" if prepared.group is not None else "global"]
    total = np.full(len(left), prior)
    agreed = np.zeros(len(left), dtype=np.int64)  # bit k: the k-th of `named` agreed
    named: list[str] = []
    columns = {**prepared.columns, "code": prepared.code}
    ids = {name: prepared.value_ids(name) for name in columns}
    for name, column in columns.items():
        a, b = ids[name][left], ids[name][right]
        present = (a >= 0) & (b >= 0)
        equal = present & (a == b)
        if name in EXACT:
            same = equal
            yes, no = EXACT[name]
            total += np.where(same, yes, np.where(present, no, 0.0))
        elif name in FUZZY:
            levels, floor, no = FUZZY[name]
            differ = present & ~equal  # equal texts are 100 similar and no edit apart
            if name == "name":  # サンプル商事12 and サンプル商事13 are two companies: 0 similar
                differ &= ~_other_numbers(column, left, right)
            similarity = _similarity(column[left], column[right], differ)
            similarity[equal] = 100.0
            points = np.where(present & (similarity < floor), no, 0.0)
            for at_least, yes in sorted(levels):  # the highest level reached counts
                reached = present & (similarity >= at_least)
                if at_least == ONE_EDIT:
                    near = differ & (similarity >= floor)
                    reached = near & (_edits(column[left], column[right], near) == 1)
                points = np.where(reached, np.maximum(points, yes), points)
            same = present & (similarity >= AGREE_AT)
            total += points
        elif name == "domain":
            same = equal
            total += np.where(same & (ids["email"][left] != ids["email"][right]),
                              DOMAIN[0], np.where(present & ~same, DOMAIN[1], 0.0))
            continue
        else:
            continue
        agreed |= same.astype(np.int64) << len(named)
        named.append(name)
    score = 1.0 / (1.0 + np.exp(-total))
    return Pairs(left, right, score, _agreed_names(agreed, named), len(left))


def _other_numbers(names: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per pair, both names hold digits and not the same ones (`第2工場`, `店舗12`): numbered
    companies, branches and sites differ in little else, so their names never agree."""
    ids, uniques = pd.factorize(names, use_na_sentinel=True)
    texts = uniques.tolist()
    digits = fold_joined(texts, lambda joined: _NOT_DIGIT.sub("", joined)) or \
        [_NOT_DIGIT.sub("", text).replace("\n", "") for text in texts]
    numbers, _ = pd.factorize(np.array([d or None for d in digits], dtype=object),
                              use_na_sentinel=True)
    per_row = numbers[ids]
    a, b = per_row[left], per_row[right]
    return (a >= 0) & (b >= 0) & (a != b)


def _agreed_names(agreed: np.ndarray, named: list[str]) -> np.ndarray:
    """Per pair, the comparators whose bit is set, joined with `, `: one string per set
    that occurs, where building the strings pair by pair costs seconds at millions."""
    texts = np.full(1 << len(named), "", dtype=object)
    for mask in np.flatnonzero(np.bincount(agreed, minlength=len(texts))).tolist():
        texts[mask] = ", ".join(n for k, n in enumerate(named) if mask >> k & 1)
    return texts[agreed]


def clusters(n: int, pairs: Pairs, at: float = MERGE_AT,
             apart: list[tuple[np.ndarray, np.ndarray]] | None = None) -> np.ndarray:
    """Per row, its cluster (connected through pairs scoring `at` or more); -1 alone.

    `apart` lists groups of rows a person decided are not one record: no chain of pairs
    through other rows may join them (see _apart_clusters).
    """
    keep = pairs.score >= at
    if not keep.any():
        return np.full(n, -1, dtype=np.int64)
    if apart:
        return _apart_clusters(n, pairs, keep, apart)
    labels = components(n, pairs.left[keep], pairs.right[keep])
    multi = np.bincount(labels)[labels] > 1
    out = np.full(n, -1, dtype=np.int64)
    out[multi] = np.unique(labels[multi], return_inverse=True)[1]
    return out


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per node of an undirected graph of `n` nodes with edges `left[i]`-`right[i]`, the
    smallest node of its connected component.

    Why not scipy's connected_components: importing scipy.sparse and its csgraph took
    0.2 s here, on dedupe's one core, to join a few thousand pairs. This hooks the larger
    root of every edge under the smaller one and then flattens every chain, in whole-array
    steps, until each edge has one root at both ends (a few rounds: each at least halves
    the roots an edge joins)."""
    parent = np.arange(n, dtype=np.int64)
    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    while True:
        a, b = parent[left], parent[right]
        apart = a != b
        if not apart.any():
            return parent
        a, b = a[apart], b[apart]
        np.minimum.at(parent, np.maximum(a, b), np.minimum(a, b))
        while True:  # every node to its root (roots only ever point to smaller nodes)
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up


def _apart_clusters(n: int, pairs: Pairs, keep: np.ndarray,
                    apart: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Clusters grown from the best pairs down (union-find), refusing a pair that would put
    two records decided apart into one cluster: `A~B` and `B~C` with A and C kept apart
    leave C on its own (or with B, if that pair scored higher)."""
    parent = np.arange(n)
    barred: dict[int, set[int]] = {}
    members: dict[int, set[int]] = {}
    for first, second in apart:
        for a in first.tolist():
            barred.setdefault(a, set()).update(second.tolist())
        for b in second.tolist():
            barred.setdefault(b, set()).update(first.tolist())

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    order = np.argsort(-pairs.score[keep], kind="stable")
    for a, b in zip(pairs.left[keep][order].tolist(), pairs.right[keep][order].tolist(),
                    strict=True):
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        group_a, group_b = members.get(ra, {ra}), members.get(rb, {rb})
        banned = set().union(*(barred.get(r, set()) for r in group_a))
        if banned & group_b:
            continue
        parent[rb] = ra
        members[ra] = group_a | group_b
        members.pop(rb, None)
    labels = np.array([root(i) for i in range(n)])
    multi = np.bincount(labels, minlength=n)[labels] > 1
    out = np.full(n, -1, dtype=np.int64)
    out[multi] = np.unique(labels[multi], return_inverse=True)[1]
    return out


def _block(codes: np.ndarray, limit: int = MAX_BLOCK) -> np.ndarray:
    """Pairs (i, j), i < j, of rows with the same key (`value_ids`; -1, missing, pairs
    nothing); blocks of more than `limit` rows pair nothing."""
    rows = np.flatnonzero(codes >= 0)
    if len(rows) < 2:
        return np.empty((0, 2), dtype=np.int64)
    order = rows[np.argsort(codes[rows], kind="stable")]
    sorted_codes = codes[order]
    sizes = np.bincount(sorted_codes)
    small = sizes[sorted_codes] <= limit
    order, sorted_codes = order[small], sorted_codes[small]
    out = []
    for d in range(1, min(limit, int(sizes.max()))):
        same = sorted_codes[:-d] == sorted_codes[d:]
        if not same.any():
            break
        out.append(np.stack([order[:-d][same], order[d:][same]], axis=1))
    if not out:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(out).astype(np.int64)
    return np.sort(pairs, axis=1)


def _joined(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`a|b` where both are present, else MISSING."""
    joined = (pd.Series(a, dtype=object) + "|" + pd.Series(b, dtype=object)).to_numpy()
    return np.where((a == MISSING) | (b == MISSING), MISSING, joined)


def _edits(a: np.ndarray, b: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Levenshtein distance of each pair (present ones), in C++ for all pairs at once."""
    out = np.full(len(a), 99)
    if present.any():
        out[present] = cpdist(list(a[present]), list(b[present]),
                              scorer=Levenshtein.distance, workers=-1)
    return out


def _similarity(a: np.ndarray, b: np.ndarray, present: np.ndarray) -> np.ndarray:
    """rapidfuzz's ratio (0-100) of each pair, computed in C++ for all pairs at once."""
    out = np.zeros(len(a))
    if present.any():
        out[present] = cpdist(list(a[present]), list(b[present]), scorer=fuzz.ratio,
                              workers=-1)
    return out
