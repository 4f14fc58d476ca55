"""Per-distinct-value work: a column of 300,000 cells usually holds a few thousand values."""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype


def per_distinct(values: Any, convert: Callable[[Any], Any], missing: Any = None) -> np.ndarray:
    """`convert(v)` once per distinct non-missing value, spread back over the rows.

    Missing cells (None, NaN, NA) get `missing`; the result is an object array aligned
    with `values`. Distinct means equal and of equal hash, so 1 and 1.0 count as one:
    use it where equal values convert alike.
    """
    return per_distinct_all(values, lambda distinct: [convert(v) for v in distinct], missing)


def per_distinct_all(values: Any, convert: Callable[[list[Any]], list[Any]],
                     missing: Any = None) -> np.ndarray:
    """`per_distinct` for a `convert` that takes every distinct value at once (one call
    over names joined by newlines, say) and returns their conversions in order."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = convert(uniques.tolist())
    table[-1] = missing  # code -1: a missing cell
    return table[codes]


def without_repeats(values: Any) -> bool:
    """True when no two cells of `values` are equal: a key column with no repeat, the
    usual case. False tells nothing: two cells may be equal, or only blank (None, NaN,
    NA are never a repeat where pandas' `notna() & duplicated()` asks).

    Why: a Python set tells it in a third of the time pandas' hash table takes to mark
    the duplicates, whose cost per key grows with the column (150 against 412 ns a key
    for 3,000,000 sale ids here; 45 against 81 for 300,000).

    A run asks it of the same keys in each stage (clean numbers a sale's lines, dedupe
    rejects a repeated key, the load checks its keys, GX's uniqueness expectation), each
    time from a copy of the column. So a column of texts found without a repeat is
    remembered (`_PROVEN`, by a weak reference: nothing is kept alive for it), and a column
    whose cells equal a remembered one's, one by one, is answered by that comparison:
    0.026 s for 3,000,000 sale ids, where the set takes 0.48-0.64 s. Equal texts
    repeat where theirs do, so the answer is the same."""
    array = _cells(values)
    if array is not None and _proven(array):
        return True
    cells = values.tolist() if hasattr(values, "tolist") else list(values)
    try:
        unique = len(set(cells)) == len(cells)
    except TypeError:  # a cell that cannot be hashed: pandas' own way decides
        return False
    if unique and array is not None and len(array) >= PROVEN_FROM \
            and infer_dtype(array, skipna=False) == "string":
        _PROVEN.append(weakref.ref(_owner(array)))
    return unique


PROVEN_FROM = 10_000
"""Columns of fewer cells are not remembered: their set is as quick as the comparison."""
_PROVEN: deque[weakref.ref[np.ndarray]] = deque(maxlen=8)
"""Columns of texts found without a repeat, the latest last; see `without_repeats`."""


def _cells(values: Any) -> np.ndarray | None:
    """The cells of `values` as a 1-D object array, without a copy, when it is a Series
    or an array of objects or texts; None else (a list, numbers: never texts, and their
    boxing would cost what the comparison saves)."""
    if not isinstance(values, pd.Series | np.ndarray | pd.api.extensions.ExtensionArray) \
            or not (values.dtype == object or isinstance(values.dtype, pd.StringDtype)):
        return None
    array = np.asarray(values, dtype=object)
    return array if array.ndim == 1 else None


def _owner(array: np.ndarray) -> np.ndarray:
    """The array that owns `array`'s cells when `array` is a whole view of it (a Series
    hands out views of its cells), so that the reference lives as long as the column."""
    while isinstance(array.base, np.ndarray) and array.base.shape == array.shape \
            and array.base.dtype == array.dtype:
        array = array.base
    return array


def _proven(array: np.ndarray) -> bool:
    """Whether `array` is, cell by cell, equal to a column remembered in `_PROVEN` (an even
    sample of 64 cells first, so that another column of that length costs little)."""
    if len(array) < PROVEN_FROM:
        return False
    step = len(array) // 64
    for ref in list(_PROVEN):
        known = ref()
        if known is None or len(known) != len(array):
            continue
        if known is _owner(array):
            return True
        try:
            if np.array_equal(known[::step], array[::step]) and np.array_equal(known, array):
                return True
        except (TypeError, ValueError):  # a cell that will not compare (pd.NA)
            continue
    return False


SAMPLE = 2_000
"""Cells `codes_if_repeated` looks at before it factorizes a column, and `hardly_repeats`
at to tell."""


def hardly_repeats(values: np.ndarray) -> bool:
    """Whether an even sample of SAMPLE cells holds no value twice, blanks aside: a
    column of e-mail addresses or keys, not one of addresses 40 % of them distinct,
    which repeats in it. False for fewer than 2 * SAMPLE cells."""
    sample = _sample(values)
    if sample is None:
        return False
    present = sample[~pd.isna(sample)].tolist()
    try:
        return len(set(present)) == len(present)
    except TypeError:  # a cell that cannot be hashed
        return False


def _sample(values: Any) -> Any:
    """An even sample of about SAMPLE cells of `values`; None for fewer than 2 * SAMPLE."""
    n = len(values)
    return None if n < 2 * SAMPLE else values[:: n // SAMPLE]


def codes_if_repeated(values: Any, at_most: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Each cell's code into the distinct values (a blank among them, as NaN) when at
    most the share `at_most` of the cells are distinct; None else, and for fewer than
    2 * SAMPLE cells.

    An even sample of SAMPLE cells decides first, so that a column of codes costs one
    look at them, not a factorization of every cell."""
    sample = _sample(values)
    if sample is None or len(set(sample)) > at_most * len(sample):
        return None
    # Blanks take the code past the last value: pandas' own `use_na_sentinel=False`
    # costs another pass over every cell (`isna`), 10 ms of a 100,000-text column.
    codes, found = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    uniques = np.asarray(found, dtype=object)
    blank = codes < 0
    if blank.any():
        codes[blank] = len(uniques)
        uniques = np.append(uniques, np.nan)
    if len(uniques) > at_most * len(values):  # the sample missed most of them
        return None
    return codes, uniques


def fold_joined(texts: list[str], fold: Callable[[str], str]) -> list[str] | None:
    """`[fold(t) for t in texts]` as one `fold` of the texts joined by newlines.

    For folds that change each line on its own (translate tables, NFKC, regexes that
    cannot match a newline): one call over 100,000 values instead of 100,000 calls.
    None when a text holds a newline itself, or the fold changed the number of lines.
    """
    if not texts:
        return []
    joined = join_lines(texts)
    if joined is None:
        return None
    lines = fold(joined).split("\n")
    return lines if len(lines) == len(texts) else None


ODD_SPACES = "\t\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004" \
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
"""What `\\s` matches (str.isspace) but a space and a newline: in texts joined by
newlines, the spaces inside a line besides the space itself. tests/test_distinct.py holds
it so."""


def join_lines(texts: list[str]) -> str | None:
    """The texts joined by newlines, one text per line; None when a text holds a newline."""
    joined = "\n".join(texts)
    return joined if joined.count("\n") == len(texts) - 1 else None


class LineOf:
    """The line number of each match of a regex over texts joined by newlines, for matches
    met in order (`re.sub` and `finditer` meet them so): one count of newlines since the
    last match instead of a search per line."""

    def __init__(self) -> None:
        self.line = 0
        self.pos = 0

    def __call__(self, match: re.Match[str]) -> int:
        start = match.start()
        self.line += match.string.count("\n", self.pos, start)
        self.pos = start
        return self.line


_UNSEEN, _DROPPED, _LONGER = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
"""What CharTable's array holds for a character not looked up yet, one mapped to nothing,
and one mapped to more than one character (no code point is that large)."""


class CharTable(dict[int, str | None]):
    """A `str.translate` table (code point → text, or None to drop it), which `translate`
    applies to a long text as one array lookup over its code points. Subclasses fill it
    on first sight of a character (`__missing__`).

    Why: str.translate looks each character up in the table, a dict, one at a time
    (about 50 ns each here: 55 ms for the keys of 100,000 company names); the lookup of
    all of a text's code points in an array, filled from the dict, takes a fraction.
    """

    def translate(self, text: str) -> str:
        """`text.translate(self)`."""
        if len(text) < TABLE_FROM:
            return text.translate(self)
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        if int(codes.max()) >= _TABLE_SIZE:
            return text.translate(self)
        table = self._table()
        mapped = table[codes]
        unseen = mapped == _UNSEEN
        if unseen.any():
            for code in np.unique(codes[unseen]).tolist():
                table[code] = self._entry(code)
            mapped = table[codes]
        if (mapped == _LONGER).any():
            return text.translate(self)
        dropped = mapped == _DROPPED
        if dropped.any():
            mapped = mapped[~dropped]
        return mapped.tobytes().decode("utf-32-le", "surrogatepass")

    def _table(self) -> np.ndarray:
        table: np.ndarray | None = getattr(self, "_array", None)
        if table is None:
            table = self._array = np.full(_TABLE_SIZE, _UNSEEN, dtype=np.uint32)
        return table

    def _entry(self, code: int) -> int:
        value: object = self[code]
        if value is None or value == "":
            return _DROPPED
        if isinstance(value, int):
            return value
        assert isinstance(value, str)
        return ord(value) if len(value) == 1 else _LONGER


TABLE_FROM = 4096
"""Texts at least this long are translated as arrays by a CharTable: below, the arrays'
set-up costs more than str.translate."""
_TABLE_SIZE = 0x30000
"""Code points a CharTable's array holds (768 KB): up to the CJK extensions of plane 2;
a text with a character beyond is translated by str.translate."""


class _NfkcChars(CharTable):
    """NFKC of one character at a time. Filled on first sight."""

    def __missing__(self, code: int) -> str:
        value = self[code] = unicodedata.normalize("NFKC", chr(code))
        return value


_NFKC_CHARS = _NfkcChars()


def nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`, faster for long text that is not NFKC yet.

    Why: once one character of a text fails NFKC's quick check, unicodedata decomposes
    and composes all of it again (0.25-0.30 s for 100,000 addresses joined by newlines,
    a third of them with full-width digits). NFKC(s) is NFC of s with each character
    replaced by its own NFKC: both are the composition of s's compatibility
    decomposition, whose mapping is per character (the reordering of combining marks
    and their composition across characters is NFC's). The replacement is a CharTable
    translation, and NFC's quick check passes most text without a rewrite: 0.02 s.
    tests/test_distinct.py holds it to unicodedata."""
    if len(text) < TABLE_FROM or unicodedata.is_normalized("NFKC", text):
        return unicodedata.normalize("NFKC", text)
    return unicodedata.normalize("NFC", _NFKC_CHARS.translate(text))
