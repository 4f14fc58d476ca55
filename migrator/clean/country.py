"""Which country a row's national phone numbers are read in: the row's, the sheet's, the default.

`207-555-0162` is a US number on the row of a Maine customer and a (pager) number in
Japan: the digits alone cannot say. The row says it first, by its own cleaned country,
its region (a prefecture is JP, a USPS state US), its postal code (`123-4567` is JP,
`02134` US) or an address naming one; a contact reads its customer's row. A row that
says nothing takes its sheet's country: the candidate in which most of the column's
numbers are valid as people there type them. Only then the default, JP.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from migrator.clean.region import canonical_country
from migrator.distinct import per_distinct
from migrator.reference.places import PREFECTURES, US_STATES
from migrator.schema import TableSpec

DEFAULT_COUNTRY = "JP"
"""The country of a row and a sheet that say nothing (the toolkit's home market)."""
CANDIDATES = ("JP", "US")
"""Countries a sheet's numbers are always tried in, beside those its rows name."""
MAJORITY = 0.8
"""Share of the rows that name a country above which it is the table's default."""

_JP_POSTAL = re.compile(r"\d{3}-\d{4}")
_US_ZIP = re.compile(r"\d{5}(?:-\d{4})?")
_STATE_ZIP = re.compile(r"\b([A-Z]{2})\.?\s+\d{5}(?:-\d{4})?\b")


def row_countries(frame: pd.DataFrame, spec: TableSpec) -> pd.Series:
    """Per row, the ISO 3166-1 alpha-2 country its cleaned fields name, else NA.

    The row's country field first, then its region, its postal code, its address text.
    """
    found = pd.Series(pd.NA, index=frame.index, dtype=object)
    by_format: dict[str, list[str]] = {}
    for name, field in spec.fields.items():
        if name in frame:
            by_format.setdefault(str(field.format or field.semantic or ""), []).append(name)
    readers = [("iso3166_alpha2", _country), ("prefecture_or_usps", _region),
               ("jp_postal_or_us_zip", _postal), ("address", _address)]
    for key, read in readers:
        for name in by_format.get(key, []):
            values = per_distinct(frame[name].to_numpy(dtype=object), read, missing=pd.NA)
            found = found.where(found.notna(), pd.Series(values, index=frame.index,
                                                         dtype=object))
    return found


def table_default(countries: pd.Series, fallback: str = DEFAULT_COUNTRY) -> str:
    """The country most rows name, when at least MAJORITY of the naming rows do, else
    `fallback`."""
    known = countries.dropna()
    if known.empty:
        return fallback
    shares = known.value_counts(normalize=True)
    return str(shares.index[0]) if shares.iloc[0] >= MAJORITY else fallback


def sheet_countries(values: pd.Series, sheets: pd.Series, named: pd.Series,
                    default: str) -> pd.Series:
    """Per row, its sheet's country: the candidate in which the largest share of the
    sheet's numbers (`values`) are valid, the default on a tie or when none is.

    Candidates are `default`, CANDIDATES and the countries the table's rows name (`named`).
    """
    from migrator.clean.phone import valid_share  # phonenumbers loads on first use

    candidates = list(dict.fromkeys([default, *CANDIDATES,
                                     *named.dropna().astype(str).unique().tolist()]))
    out = pd.Series(default, index=values.index, dtype=object)
    for _, rows in values.groupby(sheets.astype(str), sort=False):
        shares = [(valid_share(rows, code), -i, code) for i, code in enumerate(candidates)]
        share, _, code = max(shares)
        if share > 0:
            out.loc[rows.index] = code
    return out


def _country(value: object) -> object:
    code = canonical_country(str(value))
    return pd.NA if code is None else code


def _region(value: object) -> object:
    text = str(value)
    if text in PREFECTURES:
        return "JP"
    return "US" if text in US_STATES else pd.NA


def _postal(value: object) -> object:
    text = str(value)
    if _JP_POSTAL.fullmatch(text):
        return "JP"
    return "US" if _US_ZIP.fullmatch(text) else pd.NA


def _address(value: object) -> object:
    """`〒150-0001 東京都…`, `…, Portland, ME 04101`, `…, London, UK`: the country it names."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text.startswith("〒") or text.startswith(PREFECTURES):
        return "JP"
    state = _STATE_ZIP.search(text)
    if state is not None and state.group(1) in US_STATES:
        return "US"
    last = re.split(r"[,、]", text)[-1].strip()
    code = canonical_country(last) if last and last != text else None
    return pd.NA if code is None else code
