"""Value shapes (`999-9999`, `AAA-9999`, `ｶｶｶ`) and character facts, computed with numpy.

The shape of a value replaces each character by its class and keeps everything else:

- ASCII digits → `9`, full-width digits → `９`
- ASCII letters → `A` / `a`, full-width letters → `Ａ` / `ａ`
- hiragana → `ひ`, full-width katakana (and `ー`) → `カ`, half-width katakana → `ｶ`
- CJK ideographs (and `々〆〇`) → `漢`
- punctuation, spaces, `〒` and any other character stay as they are.

A run of more than 4 characters of one class collapses to the class and the run's
length, so `0312345678` → `9{10}` and `example` → `a{7}`, while `150-0002` →
`999-9999`, `03-1234-5678` → `99-9999-9999`, `〒150-0002` → `〒999-9999` and `ｶﾄｳ`
→ `ｶｶｶ`. Runs of up to 4 stay literal because the short runs are what tell a postal
code from a phone number; long runs would otherwise make every value its own shape.

All strings are laid end to end as one array of code points, so classifying, finding
runs and hashing each value's run sequence are a few numpy passes, whatever the count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

MAX_SHAPES = 8
MAX_SHAPE_CHARS = 60
_RUN = re.compile(r"(.)\1*", re.S)
_CLASSES: tuple[tuple[int, int, str], ...] = (
    (0x30, 0x39, "9"), (0x41, 0x5A, "A"), (0x61, 0x7A, "a"),
    (0xFF10, 0xFF19, "９"), (0xFF21, 0xFF3A, "Ａ"), (0xFF41, 0xFF5A, "ａ"),
    (0x3041, 0x3096, "ひ"), (0x309D, 0x309F, "ひ"),
    (0x30A1, 0x30FA, "カ"), (0x30FC, 0x30FF, "カ"), (0x31F0, 0x31FF, "カ"),
    (0xFF66, 0xFF9F, "ｶ"),
    (0x3005, 0x3007, "漢"), (0x3400, 0x4DBF, "漢"), (0x4E00, 0x9FFF, "漢"), (0xF900, 0xFAFF, "漢"),
)
CLASS_SYMBOLS = frozenset(symbol for _, _, symbol in _CLASSES)
_WHITESPACE = np.array([0x20, 0x3000, 0x09, 0xA0], dtype=np.uint32)
_DIGITS = ((0x30, 0x39), (0xFF10, 0xFF19))
_P = 1099511628211
_P_INVERSE = pow(_P, -1, 2**64)
WIDE = 0xFFFF


@cache
def _table() -> np.ndarray:
    """Code point → shape symbol for the Basic Multilingual Plane (uint16: half the bytes
    to move, and numpy's `take` is several times faster on it)."""
    table = np.arange(0x10000, dtype=np.uint16)
    for first, last, symbol in _CLASSES:
        table[first:last + 1] = ord(symbol)
    return table


@dataclass(frozen=True)
class Chars:
    """Many strings as one array of code points: `cp[starts[i]:starts[i] + lengths[i]]`."""

    cp: np.ndarray
    """uint32 code points of every string, end to end."""
    lengths: np.ndarray
    """int64 length of each string, in characters."""
    starts: np.ndarray
    """int64 index of each string's first character in `cp`."""

    def in_ranges(self, ranges: tuple[tuple[int, int], ...]) -> np.ndarray:
        """Per character: is it in one of the inclusive code point ranges."""
        hit = np.zeros(len(self.cp), dtype=bool)
        for first, last in ranges:
            hit |= (self.cp >= first) & (self.cp <= last)
        return hit

    def per_value(self, hit: np.ndarray) -> np.ndarray:
        """Per string: how many of its characters are set in `hit`."""
        sums = np.zeros(len(self.lengths), dtype=np.int64)
        nonempty = self.lengths > 0
        if nonempty.any():
            sums[nonempty] = np.add.reduceat(hit.astype(np.int64), self.starts[nonempty])
        return sums


def chars_of(texts: np.ndarray) -> Chars:
    """Lay `texts` (an object array of str) end to end as UTF-32 code points."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    # surrogatepass: a lone surrogate (a broken decode upstream) is still one character
    cp = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return Chars(cp, lengths, starts)


def symbols(chars: Chars) -> np.ndarray:
    """Each code point replaced by its shape symbol (see the module docstring), uint16.

    Characters beyond the BMP become `漢` (CJK extensions) or `WIDE` (anything else,
    rendered from the value itself).
    """
    sym = np.take(_table(), chars.cp, mode="clip")  # clip: beyond the BMP → U+FFFF = WIDE
    if len(chars.cp) and int(chars.cp.max()) > 0xFFFF:
        cp = chars.cp
        sym[(cp >= 0x20000) & (cp <= 0x3FFFF)] = ord("漢")
    return sym


def shape_keys(chars: Chars, sym: np.ndarray) -> np.ndarray:
    """A 64-bit key per string, equal for strings of equal shape.

    Collapsing keeps each run's length, so a shape stands for exactly one symbol
    sequence: each run (symbol, length) becomes a mixed 64-bit token, token k of the
    whole column is weighted by P^k, and a string's sum is brought back to P^0 by
    multiplying with P^-first (P is odd, so it has an inverse modulo 2^64).
    """
    keys = np.zeros(len(chars.lengths), dtype=np.uint64)
    nonempty = chars.lengths > 0
    if not nonempty.any():
        return keys
    brk = np.ones(len(sym), dtype=bool)
    np.not_equal(sym[1:], sym[:-1], out=brk[1:])
    brk[chars.starts[nonempty]] = True
    run_starts = np.flatnonzero(brk)
    run_lengths = np.diff(run_starts, append=len(sym)).astype(np.uint64)
    first_run = np.searchsorted(run_starts, chars.starts[nonempty])
    with np.errstate(over="ignore"):
        tok = sym[run_starts].astype(np.uint64) * np.uint64(1_000_003) + run_lengths
        tok *= np.uint64(0x9E3779B97F4A7C15)
        tok ^= tok >> np.uint64(29)
        tok *= np.cumprod(np.full(len(tok), _P, dtype=np.uint64))
        inverse = np.cumprod(np.full(len(tok), _P_INVERSE, dtype=np.uint64))
        keys[nonempty] = np.add.reduceat(tok, first_run) * inverse[first_run]
    return keys


ShapeCount = tuple[str, int, int]
"""(shape, how many values have it, position of its first value in the column)."""


def collapse(symbols_text: str) -> str:
    """Long class runs collapsed to `9{7}`, and the shape cut to 60 characters."""
    parts = []
    for match in _RUN.finditer(symbols_text):
        run = match.group()
        if run[0] in CLASS_SYMBOLS and len(run) > 4:
            parts.append(f"{run[0]}{{{len(run)}}}")
        else:
            parts.append(run)
    shape = "".join(parts)
    return shape if len(shape) <= MAX_SHAPE_CHARS else shape[:MAX_SHAPE_CHARS - 1] + "…"


def text_shapes(chars: Chars, counts: np.ndarray, positions: np.ndarray,
                limit: int) -> list[ShapeCount]:
    """The `limit` most common shapes among the strings, ties by first appearance."""
    if len(counts) == 0:
        return []
    sym = symbols(chars)
    codes, _ = pd.factorize(shape_keys(chars, sym))
    weight = np.bincount(codes, weights=counts).astype(np.int64)
    first = np.full(len(weight), len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes)))
    out: list[ShapeCount] = []
    for group in np.argsort(-weight, kind="stable")[:limit]:
        start = chars.starts[first[group]]
        span = slice(start, start + chars.lengths[first[group]])
        points = np.where(sym[span] == WIDE, chars.cp[span], sym[span]).tolist()
        out.append((collapse("".join(map(chr, points))), int(weight[group]),
                    int(positions[first[group]])))
    return out


def merge_shapes(*parts: list[ShapeCount], limit: int = MAX_SHAPES) -> dict[str, int]:
    """The most common shapes over all parts, most common first, ties by first value."""
    total: dict[str, list[int]] = {}
    for shape, count, first in (entry for part in parts for entry in part):
        seen = total.setdefault(shape, [0, first])
        seen[0] += count
        seen[1] = min(seen[1], first)
    ranked = sorted(total.items(), key=lambda item: (-item[1][0], item[1][1]))
    return {shape: count for shape, (count, _) in ranked[:limit]}


def any_in(chars: Chars, ranges: tuple[tuple[int, int], ...]) -> bool:
    """Does any string hold a character in the ranges (full-width digits, half-width kana)."""
    return bool(chars.in_ranges(ranges).any())


def zero_padded(chars: Chars) -> np.ndarray:
    """Per string: digits only, at least two, the first a zero (`000123`, `0312345678`)."""
    digits = chars.per_value(chars.in_ranges(_DIGITS))
    first = np.zeros(len(chars.lengths), dtype=np.uint32)
    nonempty = chars.lengths > 0
    first[nonempty] = chars.cp[chars.starts[nonempty]]
    return (chars.lengths >= 2) & (digits == chars.lengths) & ((first == 0x30) | (first == 0xFF10))


def whitespace_issue(chars: Chars) -> bool:
    """Stray spacing: a value that starts or ends with a space, two spaces in a row, or a
    column that mixes half-width and full-width spaces (`山田 太郎` beside `佐藤　花子`)."""
    nonempty = chars.lengths > 0
    if not nonempty.any():
        return False
    space = np.isin(chars.cp, _WHITESPACE)
    starts = chars.starts[nonempty]
    ends = starts + chars.lengths[nonempty] - 1
    if space[starts].any() or space[ends].any():
        return True
    pair = space[1:] & space[:-1]
    pair[starts[starts > 0] - 1] = False  # a pair across two values is no pair
    if pair.any():
        return True
    return bool((chars.cp == 0x20).any() and (chars.cp == 0x3000).any())
