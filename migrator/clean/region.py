"""Regions and countries: `東京`/`Tokyo`/`13` → `東京都`, `California` → `CA`, `日本` → `JP`.

Prefectures keep their full written name and US states their USPS code, as DESIGN.md
asks; countries become ISO 3166-1 alpha-2. Each distinct value is read once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from functools import lru_cache
from typing import Any

import pandas as pd

from migrator.clean.base import Context, Outcome
from migrator.errors import RejectReason
from migrator.reference.places import (
    COUNTRIES,
    PREFECTURE_BY_CODE,
    PREFECTURE_BY_ROMAJI,
    PREFECTURES,
    US_STATE_ABBREVIATIONS,
    US_STATE_BY_NAME,
    US_STATES,
)

Result = tuple[Any, str | None, str | None]
"""What a per-value reader returns: the cleaned value (or NA), a reason and a note (or None)."""


def is_empty(value: object) -> bool:
    """None, NA, NaN and blank text are empty: no value, no reason."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return True
    return isinstance(value, str) and not value.strip()


def map_distinct(keys: Iterable[Hashable], read: Callable[[Any], Result],
                 index: pd.Index) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Values, reasons and notes from `read`, called once per distinct key: columns repeat."""
    cache: dict[Hashable, Result] = {}
    rows: list[Result] = []
    for key in keys:
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = read(key)
        rows.append(hit)

    def part(i: int) -> pd.Series:
        return pd.Series([pd.NA if r[i] is None else r[i] for r in rows], index=index,
                         dtype="object")

    return part(0), part(1), part(2)


def _romaji_key(text: str) -> str:
    """`Tōkyō`, `Toukyou`, `TOKYO` → `tokyo`; long vowels are spelt many ways."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if ch.isascii() and ch.isalpha())
    for long, short in (("ou", "o"), ("oo", "o"), ("uu", "u")):
        text = text.replace(long, short)
    return text


_BY_ROMAJI = {_romaji_key(r): p for r, p in PREFECTURE_BY_ROMAJI.items()}
_BY_SHORT = {p[:-1]: p for p in PREFECTURES if p != "北海道"}  # 東京 → 東京都, 京都 → 京都府
_ROMAJI_SUFFIX = re.compile(r"[\s\-]*(?:to|fu|ken|do|prefecture|pref)$")
_CODE_PREFIX = re.compile(r"^(\d{1,2})[\s.:\-]*(.*)$")


def _prefecture(text: str) -> str | None:
    """A prefecture from its name with or without 都/府/県, its romaji or its JIS code."""
    if text in PREFECTURES:
        return text
    if text in _BY_SHORT:
        return _BY_SHORT[text]
    lower = text.lower().replace("prefecture", "").strip(" -.")
    for candidate in (lower, _ROMAJI_SUFFIX.sub("", lower)):
        key = _romaji_key(candidate)
        if key in _BY_ROMAJI:
            return _BY_ROMAJI[key]
    return None


def _state(text: str) -> str | None:
    """A USPS code from a code in any case (`ca`, `N.Y.`), a name or a short form."""
    bare = re.sub(r"\s+", " ", text.replace(".", "")).strip().lower()
    if len(bare.replace(" ", "")) == 2 and bare.replace(" ", "").upper() in US_STATES:
        return bare.replace(" ", "").upper()
    return US_STATE_BY_NAME.get(bare) or US_STATE_ABBREVIATIONS.get(bare)


@lru_cache(maxsize=4096)
def canonical_region(text: str) -> str | None:
    """`東京`, `Tokyo-to`, `13`, `13東京都` → `東京都`; `calif.`, `ca` → `CA`; None if unknown.

    A JIS code in front of a name must agree with it; a two-letter code is a US state.
    """
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()
    code = _CODE_PREFIX.match(text)
    if code:
        by_code = PREFECTURE_BY_CODE.get(int(code.group(1)))
        rest = code.group(2)
        if not rest or by_code is None:
            return by_code
        return by_code if _prefecture(rest.replace(" ", "")) == by_code else None
    return _prefecture(text.replace(" ", "")) or _state(text)


def _read_region(value: object) -> Result:
    if is_empty(value):
        return pd.NA, None, None
    if isinstance(value, bool):
        return pd.NA, RejectReason.INVALID_REGION, None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    found = canonical_region(str(value))
    return (pd.NA, RejectReason.INVALID_REGION, None) if found is None else (found, None, None)


def region_transform(column: pd.Series, ctx: Context) -> Outcome:
    """Prefectures to their full name (`東京都`), US states to USPS codes (`CA`).

    Unknown values are rejected as `invalid_region`.
    """
    values, reasons, _ = map_distinct(column.tolist(), _read_region, column.index)
    return Outcome(values=values, reasons=reasons)


def _country_key(text: str) -> str:
    """`U.S.A.`, ` united  states ` → `usa`, `united states`."""
    text = unicodedata.normalize("NFKC", text).casefold().replace(".", "")
    return re.sub(r"\s+", " ", text).strip()


_COUNTRY_BY_KEY: dict[str, str] = {}
for _alpha2, _names in COUNTRIES.items():
    for _name in (_alpha2, *_names):
        _COUNTRY_BY_KEY[_country_key(_name)] = _alpha2


def canonical_country(text: str) -> str | None:
    """`日本`, `Japan`, `JPN`, `jp` → `JP`; None for a country the table does not know."""
    return _COUNTRY_BY_KEY.get(_country_key(text))


def _read_country(value: object) -> Result:
    if is_empty(value):
        return pd.NA, None, None
    found = canonical_country(str(value))
    return (pd.NA, RejectReason.INVALID_COUNTRY, None) if found is None else (found, None, None)


def country_transform(column: pd.Series, ctx: Context) -> Outcome:
    """Countries as ISO 3166-1 alpha-2 from Japanese or English names and alpha-2/3 codes.

    Unknown values are rejected as `invalid_country`.
    """
    values, reasons, _ = map_distinct(column.tolist(), _read_country, column.index)
    return Outcome(values=values, reasons=reasons)
