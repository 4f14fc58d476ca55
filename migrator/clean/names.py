"""Company and person names: one written form for display, a key for matching, a split.

Company legal forms are folded to their full written form where the person typed them
(`(株)山田商事` → `株式会社山田商事`, `山田商事㈱` → `山田商事株式会社`); the matching key
drops them, so every spelling of one company shares one key. Person names are split into
family and given name only where the source says where the split is (a space or a comma).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pandas as pd

from migrator.clean.base import (
    Cell,
    Columns,
    Context,
    Outcome,
    apply_distinct_columns,
    text_columns,
)
from migrator.clean.kana import collapse_spaces, fold_lines, fold_width, is_blank
from migrator.distinct import LineOf, join_lines
from migrator.errors import RejectReason
from migrator.reference.companies import (
    CANONICAL,
    MARKER,
    MARKER_LINES,
    MARKER_STARTS,
    bare,
    english_form,
    match_key,
    match_key_lines,
)


@cache
def _canonical(marker: str) -> str:
    """`（ 株 ）` → `株式会社`; a column names a handful of markers, each looked up once."""
    return CANONICAL[bare(marker)]


def _fold_japanese(name: str) -> tuple[str, str | None]:
    """The display name with its first legal form written out in place, and that form."""
    match = MARKER.search(name)
    if match is None:
        return name, None
    form = _canonical(match.group(0))
    before, after = name[: match.start()].rstrip(), name[match.end() :]
    if not before:  # a prefix: `株式会社 山田商事` → `株式会社山田商事`
        return form + after.lstrip(), form
    return before + form + after, form  # a suffix, or in the middle before a branch


def _company_one(value: object) -> Cell:
    if is_blank(value):
        return Cell(extra=(pd.NA, pd.NA))
    if not isinstance(value, str):
        return Cell(reason=RejectReason.INVALID_COMPANY_NAME, extra=(pd.NA, pd.NA))
    name = collapse_spaces(fold_width(value))
    display, form = _fold_japanese(name)
    if form is None:
        _, form = english_form(name)
    key = match_key(name)
    if not key:  # only a legal form (`株式会社`, `(株)`) or only punctuation
        return Cell(reason=RejectReason.INVALID_COMPANY_NAME, extra=(pd.NA, pd.NA))
    return Cell(value=display, extra=(key, form))


# Each line of names joined by newlines as (before, space, first legal form, space, rest):
# the line is the five joined, the form and before and rest empty where it has none.
# fold_lines leaves one space at most between words, so `before` is `rstrip`ped and
# `rest` `lstrip`ped as _fold_japanese does.
#
# `before` is taken a run of characters that cannot start a marker (nor a space before
# one) at a time, each other character alone: the same leftmost marker, tried only where
# one can start (100,000 names: 78 -> 59 ms).
_FIRST_MARKER = re.compile(
    rf"^(?:((?:[^\n {MARKER_STARTS}]++|[ {MARKER_STARTS}])*?)( ?)({MARKER_LINES.pattern})( ?))?"
    r"([^\n]*)", re.MULTILINE)


def _folded(texts: list[str]) -> str | None:
    """The texts joined by newlines, each folded as fold_lines folds a line; None where a
    text holds a newline."""
    joined = join_lines(texts)
    return None if joined is None else fold_lines(joined)


class _Canonical(dict[str, str | None]):
    """`_canonical` as a dict, read once per line: no marker ("") has no form."""

    def __missing__(self, marker: str) -> str | None:
        form = self[marker] = _canonical(marker) if marker else None
        return form


_FORM_OF = _Canonical()


def _company_texts(texts: list[str]) -> Columns | None:
    """`_company_one` of each text as Columns, from the texts joined by newlines: folded,
    split at their first legal forms and keyed by one regex run each over all of them.
    None where a text holds a newline. tests/clean/test_names.py holds it to
    `_company_one`."""
    if not texts:
        return Columns([], [], None, ([], []))
    names = _folded(texts)
    if names is None:
        return None
    parts = _FIRST_MARKER.findall(names)
    if len(parts) != len(texts):
        return None
    form_of = _FORM_OF
    forms: list[Any] = [form_of[marker] for _, _, marker, _, _ in parts]
    displays: list[Any] = [  # _fold_japanese: the form written out, at the start or in place
        (before + form_of[marker] + space + rest if before else form_of[marker] + rest)
        if marker else rest for before, _, marker, space, rest in parts]
    keys: list[Any] = match_key_lines(names, forms).split("\n")
    reasons: list[Any] = [pd.NA] * len(texts)
    for i in [i for i, key in enumerate(keys) if not key]:  # blank, only a legal form, or
        displays[i] = keys[i] = forms[i] = pd.NA           # only punctuation
        if not is_blank(texts[i]):
            reasons[i] = RejectReason.INVALID_COMPANY_NAME
    return Columns(displays, reasons, None, (keys, [pd.NA if f is None else f for f in forms]))


def _company_many(values: list[object]) -> Columns:
    """`_company_one` of each value, as Columns: the text ones all at once."""
    return text_columns(values, _company_texts, _company_one, 2)


def company_transform(series: pd.Series, ctx: Context) -> Outcome:
    """Company names with one written legal form, plus `match_key` and `legal_form`.

    Example: `(株) 山田商事` → `株式会社山田商事`, key `山田商事`, form `株式会社`.
    English names keep their display (`Blue Harbor, Inc.`); only the key drops `Inc.`.
    """
    return apply_distinct_columns(series, _company_many, ("match_key", "legal_form"))


_HONORIFIC_SUFFIX = re.compile(r"\s*(?:様|さま|殿|さん)$")
_HONORIFIC_PREFIX = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+", re.IGNORECASE)
_LATIN_ONLY = re.compile(r"^[\sA-Za-z\u00c0-\u024f.,'\-]+$")


def _strip_honorifics(name: str) -> tuple[str, str | None]:
    removed = []
    for pattern in (_HONORIFIC_PREFIX, _HONORIFIC_SUFFIX):
        match = pattern.search(name)
        if match:
            removed.append(match.group(0).strip())
            name = (name[: match.start()] + name[match.end() :]).strip()
    return name, (f"removed honorific {' '.join(removed)}" if removed else None)


def _split(name: str) -> tuple[object, object]:
    """(family, given): `山田 太郎`, `Smith, John`, `Mary Ann Lee`; NA where no split is written."""
    if "," in name:
        family, _, given = name.partition(",")
        return (family.strip(), given.strip()) if family.strip() and given.strip() else (
            pd.NA, pd.NA)
    tokens = name.split(" ")
    if _LATIN_ONLY.match(name):
        return (tokens[-1], " ".join(tokens[:-1])) if len(tokens) > 1 else (pd.NA, pd.NA)
    return (tokens[0], tokens[1]) if len(tokens) == 2 else (pd.NA, pd.NA)


def _person_one(value: object) -> Cell:
    if is_blank(value):
        return Cell(extra=(pd.NA, pd.NA))
    if not isinstance(value, str):
        return Cell(reason=RejectReason.INVALID_PERSON_NAME, extra=(pd.NA, pd.NA))
    name, note = _strip_honorifics(collapse_spaces(fold_width(value)))
    if not any(c.isalpha() for c in name):
        return Cell(reason=RejectReason.INVALID_PERSON_NAME, extra=(pd.NA, pd.NA))
    return Cell(value=name, note=note, extra=_split(name))


# A line that may hold an honorific, for `_strip_honorifics` to say (it may hold none:
# `Mr` alone ends at a newline that `\s` takes).
_MAY_BE_HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s|(?:様|さま|殿|さん)$",
                               re.IGNORECASE | re.MULTILINE)


def _person_texts(texts: list[str]) -> Columns | None:
    """`_person_one` of each text as Columns: folded, spaces collapsed and honorifics
    found by one run each over the texts joined by newlines; only the lines that hold an
    honorific are stripped one by one. None where a text holds a newline.

    Why: a Cell per value took 100,000 distinct names to 94k values/s.
    tests/clean/test_names.py holds it to `_person_one`."""
    if not texts:
        return Columns([], [], None, ([], []))
    folded = _folded(texts)
    if folded is None:
        return None
    names = folded.split("\n")
    if len(names) != len(texts):
        return None
    stripped: list[Any] = [pd.NA] * len(names)
    line_of = LineOf()
    for line in sorted({line_of(m) for m in _MAY_BE_HONORIFIC.finditer(folded)}):
        names[line], note = _strip_honorifics(names[line])
        stripped[line] = pd.NA if note is None else note
    values: list[Any] = []
    reasons: list[Any] = []
    notes: list[Any] = []
    family: list[Any] = []
    given: list[Any] = []
    invalid = RejectReason.INVALID_PERSON_NAME
    for text, name, note in zip(texts, names, stripped, strict=True):
        if any(map(str.isalpha, name)):
            values.append(name)
            reasons.append(pd.NA)
            notes.append(note)
            first, second = _split(name)
            family.append(first)
            given.append(second)
        else:  # blank, or without a letter
            values.append(pd.NA)
            reasons.append(pd.NA if is_blank(text) else invalid)
            notes.append(pd.NA)
            family.append(pd.NA)
            given.append(pd.NA)
    held = notes if any(note is not pd.NA for note in notes) else None
    return Columns(values, reasons, held, (family, given))


def _person_many(values: list[object]) -> Columns:
    """`_person_one` of each value, as Columns: the text ones all at once."""
    return text_columns(values, _person_texts, _person_one, 2)


def person_transform(series: pd.Series, ctx: Context) -> Outcome:
    """Person names with spaces collapsed, honorifics removed, split where a separator says.

    Example: `山田　太郎 様` → `山田 太郎`, family `山田`, given `太郎`. `山田太郎` is not split:
    where a Japanese family name ends is not ours to guess.
    """
    return apply_distinct_columns(series, _person_many, ("family_name", "given_name"))
