"""Guess what a column holds (phone, postal code, wareki date...): values first, header second.

The rule, in order:

1. **Values.** For each type a value can show by itself (e-mail, URL, wareki date, date,
   phone, postal code, company name, region, address, kana, amount) measure its *strict
   share*: the share of non-null values matching its pattern (`patterns.STRICT`; regions
   against the 47 prefectures and the US states). The best type with a share of at least
   0.5 is the values' answer; ties go to the more specific type, in that order.
2. **Header.** The header's hint (`lexicon.header_hint`) is taken when the values agree
   with it (a date header over wareki dates agrees), or when they fit it loosely: its
   *loose share* (strict, plus values the type could hold: `Providence` under `City`,
   `2134` under `ZIP`) is at least 0.5 and no more than 0.1 below the values' answer.
   Person names and customer codes come only from a header: values alone cannot tell
   `John Smith` from a product, or `000123` from a count. A customer's name
   (`Customer Name`, `顧客名`) is a person's name when PEOPLE_SHARE of its values are
   written as only people's names are (`山田 花子`, `Emma Johnson`; no legal form, no
   business word), else a company's. Under a customer code header
   code-shaped values (`C00012`, `000123`, `A-001`) count as strict; a generic header
   (`ID`, `コード`) names a customer code only when 90% of the values are distinct.
3. Otherwise the values' answer stands (and the column is flagged `header_mismatch`
   when there was a header hint), or the column is `text`.

Confidence, from 0 to 1:

- header agrees: `strict + 0.8 × (loose − strict)`; values that clearly are the type
  count fully, values that merely could be count 0.8;
- no header hint: `0.9 × strict`; header names another type: `0.75 × strict`;
- `text` is scored the same way with `strict = 1 − the best strict share` of any type
  and `loose` = the share of values that are no e-mail, URL, phone, postal code or date;
- an empty column is `text` with confidence 0.

Regular expressions run once per distinct value, mapped in C over the array. Above
20,000 distinct texts the type is decided on a fixed-seed sample of 5,000 rows, and the
chosen type's confidence is then measured on every value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from migrator.profile.lexicon import header_hint
from migrator.profile.patterns import LOOSE, PERSON, SEARCHED, STRICT, full
from migrator.reference.places import REGION_VALUES

VALUE_TYPES = ("email", "url", "wareki_date", "date", "phone", "postal_code", "company_name",
               "region", "address", "kana", "amount")
"""Types values show by themselves, the most specific first (ties go left)."""
HEADER_ONLY = {"customer_code": LOOSE["customer_code"]}
"""Patterns that count as strict only when the header names the type."""
FAMILIES = {"date": frozenset({"date", "wareki_date"}),
            "wareki_date": frozenset({"date", "wareki_date"})}
MIN_SHARE = 0.5
TIE = 0.1
LOOSE_WEIGHT = 0.8
VALUES_ONLY = 0.9
HEADER_DISAGREES = 0.75
SAMPLE_ABOVE = 20_000
SAMPLE_ROWS = 5_000
UNIQUE_FOR_GENERIC_CODE = 0.9
PEOPLE_SHARE = 0.8
"""Share of people's names that makes a `Customer Name` column a person's name."""


@dataclass(frozen=True)
class Semantic:
    """A semantic type from DESIGN.md's list and how sure the profile is of it."""

    type: str
    confidence: float

    def asdict(self) -> dict[str, Any]:
        return {"type": self.type, "confidence": self.confidence}


@dataclass(frozen=True)
class Values:
    """A column's non-null values for matching: distinct texts and numbers with counts."""

    texts: np.ndarray
    text_counts: np.ndarray
    numbers: np.ndarray
    """float64."""
    number_counts: np.ndarray
    dates: int
    """Rows holding real date or datetime values."""

    @property
    def total(self) -> float:
        return float(self.text_counts.sum() + self.number_counts.sum() + self.dates)


def guess_semantic(header: str, values: Values, unique_ratio: float
                   ) -> tuple[Semantic, str | None]:
    """The column's semantic type and the header's hint it was weighed against."""
    hint = header_hint(header)
    hinted = None
    if hint is not None and (not hint.needs_unique or unique_ratio >= UNIQUE_FOR_GENERIC_CODE):
        hinted = hint.type
    if values.total == 0:
        return Semantic("text", 0.0), hinted
    sample = _Shares(_sample(values)) if len(values.texts) > SAMPLE_ABOVE else None
    shares = _Shares(values, text_from=sample)
    if hint is not None and hint.or_person and _people(values) >= PEOPLE_SHARE:
        hinted = "person_name"
    kind = decide(sample or shares, hinted)
    return Semantic(kind, round(confidence(shares, kind, hinted), 4)), hinted


def _people(values: Values) -> float:
    """The share of the values written as only a person's name is (`山田 花子`, `Emma
    Johnson`): under `Customer Name` they make the customers people."""
    total = values.total
    if total == 0:
        return 0.0
    return float(values.text_counts[matches(values.texts, PERSON)].sum()) / total


def decide(shares: _Shares, hint: str | None) -> str:
    """Steps 1-3 of the module docstring."""
    best = _best_by_values(shares)
    if hint is not None:
        if best is not None and best in FAMILIES.get(hint, {hint}):
            return best
        loose = shares.loose(hint)
        if loose >= MIN_SHARE and (best is None or loose >= shares.strict(best) - TIE):
            return hint
    return best or "text"


def confidence(shares: _Shares, kind: str, hint: str | None) -> float:
    """The confidence formula of the module docstring."""
    strict = shares.strict(kind)
    if hint is None:
        return VALUES_ONLY * strict
    if kind not in FAMILIES.get(hint, {hint}):
        return HEADER_DISAGREES * strict
    return min(1.0, strict + LOOSE_WEIGHT * max(0.0, shares.loose(kind) - strict))


def _best_by_values(shares: _Shares) -> str | None:
    best, top = None, MIN_SHARE
    for kind in VALUE_TYPES:
        share = shares.strict(kind)
        if share >= top and (best is None or share > top):
            best, top = kind, share
    return best


def _sample(values: Values) -> Values:
    """`SAMPLE_ROWS` text rows drawn by count (fixed seed), weighted to stand for all texts."""
    rng = np.random.default_rng(0)
    counts = values.text_counts
    drawn = rng.choice(len(counts), size=SAMPLE_ROWS, p=counts / counts.sum())
    index, times = np.unique(drawn, return_counts=True)
    weights = times * (counts.sum() / SAMPLE_ROWS)
    return Values(values.texts[index], weights, values.numbers, values.number_counts,
                  values.dates)


def matches(texts: np.ndarray, pattern: str, search: bool = False) -> np.ndarray:
    """Per text: does `pattern` match it in full (surrounding spaces allowed), or
    anywhere with `search`.

    The compiled pattern's C method is mapped over the array in C, as pandas' `.str`
    accessor does, minus the Python lambda pandas wraps around each call.
    """
    compiled = re.compile(pattern if search else full(pattern))
    method = compiled.search if search else compiled.fullmatch
    return np.fromiter(map(bool, map(method, texts)), dtype=bool, count=len(texts))


class _Shares:
    """Shares of a column's values that match each type, computed once when first asked."""

    def __init__(self, values: Values, text_from: _Shares | None = None) -> None:
        self.values = values
        self.text_from = text_from
        self._masks: dict[tuple[str, str], np.ndarray] = {}
        self._strict: dict[str, float] = {}
        self._loose: dict[str, float] = {}

    def strict(self, kind: str) -> float:
        if kind not in self._strict:
            self._strict[kind] = self._share(kind, loose=False)
        return self._strict[kind]

    def loose(self, kind: str) -> float:
        if kind not in self._loose:
            self._loose[kind] = max(self._share(kind, loose=True), self.strict(kind))
        return self._loose[kind]

    def _share(self, kind: str, loose: bool) -> float:
        if kind == "text":
            return self._text_share(loose)
        total = self.values.total
        texts = self.values.text_counts[self._text_mask(kind, loose)].sum()
        return float(texts + self._number_count(kind, loose) + self._date_count(kind, loose)
                     ) / total

    def _text_share(self, loose: bool) -> float:
        """Strict: values that are nothing more specific; loose: values that are no
        e-mail, URL, phone, postal code or date."""
        if not loose:
            if self.text_from is not None:
                return self.text_from.strict("text")
            return 1.0 - max(self.strict(kind) for kind in VALUE_TYPES)
        values = self.values
        texts = values.text_counts[self._text_mask("text", True)].sum()
        return float(texts + values.number_counts.sum()) / values.total

    def _text_mask(self, kind: str, loose: bool) -> np.ndarray:
        key = (kind, "loose" if loose else "strict")
        if key not in self._masks:
            self._masks[key] = self._match(kind, loose)
        return self._masks[key]

    def _match(self, kind: str, loose: bool) -> np.ndarray:
        texts = self.values.texts
        if not loose:
            if kind == "region":
                return pd.Series(texts, dtype=object).isin(REGION_VALUES).to_numpy(dtype=bool)
            pattern = STRICT.get(kind) or HEADER_ONLY.get(kind)
            if pattern is None:
                return np.zeros(len(texts), dtype=bool)
            return matches(texts, pattern, search=kind in SEARCHED)
        mask = self._text_mask(kind, False).copy()
        pattern = LOOSE.get(kind)
        if pattern is not None and (~mask).any():  # only values not already matched
            mask[~mask] = matches(texts[~mask], pattern)
        return mask

    def _number_count(self, kind: str, loose: bool) -> float:
        """Numbers are amounts; loosely also postal codes, phones, codes and serial dates."""
        nums, counts = self.values.numbers, self.values.number_counts
        if kind == "amount":
            return float(counts.sum())
        if not loose or len(nums) == 0:
            return 0.0
        whole = (nums == np.floor(nums)) & (nums >= 0)
        ranges = {"postal_code": (0, 1e7), "phone": (1e8, 1e11), "customer_code": (0, 1e15),
                  "date": (10_000, 80_000)}  # an Excel serial day between 1927 and 2119
        if kind not in ranges:
            return 0.0
        low, high = ranges[kind]
        return float(counts[whole & (nums >= low) & (nums < high)].sum())

    def _date_count(self, kind: str, loose: bool) -> float:
        if kind == "date" or (loose and kind == "wareki_date"):
            return float(self.values.dates)
        return 0.0
