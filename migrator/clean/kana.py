"""Width and kana: full-width ASCII to ASCII, half-width kana to full-width, furigana to katakana.

Why not plain NFKC: NFKC is a compatibility fold, not a width fold. Besides `０３`→`03`
it also rewrites `㈱`→`(株)` (the company-name rule owns that), `①`→`1`, `～`→`~` (a
Japanese range `10～20` becomes `10~20`), `㍻`→`平成`, `℡`→`TEL`, `²`→`2`, and CJK
compatibility ideographs such as `神` (U+FA19) → `神`: a different code point in a person's
registered name. `width_transform` therefore folds only what is unambiguous.
"""

from __future__ import annotations

import re
from typing import Any

import jaconv
import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from migrator.clean.base import (
    Cell,
    Columns,
    Context,
    Outcome,
    apply_distinct,
    apply_distinct_columns,
    empty_reasons,
    text_columns,
)
from migrator.distinct import ODD_SPACES, CharTable, LineOf, fold_joined, join_lines
from migrator.errors import RejectReason

_FULLWIDTH_OFFSET = 0xFEE0  # `Ａ` (U+FF21) - `A` (U+0041)
_ALNUM = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]")
# A run of ASCII or full-width ASCII (U+FF01..U+FF5D, not the brackets, not `～` U+FF5E).
_RUN = re.compile(r"[!-~\uff01-\uff07\uff0a-\uff5d]+")
# Full-width brackets convert as a pair, and only around ASCII content: `（１２３４）` → `(1234)`,
# `（株）` stays (the company rule reads it), so a pair is never half converted.
_BRACKETS = re.compile(r"（([!-~\uff01-\uff07\uff0a-\uff5d]*)）")
_DASHES = "ー−‐‑–—―ｰ－"
# A dash between digits, the dash first (the lookbehind reads the digit before it and the
# dash): a search then skips to the dashes by their character set (6 ms over 100,000
# names, against 24 ms with the lookbehind first).
_DIGIT_DASH = re.compile(rf"[{_DASHES}](?<=[0-9].)(?=[0-9])")
_HALF_KANA = re.compile(r"[\uff61-\uff9f]")
_SPACES = re.compile(r"[\s\u3000]+")
_KANJI = re.compile(r"[\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
_LATIN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ\u00c0-\u024f]")


# What fold_width may change, besides a dash between digits: full-width ASCII, half-width
# kana. One character set: a search skips through text that holds none (7 ms over
# 100,000 names, against 40 ms for one pattern with the dashes as an alternative).
_FOLD_CHARS = re.compile(r"[\uff01-\uff5e\uff61-\uff9f]")
_FULL_IN_RUN = re.compile(r"[\uff01-\uff07\uff0a-\uff5d]")
_TO_ASCII = {code: code - _FULLWIDTH_OFFSET for code in range(0xFF01, 0xFF5F)}


def _to_ascii(text: str) -> str:
    """`ＡＢＣ－１` → `ABC-1`: every full-width ASCII character of `text` to ASCII."""
    return text.translate(_TO_ASCII)


def _run(match: re.Match[str]) -> str:
    """A run converts when it holds a letter or digit: `ＡＢＣ＆Ｃｏ．`, not a lone `！`."""
    run = match.group(0)
    return _to_ascii(run) if _ALNUM.search(run) else run


_ARRAY_FROM = 2048
"""Text at least this long (texts joined by newlines) has its runs converted as an array
(`_runs_to_ascii`); a shorter one, one `_run` call per run."""


def _runs_to_ascii(text: str) -> str:
    """`_RUN.sub(_run, text)` as array operations on the text's code points.

    Why: a call per run is most of fold_width over joined texts (100,000 names of a
    full-width word and a number: 0.32 s of 0.48 s, two runs each); here one pass per
    step over all code points. A run is a stretch of run characters (ASCII printable,
    full-width ASCII but its brackets); each of its full-width characters becomes ASCII
    when it holds a letter or digit of either width. tests/clean/test_kana.py holds the
    two equal."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    full = (codes >= 0xFF01) & (codes <= 0xFF5D) & (codes != 0xFF08) & (codes != 0xFF09)
    ascii_of = np.where(full, codes - _FULLWIDTH_OFFSET, codes)
    in_run = full | ((codes >= 0x21) & (codes <= 0x7E))
    lower = ascii_of | 0x20  # an ASCII letter in lower case
    digit = (ascii_of >= 0x30) & (ascii_of <= 0x39)
    alnum = in_run & (digit | ((lower >= 0x61) & (lower <= 0x7A)))
    starts = in_run.copy()
    starts[1:] &= ~in_run[:-1]
    run_of = np.cumsum(starts)  # the number of the run a character is in, counted from 1
    has_alnum = np.zeros(int(run_of[-1]) + 1, dtype=bool)
    has_alnum[run_of[alnum]] = True
    convert = full & has_alnum[run_of]
    if not convert.any():
        return text
    return np.where(convert, ascii_of, codes).astype(np.uint32).tobytes().decode(
        "utf-32-le", "surrogatepass")


def _bracket(match: re.Match[str]) -> str:
    inner = match.group(1)
    return f"({_to_ascii(inner)})" if _ALNUM.search(inner) else match.group(0)


def fold_width(text: str) -> str:
    """ASCII letters, digits and their punctuation to ASCII; half-width kana to full-width.

    `０３（１２３４）５６７８` → `03(1234)5678`, `ﾔﾏﾀﾞ` → `ヤマダ`, `03ー1234` → `03-1234`;
    `㈱`, `①`, `髙`, `﨑`, `～`, `（株）`, `はい！` and the ideographic space stay as typed.
    """
    if _FOLD_CHARS.search(text) is None and (  # most cells: a scan or two, no rewrite
            not any(dash in text for dash in _DASHES) or _DIGIT_DASH.search(text) is None):
        return text
    text = _BRACKETS.sub(_bracket, text)
    if _FULL_IN_RUN.search(text) is not None:  # else every run is ASCII: nothing to convert
        text = _runs_to_ascii(text) if len(text) >= _ARRAY_FROM else _RUN.sub(_run, text)
    text = _DIGIT_DASH.sub("-", text)
    if _HALF_KANA.search(text):
        text = _full_kana(text)
    return text


def _h2z(text: str) -> str:
    return str(jaconv.h2z(text, kana=True, ascii=False, digit=False))


_HALF = [chr(code) for code in range(0xFF61, 0xFFA0)]
_VOICED = {pair: full for pair in (kana + mark for kana in _HALF for mark in "ﾞﾟ")
           if len(full := _h2z(pair)) == 1}
"""Half-width kana and their voicing mark that jaconv writes as one full-width kana."""


class _FullKana(CharTable):
    """jaconv's half- to full-width kana, one character at a time. Filled on first sight."""

    def __missing__(self, code: int) -> str:
        full = self[code] = _h2z(chr(code))
        return full


class _Katakana(CharTable):
    """jaconv's hiragana to katakana, one character at a time. Filled on first sight."""

    def __missing__(self, code: int) -> str:
        kata = self[code] = str(jaconv.hira2kata(chr(code)))
        return kata


_FULL_KANA = _FullKana()
_KATAKANA = _Katakana()


def _full_kana(text: str) -> str:
    """`jaconv.h2z(text, kana=True)`: the voiced pairs replaced, then each character
    translated, as jaconv does, but translated as an array when the text is long (texts
    joined by newlines: CharTable). tests/clean/test_kana.py holds the two equal."""
    for pair, full in _VOICED.items():
        if pair in text:
            text = text.replace(pair, full)
    return _FULL_KANA.translate(text)


def collapse_spaces(text: str) -> str:
    """Runs of spaces (the ideographic space too) to one ASCII space, trimmed."""
    return _SPACES.sub(" ", text).strip()


# _SPACES on joined lines, a newline kept: the runs a space replaces, but not one that is
# a space already (most are: a rewrite fewer per name)
_LINE_SPACES = re.compile(r"[^\S\n]{2,}|[^\S \n]")
_LINE_ENDS = re.compile(r"^ | $", re.MULTILINE)  # then `strip` of each line


def collapse_line_spaces(text: str) -> str:
    """collapse_spaces of each line of `text` (texts joined by newlines), newlines kept.
    `in` tells first whether the rewrites have anything to do: over 100,000 names with
    single spaces, 5 ms against the regexes' 50 ms."""
    if "  " in text or any(space in text for space in ODD_SPACES):
        text = _LINE_SPACES.sub(" ", text)
    if " \n" in text or "\n " in text or text.startswith(" ") or text.endswith(" "):
        text = _LINE_ENDS.sub("", text)
    return text


def fold_lines(text: str) -> str:
    """`collapse_spaces(fold_width(line))` of each line of `text`, texts joined by newlines."""
    return collapse_line_spaces(fold_width(text))


def fold_all(texts: list[str]) -> list[str]:
    """`[collapse_spaces(fold_width(t)) for t in texts]`, the rewrites run once over the
    joined texts: each of fold_width's rewrites stays inside a line (its patterns do not
    match a newline; jaconv replaces and translates characters), and so do the space
    rewrites that keep newlines. tests/clean/test_kana.py holds the two equal."""
    lines = fold_joined(texts, fold_lines)
    return [collapse_spaces(fold_width(text)) for text in texts] if lines is None else lines


def _katakana_lines(text: str) -> str:
    return collapse_line_spaces(_KATAKANA.translate(fold_width(text)))


def to_katakana_all(texts: list[str]) -> list[str]:
    """`[to_katakana(t) for t in texts]`, run once over the joined texts as `fold_all` is
    (hira2kata is a translate table)."""
    lines = fold_joined(texts, _katakana_lines)
    return [to_katakana(text) for text in texts] if lines is None else lines


_BLANK = " \t\r\n\u3000"
"""The spaces a blank cell holds, if anything."""


def is_blank(value: object) -> bool:
    """An empty cell: None, NaN, NA, or only spaces."""
    if isinstance(value, str):
        return not value.strip(_BLANK)
    return bool(pd.isna(value)) if not isinstance(value, list | tuple | dict) else False


def _width_one(value: object) -> Cell:
    if is_blank(value):
        return Cell()
    return Cell(value=fold_width(value) if isinstance(value, str) else value)


def width_transform(series: pd.Series, ctx: Context) -> Outcome:
    """Full-width ASCII to ASCII and half-width kana to full-width, nothing else.

    Never rejects: a value it does not understand is left as typed. Non-text values
    (numbers from Excel) pass through unchanged.
    """
    data = series.to_numpy(dtype=object)
    if infer_dtype(data, skipna=False) != "string":  # empties or numbers: the general path
        return apply_distinct(series, _width_one)
    if _ascii_unblank(data):  # codes, ids, e-mail addresses: nothing to fold, nothing blank
        return Outcome(values=pd.Series(data, index=series.index, dtype=object),
                       reasons=empty_reasons(series.index),
                       changed=np.zeros(len(data), dtype=bool),
                       present=np.ones(len(data), dtype=bool),
                       failed=np.zeros(len(data), dtype=bool))
    # Only text (a code or name column): the distinct values folded at once, no Cell per value.
    codes, uniques = pd.factorize(data, use_na_sentinel=True)
    texts: list[str] = list(uniques)
    lines = fold_joined(texts, fold_width)
    if lines is None:
        lines = [fold_width(text) for text in texts]
    table = np.empty(len(texts) + 1, dtype=object)
    table[:-1] = [pd.NA if not text.strip(_BLANK) else line  # is_blank of a text, no call
                  for text, line in zip(texts, lines, strict=True)]
    table[-1] = pd.NA  # code -1: a missing cell (none in a text column)
    folded = table[codes]
    return Outcome(values=pd.Series(folded, index=series.index, dtype=object),
                   reasons=empty_reasons(series.index),
                   present=~pd.isna(table)[codes], failed=np.zeros(len(data), dtype=bool))


_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")


def _ascii_unblank(texts: np.ndarray) -> bool:
    """Whether every text is ASCII and none blank: then fold_width changes none of them
    (it rewrites full-width and half-width characters and non-ASCII dashes only).

    Why: a column of 300,000 distinct sale ids took 0.13-0.15 s to factorize and fold
    one by one; joined, the answer takes one `isascii` and one search (0.011-0.014 s).
    A blank text, whitespace between two newlines once joined, is always found; a text
    holding a blank line of its own only sends the column the usual way."""
    joined = "\n".join(texts)
    return joined.isascii() and _BLANK_LINE.search(f"\n{joined}\n") is None


def to_katakana(text: str) -> str:
    """Hiragana and half-width kana to full-width katakana, spaces to one ASCII space."""
    return collapse_spaces(jaconv.hira2kata(fold_width(text)))


_NOT_KANA_LINE = re.compile(rf"(?:{_KANJI.pattern}|{_LATIN.pattern})[^\n]*")
"""A kanji or Latin letter and the rest of its line: one match per line that holds any."""


def _kana_texts(texts: list[str]) -> Columns | None:
    """`_kana_one` of each text as Columns, the texts converted and checked all at once
    (joined by newlines); None where a text holds a newline."""
    if not texts:
        return Columns([], [])
    joined = join_lines(texts)
    if joined is None:
        return None
    converted = _katakana_lines(joined)
    lines: list[Any] = converted.split("\n")
    if len(lines) != len(texts):
        return None
    for i in [i for i, line in enumerate(lines) if not line]:
        if is_blank(texts[i]):
            lines[i] = pd.NA
    reasons: list[object] = [pd.NA] * len(lines)
    line_of = LineOf()
    for match in _NOT_KANA_LINE.finditer(converted):
        i = line_of(match)
        lines[i], reasons[i] = pd.NA, RejectReason.INVALID_KANA
    return Columns(lines, reasons)


def _kana_many(values: list[object]) -> Columns:
    """`_kana_one` of each value, as Columns: the text ones all at once."""
    return text_columns(values, _kana_texts, _kana_one)


def _kana_one(value: object) -> Cell:
    if is_blank(value):
        return Cell()
    if not isinstance(value, str):
        return Cell(reason=RejectReason.INVALID_KANA)
    kana = to_katakana(value)
    if _KANJI.search(kana) or _LATIN.search(kana):
        return Cell(reason=RejectReason.INVALID_KANA)
    return Cell(value=kana)


def kana_transform(series: pd.Series, ctx: Context) -> Outcome:
    """Furigana to full-width katakana: `やまだ　たろう`, `ﾔﾏﾀﾞ ﾀﾛｳ` → `ヤマダ タロウ`.

    Family and given name are separated by one ASCII space, as `person_name` writes them,
    so a reading and its name split the same way and compare equal whatever space was
    typed. A reading that holds kanji or Latin letters (`山田`) is the wrong data in the
    column, rejected as `invalid_kana` rather than converted.
    """
    return apply_distinct_columns(series, _kana_many)
