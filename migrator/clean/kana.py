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
from migrator.distinct import LineOf, fold_joined, join_lines
from migrator.errors import RejectReason

_FULLWIDTH_OFFSET = 0xFEE0  # `Ａ` (U+FF21) - `A` (U+0041)
_ALNUM = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]")
# A run of ASCII or full-width ASCII (U+FF01..U+FF5D, not the brackets, not `～` U+FF5E).
_RUN = re.compile(r"[!-~\uff01-\uff07\uff0a-\uff5d]+")
# Full-width brackets convert as a pair, and only around ASCII content: `（１２３４）` → `(1234)`,
# `（株）` stays (the company rule reads it), so a pair is never half converted.
_BRACKETS = re.compile(r"（([!-~\uff01-\uff07\uff0a-\uff5d]*)）")
_DIGIT_DASH = re.compile(r"(?<=[0-9])[ー−‐‑–—―ｰ－](?=[0-9])")
_HALF_KANA = re.compile(r"[\uff61-\uff9f]")
_SPACES = re.compile(r"[\s\u3000]+")
_KANJI = re.compile(r"[\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
_LATIN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ\u00c0-\u024f]")


# Anything fold_width would change: full-width ASCII, half-width kana, a dash between digits.
_FOLDS = re.compile(r"[\uff01-\uff5e\uff61-\uff9f]|(?<=[0-9])[ー−‐‑–—―ｰ－](?=[0-9])")
_TO_ASCII = {code: code - _FULLWIDTH_OFFSET for code in range(0xFF01, 0xFF5F)}


def _to_ascii(text: str) -> str:
    """`ＡＢＣ－１` → `ABC-1`: every full-width ASCII character of `text` to ASCII."""
    return text.translate(_TO_ASCII)


def _run(match: re.Match[str]) -> str:
    """A run converts when it holds a letter or digit: `ＡＢＣ＆Ｃｏ．`, not a lone `！`."""
    run = match.group(0)
    return _to_ascii(run) if _ALNUM.search(run) else run


def _bracket(match: re.Match[str]) -> str:
    inner = match.group(1)
    return f"({_to_ascii(inner)})" if _ALNUM.search(inner) else match.group(0)


def fold_width(text: str) -> str:
    """ASCII letters, digits and their punctuation to ASCII; half-width kana to full-width.

    `０３（１２３４）５６７８` → `03(1234)5678`, `ﾔﾏﾀﾞ` → `ヤマダ`, `03ー1234` → `03-1234`;
    `㈱`, `①`, `髙`, `﨑`, `～`, `（株）`, `はい！` and the ideographic space stay as typed.
    """
    if _FOLDS.search(text) is None:  # most cells: one scan instead of four rewrites
        return text
    text = _BRACKETS.sub(_bracket, text)
    text = _RUN.sub(_run, text)
    text = _DIGIT_DASH.sub("-", text)
    if _HALF_KANA.search(text):
        text = jaconv.h2z(text, kana=True, ascii=False, digit=False)
    return text


def collapse_spaces(text: str) -> str:
    """Runs of spaces (the ideographic space too) to one ASCII space, trimmed."""
    return _SPACES.sub(" ", text).strip()


# _SPACES on joined lines, a newline kept: the runs a space replaces, but not one that is
# a space already (most are: a rewrite fewer per name)
_LINE_SPACES = re.compile(r"[^\S\n]{2,}|[^\S \n]")
_LINE_ENDS = re.compile(r"^ | $", re.MULTILINE)  # then `strip` of each line


def fold_lines(text: str) -> str:
    """`collapse_spaces(fold_width(line))` of each line of `text`, texts joined by newlines."""
    return _LINE_ENDS.sub("", _LINE_SPACES.sub(" ", fold_width(text)))


def fold_all(texts: list[str]) -> list[str]:
    """`[collapse_spaces(fold_width(t)) for t in texts]`, the rewrites run once over the
    joined texts: each of fold_width's rewrites stays inside a line (its patterns do not
    match a newline; jaconv replaces and translates characters), and so do the space
    rewrites that keep newlines. tests/clean/test_kana.py holds the two equal."""
    lines = fold_joined(texts, fold_lines)
    return [collapse_spaces(fold_width(text)) for text in texts] if lines is None else lines


def _katakana_lines(text: str) -> str:
    return _LINE_ENDS.sub("", _LINE_SPACES.sub(" ", jaconv.hira2kata(fold_width(text))))


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
