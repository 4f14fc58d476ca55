"""Amounts: money as `decimal.Decimal` with an ISO 4217 currency, never a float.

Reads what people type in a ledger: `¥1,234`, `1,234円`, `１，２３４`, `$1,234.50`,
`(1,234)`, `▲1,234` (the Japanese accounting minus), `1.2万`, and numbers from Excel.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

import pandas as pd

from migrator.clean.base import Cell, Context, Outcome, apply_distinct
from migrator.clean.kana import fold_width, is_blank
from migrator.errors import RejectReason

REGION_CURRENCY: dict[str, str] = {
    "JP": "JPY", "US": "USD", "GB": "GBP", "CA": "CAD", "AU": "AUD", "CN": "CNY",
    "KR": "KRW", "TW": "TWD", "HK": "HKD", "SG": "SGD", "CH": "CHF", "DE": "EUR",
    "FR": "EUR", "IT": "EUR", "ES": "EUR", "NL": "EUR", "IE": "EUR", "AT": "EUR",
}
"""The currency of a bare number, by `Context.region`."""

_SYMBOLS: dict[str, str] = {
    "¥": "JPY", "￥": "JPY", "\\": "JPY", "円": "JPY", "$": "USD", "US$": "USD",
    "＄": "USD", "€": "EUR", "£": "GBP", "￡": "GBP",
}
_CODES = ("JPY", "USD", "EUR", "GBP", "CAD", "AUD", "CNY", "KRW", "TWD", "HKD", "SGD", "CHF")
_CURRENCY = "|".join(
    [*_CODES, *(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))]
)
_MULTIPLIERS = {"千": Decimal(1000), "万": Decimal(10_000), "億": Decimal(100_000_000)}

_AMOUNT = re.compile(
    rf"^(?P<sign>[-−▲△])?\s*(?P<pre>{_CURRENCY})?\s*(?P<sign2>[-−▲△])?\s*"
    rf"(?P<number>[0-9][0-9,.]*|\.[0-9]+)\s*(?P<mult>[千万億])?\s*(?P<post>{_CURRENCY})?$"
)
# A trailing note in brackets that holds no digit: `12,000円（税込）`, `5,000 (tax incl.)`.
_NOTE = re.compile(r"^(?P<body>.*[0-9].*?)\s*[(（](?P<note>[^()（）0-9]*)[)）]$")
_PARENS = re.compile(r"^[(（](?P<inner>.*)[)）]$")
_COMMA_GROUPED = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$")
_PLAIN = re.compile(r"^(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)$")
_DOT_GROUPED = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?$|^[0-9]+,[0-9]{1,2}$")
_AMBIGUOUS_EUR = re.compile(r"^[0-9]{1,3}\.[0-9]{3}$")


def _number(text: str, currency: str | None) -> Decimal | None:
    """`1,234.50` → 1234.50; `1.234,50` only with a euro sign; `1,23,4` → None."""
    if currency == "EUR" and _AMBIGUOUS_EUR.match(text):
        return None  # €1.234: one euro and change, or 1234 euros written the German way
    if currency == "EUR" and _DOT_GROUPED.match(text):
        return Decimal(text.replace(".", "").replace(",", "."))
    if _COMMA_GROUPED.match(text):
        return Decimal(text.replace(",", ""))
    return Decimal(text) if _PLAIN.match(text) else None


def _named_currencies(pre: str | None, post: str | None) -> set[str]:
    """The currencies the symbols name: {'USD', 'JPY'} for `$100円`, a contradiction."""
    return {_SYMBOLS.get(s, s) for s in (pre, post) if s}


def parse_amount(text: str, default: str | None) -> tuple[Decimal, str | None, str | None] | None:
    """(amount, currency, note) from typed text; None when it is not an amount."""
    text = fold_width(text).strip()
    note = None
    if (match := _NOTE.match(text)) and not _PARENS.match(text):
        text, note = match.group("body").strip(), f"ignored note {match.group('note').strip()}"
    negative = False
    if match := _PARENS.match(text):
        text, negative = match.group("inner").strip(), True
    match = _AMOUNT.match(text.replace(" ", "").replace("\u3000", ""))
    if match is None:
        return None
    named = _named_currencies(match.group("pre"), match.group("post"))
    if len(named) > 1:
        return None
    currency = named.pop() if named else default
    number = _number(match.group("number"), currency)
    if number is None or (negative and (match.group("sign") or match.group("sign2"))):
        return None
    if match.group("mult"):
        number *= _MULTIPLIERS[match.group("mult")]
        if number == number.to_integral_value():  # 1.2万 is 12000, not 12000.0
            number = number.quantize(Decimal(1))
    if negative or match.group("sign") or match.group("sign2"):
        number = -number
    return number + 0, currency, note  # `+ 0` turns -0 into 0


def _from_number(value: float | int | Decimal) -> Decimal | None:
    """Excel numbers: ints exactly, floats through their repr so 0.1 stays 0.1."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return Decimal(int(value)) if value.is_integer() else Decimal(repr(value))
    return Decimal(value) if isinstance(value, int) else value


def _amount_one(value: object, default: str | None) -> Cell:
    if is_blank(value):
        return Cell(extra=(pd.NA,))
    if isinstance(value, bool):
        return Cell(reason=RejectReason.INVALID_AMOUNT, extra=(pd.NA,))
    if isinstance(value, int | float | Decimal):
        number = _from_number(value)
        if number is None or not number.is_finite():
            return Cell(reason=RejectReason.INVALID_AMOUNT, extra=(pd.NA,))
        return Cell(value=number, extra=(default or pd.NA,))
    try:
        parsed = parse_amount(str(value), default)
    except InvalidOperation:
        parsed = None
    if parsed is None:
        return Cell(reason=RejectReason.INVALID_AMOUNT, extra=(pd.NA,))
    number, currency, note = parsed
    return Cell(value=number, note=note, extra=(currency or pd.NA,))


def amount_transform(series: pd.Series, ctx: Context) -> Outcome:
    """Amounts to `Decimal`, with `extra["currency"]` (ISO 4217).

    Example: `▲1,234円` → Decimal('-1234'), JPY. A bare number takes the region's currency
    (JP → JPY, US → USD). A trailing bracketed note without digits (`12,000円（税込）`) is
    dropped and recorded in the notes, so the change log shows what was set aside.
    """
    default = REGION_CURRENCY.get(ctx.region.upper())
    return apply_distinct(series, lambda value: _amount_one(value, default), ("currency",))
