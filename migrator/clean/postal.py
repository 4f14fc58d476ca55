"""Postal codes: JP `123-4567` from `〒1234567`, `１２３－４５６７`, lost zeros; US `02134(-1234)`.

Excel stores a typed `0600001` as the number 600001, so a code can arrive a digit short.
The row's region (a cleaned column of the same rows) confirms or contradicts a restored
zero; a code that disagrees with its prefecture is kept and noted, not rejected.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from typing import Any

import pandas as pd

from migrator.clean.base import Context, Outcome
from migrator.clean.region import Result, canonical_region, is_empty, map_distinct
from migrator.distinct import join_lines
from migrator.errors import RejectReason
from migrator.reference.places import JP_POSTAL_PREFIXES, US_STATES

_DASHES = re.compile(r"[‐‑‒–—―−ー－ｰ~〜-]")
_SEPARATORS = re.compile(r"\s*-\s*|\s+")
_JP_SHAPE = re.compile(r"\d{3}-\d{4}|\d{7}")
_US_SHAPE = re.compile(r"\d{5}(?:-\d{4})?|\d{9}")
_ALL_PREFIXES = frozenset(p for ps in JP_POSTAL_PREFIXES.values() for p in ps)


def _text(value: object) -> tuple[str, bool] | None:
    """The value as `digits[-digits]` text and whether it bore 〒; None if it cannot be."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return (str(value), False) if value >= 0 else None
    text = unicodedata.normalize("NFKC", str(value)).strip()  # 〶 → 〒, １２３ → 123
    marked = text.startswith("〒")
    if marked:
        text = text.lstrip("〒").strip()
    # digits and "-" as most codes are typed need neither rewrite (about 1 µs a value)
    if not (text.isascii() and text.replace("-", "").isdigit()):
        text = _SEPARATORS.sub("-", _DASHES.sub("-", text))
    return text, marked


def _country(text: str, marked: bool, region: str | None, default: str) -> str:
    """The row's region first, then an unambiguous shape, then the source's default."""
    if region in JP_POSTAL_PREFIXES:
        return "JP"
    if region in US_STATES:
        return "US"
    if marked or _JP_SHAPE.fullmatch(text):
        return "JP"
    if _US_SHAPE.fullmatch(text):
        return "US"
    return default


def _jp(text: str, region: str | None) -> Result:
    """`123-4567`; a 5- or 6-digit number gets its zeros back where the region allows."""
    digits = text.replace("-", "")
    if _JP_SHAPE.fullmatch(text):
        code = f"{digits[:3]}-{digits[3:]}"
        if region is not None and digits[:2] not in JP_POSTAL_PREFIXES[region]:
            return code, None, f"postal code does not match region {region}"
        return code, None, None
    if not re.fullmatch(r"\d{5,6}", text):
        return pd.NA, RejectReason.INVALID_POSTAL_CODE, None
    full = digits.zfill(7)
    code = f"{full[:3]}-{full[3:]}"
    if region is None:
        if len(digits) == 6 and full[:2] in _ALL_PREFIXES:
            return code, None, "leading zero restored (no region to confirm)"
        return pd.NA, RejectReason.INVALID_POSTAL_CODE, None
    if full[:2] in JP_POSTAL_PREFIXES[region]:
        return code, None, "leading zero restored"
    note = f"{text} with its zero restored ({code}) does not match {region}"
    return pd.NA, RejectReason.INVALID_POSTAL_CODE, note


def _us(text: str) -> Result:
    """`02134` or `02134-1234`; a number 3-4 (or 7-8) digits long lost its zeros."""
    match = re.fullmatch(r"(\d{3,5})(?:-?(\d{4}))?", text)
    if match is None:
        return pd.NA, RejectReason.INVALID_POSTAL_CODE, None
    zip5, plus4 = match.group(1).zfill(5), match.group(2)
    if zip5 < "00501":  # the lowest ZIP code in use (Holtsville, NY)
        return pd.NA, RejectReason.INVALID_POSTAL_CODE, None
    code = zip5 if plus4 is None else f"{zip5}-{plus4}"
    note = "leading zero restored" if len(match.group(1)) < 5 else None
    return code, None, note


def _read(key: tuple[Any, Any], default: str) -> Result:
    value, region_text = key
    if is_empty(value):
        return pd.NA, None, None
    parsed = _text(value)
    if parsed is None:
        return pd.NA, RejectReason.INVALID_POSTAL_CODE, None
    text, marked = parsed
    region = None if is_empty(region_text) else canonical_region(str(region_text))
    country = _country(text, marked, region, default)
    if country == "JP":
        return _jp(text, region if region in JP_POSTAL_PREFIXES else None)
    if country == "US":
        return _us(text)
    kept = unicodedata.normalize("NFKC", str(value)).strip()
    return kept, None, f"no postal code format for {country}; kept as typed"


def postal_transform(column: pd.Series, ctx: Context) -> Outcome:
    """JP postal codes as `123-4567`, US ZIP codes as `02134` / `02134-1234`.

    The country is the row's region (`ctx.related["region"]`) where it names one, else
    the value's shape where unambiguous (〒, 7 digits → JP; 5 or 5+4 digits → US), else
    `ctx.region`. Values that are no postal code are rejected as `invalid_postal_code`.
    """
    related = ctx.related.get("region")
    regions = (itertools.repeat(None) if related is None
               else related.reindex(column.index).tolist())
    cells = column.tolist()
    keys = zip(cells, regions, strict=False)
    typed = _typed_codes(cells)
    default = ctx.region.upper()

    def read(key: tuple[Any, Any]) -> Result:
        code = typed.get(key[0])
        found = None if code is None else _typed(code, key[1])
        return _read(key, default) if found is None else found

    values, reasons, notes = map_distinct(keys, read, column.index)
    return Outcome(values=values, reasons=reasons, notes=notes)


_TYPED_LINE = re.compile(r"^(?:〒 ?)?([0-9]{3})-?([0-9]{4})$|^[^\n]*$", re.MULTILINE)
"""A JP code as most are typed (`123-4567`, `1234567`, `〒123-4567`, `〒 1234567`), and
any other line (no groups)."""


def _typed_codes(cells: list[object]) -> dict[object, str]:
    """Each distinct text that is a JP code as most are typed, with its code: one regex
    over the texts joined as lines, where `_text`, `_country` and `_jp` made a dozen
    Python calls a value (100,000 distinct codes: 374k -> 559k values/s here). A text
    holding a newline makes it ask none."""
    texts = list(dict.fromkeys(c for c in cells if type(c) is str))
    joined = join_lines(texts)
    found = _TYPED_LINE.findall(joined) if joined is not None else []
    if len(found) != len(texts):
        return {}
    return {text: f"{head}-{tail}" for text, (head, tail) in zip(texts, found, strict=True)
            if head}


def _typed(code: str, region_text: object) -> Result | None:
    """`_read`'s answer for a text `_typed_codes` read as `code`, given the row's region:
    a JP code, noted where the region's prefixes disagree; None beside a US state (then
    `_read` decides)."""
    if region_text is None or is_empty(region_text):
        return code, None, None
    region = canonical_region(str(region_text))
    prefixes = JP_POSTAL_PREFIXES.get(region) if region is not None else None
    if prefixes is not None:
        return code, None, (None if code[:2] in prefixes
                            else f"postal code does not match region {region}")
    return None if region in US_STATES else (code, None, None)
