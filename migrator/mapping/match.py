"""How well a source column's header names a target field, Japanese and English.

Headers are compared after folding (NFKC, lower case, no spaces or punctuation), so
`ＴＥＬ`, `Tel.` and `T E L` agree; typos (`FIRSNAME`) are caught by rapidfuzz's
edit-distance ratio; a multi-row header (`連絡先 / TEL`) is judged by its parts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz

_NOISE = re.compile(r"[\s\u3000_\-‐－.,:：;；/／・()（）\[\]［］「」#＃№]+")
_CONTINUATION = re.compile(r"\s\((\d+)\)$")
_FUZZY_FLOOR = 84.0


def fold_header(text: str) -> str:
    """The matching key of a header or synonym: `Customer #` → `customer#`... without noise."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("#", "no").replace("№", "no")
    return _NOISE.sub("", text)


def split_header(name: str) -> tuple[str, int]:
    """`住所 (2)` → (`住所`, 2): a blank header cell that continued the column on its left."""
    m = _CONTINUATION.search(name)
    if not m:
        return name, 1
    return name[: m.start()], int(m.group(1))


def header_parts(name: str) -> list[tuple[str, float]]:
    """The keys to compare for a column name, each with how much a match on it counts.

    The whole name counts fully; for `連絡先 / TEL` the last part (the column's own
    label) counts almost fully and the group label alone much less.
    """
    base, _ = split_header(name)
    parts = [p.strip() for p in base.split(" / ") if p.strip()]
    keys = [(fold_header(base), 1.0)]
    if len(parts) > 1:
        keys.append((fold_header(parts[-1]), 0.95))
        keys.append((fold_header(parts[0]), 0.5))
    return [(k, w) for k, w in keys if k]


def similarity(key: str, synonym: str) -> float:
    """1.0 for the same word, a fuzzy score for near spellings, a suffix match (会社名フリガナ)."""
    if key == synonym:
        return 1.0
    if not key or not synonym:
        return 0.0
    if len(synonym) >= 2 and not synonym.isascii() and key.endswith(synonym):
        return 0.85
    if min(len(key), len(synonym)) < 4:
        return 0.0  # short words: only exact matches; `tel` is not `tax`
    ratio = fuzz.ratio(key, synonym)
    return 0.9 * ratio / 100 if ratio >= _FUZZY_FLOOR else 0.0


def best_header_score(name: str, synonyms: Iterable[str]) -> tuple[float, int]:
    """The best score of a column name against a field's synonyms, and the synonym's rank."""
    keys = header_parts(name)
    best, rank = 0.0, 0
    for i, synonym in enumerate(synonyms):
        folded = fold_header(synonym)
        for key, weight in keys:
            score = similarity(key, folded) * weight
            if score > best:
                best, rank = score, i
    return best, rank
