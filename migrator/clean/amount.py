"""Amounts: money as `decimal.Decimal` with an ISO 4217 currency, never a float.

Reads what people type in a ledger: `¥1,234`, `1,234円`, `１，２３４`, `$1,234.50`,
`(1,234)`, `▲1,234` (the Japanese accounting minus), `1.2万`, and numbers from Excel.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any, cast

import pandas as pd

from migrator.clean.base import Cell, Columns, Context, Outcome, apply_distinct_columns
from migrator.clean.kana import fold_width, is_blank
from migrator.distinct import join_lines
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
    return apply_distinct_columns(series, lambda values: _amount_many(values, default),
                                  ("currency",))


_QUICK_CURRENCY = "|".join(c for c in _CURRENCY.split("|") if c not in ("EUR", "€"))
_QUICK_LINE = re.compile(
    rf"^([-−▲△]?)({_QUICK_CURRENCY})?([-−▲△]?)([0-9]{{1,3}}(?:,[0-9]{{3}})+(?:\.[0-9]+)?"
    rf"|[0-9]+(?:\.[0-9]+)?)({_QUICK_CURRENCY})?$|^[^\n]*$", re.MULTILINE)
"""A line of texts joined by newlines that parse_amount reads without any of its other
steps: no space, bracket, multiplier or euro sign (euros' dots and commas it weighs),
digits grouped by commas or not at all. Other lines match as a whole with no groups."""


def _amount_many(values: list[object], default: str | None) -> Columns:
    """`_amount_one` of each value, as Columns: Excel's numbers and the plainly typed
    texts without a Cell each, the rest one by one.

    Why: a Cell per value took 100,000 distinct typed amounts to 89k values/s and as many
    numbers to 218k. tests/clean/test_amount.py holds it to `_amount_one`."""
    amounts: list[Any] = [pd.NA] * len(values)
    reasons: list[Any] = [pd.NA] * len(values)
    currencies: list[Any] = [pd.NA] * len(values)
    notes: list[Any] = [pd.NA] * len(values)
    texts = [i for i, value in enumerate(values) if type(value) is str]
    quick = _quick_texts([cast(str, values[i]) for i in texts], default)
    slow: list[int] = []
    for i, found in zip(texts, quick, strict=True):
        if found is None:
            slow.append(i)
        else:
            amounts[i], currencies[i] = found
    currency = pd.NA if default is None else default
    for i, value in enumerate(values):
        kind = type(value)
        if kind is int:
            amounts[i], currencies[i] = Decimal(cast(int, value)), currency
        elif kind is float and math.isfinite(cast(float, value)):
            number = cast(float, value)
            amounts[i] = Decimal(int(number)) if number.is_integer() else Decimal(repr(number))
            currencies[i] = currency
        elif kind is not str:
            slow.append(i)
    for i in slow:
        cell = _amount_one(values[i], default)
        amounts[i] = pd.NA if cell.value is None else cell.value
        reasons[i] = pd.NA if cell.reason is None else cell.reason
        notes[i] = pd.NA if cell.note is None else cell.note
        currencies[i] = (cell.extra or (pd.NA,))[0]
    held = notes if any(note is not pd.NA for note in notes) else None
    return Columns(amounts, reasons, held, (currencies,))


def _quick_texts(texts: list[str], default: str | None) -> list[tuple[Decimal, Any] | None]:
    """(amount, currency) of each text `_QUICK_LINE` reads, None for the others: one fold
    and one regex run over the texts joined by newlines."""
    joined = join_lines(texts) if texts else None
    if joined is None:
        return [None] * len(texts)
    lines = _QUICK_LINE.findall(fold_width(joined))
    if len(lines) != len(texts):
        return [None] * len(texts)
    symbols = _SYMBOLS
    found: list[tuple[Decimal, Any] | None] = []
    for sign, pre, sign2, number, post in lines:
        if not number:
            found.append(None)
            continue
        currency = default
        if pre or post:
            currency = symbols.get(pre or post, pre or post)
            if pre and post and symbols.get(post, post) != currency:
                found.append(None)  # two currencies: parse_amount says why
                continue
        if currency == "EUR":  # a bare number where euros are the default: its dots and
            found.append(None)  # commas are weighed as parse_amount does
            continue
        amount = Decimal(number.replace(",", "") if "," in number else number)
        found.append((-amount + 0 if sign or sign2 else amount + 0,
                      pd.NA if currency is None else currency))
    return found
