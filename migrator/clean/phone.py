"""Phone numbers to E.164, with extensions kept and mobile numbers told from landlines.

Parsing is slow next to pandas, so each distinct value is parsed once and the results
are spread back over the rows: a 1,000,000-row column of 10,000 numbers costs 10,000 parses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
import phonenumbers as pn

from migrator.clean.base import Context, Outcome
from migrator.distinct import fold_joined
from migrator.errors import RejectReason

LEADING_ZERO_NOTE = "read from a number: leading 0 restored"
UNASSIGNED_NOTE = "well-formed, but in a range phonenumbers does not list as assigned"

# `TEL:`, `Tel.`, `電話:`, `℡` (NFKC turns ℡ into TEL) before the number.
_PREFIX = re.compile(r"^(?:tel|phone|ph|電話番号|電話)\s*[:.]?\s*", re.IGNORECASE)
# An extension at the end: `x12`, `ext. 12`, `#12`, `内線123`, `(内線12)`.
_EXTENSION = re.compile(
    r"\s*[,;(]?\s*(?:内線|extension|ext\.?|x|#)\s*[:.]?\s*(\d{1,7})\s*\)?\s*$", re.IGNORECASE
)
# Dash look-alikes typed in Japanese text that NFKC leaves alone.
_DASHES = str.maketrans({c: "-" for c in "ー‐‑‒–—―−～〜"})
_ALLOWED = re.compile(r"^\+?[\d\s\-().\/]+$")
_TRUNK_FORM = re.compile(r"0[1-9][\d\s\-().\/]*")
_NOT_DIGIT = re.compile(r"\D")


@dataclass(frozen=True)
class _Parsed:
    """What one distinct input value cleans to."""

    value: str | None = None
    reason: str | None = None
    note: str | None = None
    is_mobile: bool | None = None


_EMPTY = _Parsed()
_INVALID = _Parsed(reason=RejectReason.INVALID_PHONE)


def phone_transform(series: pd.Series, ctx: Context) -> Outcome:
    """Phone numbers to E.164 (`+81312345678`), default region `ctx.region`.

    A leading `+` names the country and overrides the region. Full-width forms are
    NFKC-normalised first; `TEL:` prefixes are dropped. An extension (`x12`, `ext. 12`,
    `#12`, `内線12`) is kept in RFC 3966 style: `+12125550100;ext=12`. A number that is not
    well-formed for its country (the country's number shape and length, typed with its
    trunk prefix or a `+`) but in a range `phonenumbers` does not list as assigned
    (`011-967-5275`) is still a phone: it is normalised and noted. Anything else, or a
    value holding letters, gets `invalid_phone`.

    Integers (a number column that lost its leading 0): where the region's trunk prefix
    is 0 (JP), the digits are tried with a 0 put back first (`312345678` → `0312345678`
    → `+81312345678`), then as they are; a restored 0 is noted per row.

    `extra["is_mobile"]` is True for MOBILE, False for every other valid type (including
    US FIXED_LINE_OR_MOBILE), NA for empty or rejected values.
    """
    return _transform(series, ctx, assigned_only=False)


def assigned_phone_transform(series: pd.Series, ctx: Context) -> Outcome:
    """`phone`, for numbers in assigned ranges only: a number phonenumbers does not list as
    assigned (`011-967-5275`) gets `invalid_phone`, as every number did before they were
    kept. For a column whose numbers must all be dialable today."""
    return _transform(series, ctx, assigned_only=True)


def _transform(series: pd.Series, ctx: Context, *, assigned_only: bool) -> Outcome:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    quick = _quick_reader(ctx.region.upper())
    found = quick(list(uniques)) if quick is not None else [None] * len(uniques)
    rows = [row if row is not None else _row(_parse(value, ctx.region, assigned_only))
            for row, value in zip(found, uniques, strict=True)]
    rows.append(_row(_EMPTY))  # code -1 (NA) picks the last entry
    columns = [[row[i] for row in rows] for i in range(4)]  # not zip(*rows): see cell_columns

    per_value = [np.array(column, dtype=object) for column in columns]
    held = [~pd.isna(values) for values in per_value]  # once per distinct value, not per row

    def column(i: int, dtype: str) -> pd.Series:
        per_value[i][~held[i]] = pd.NA
        return pd.Series(per_value[i][codes], index=series.index, dtype=dtype)

    return Outcome(
        values=column(0, "object"),
        reasons=column(1, "object"),
        notes=column(2, "object"),
        extra={"is_mobile": column(3, "boolean")},
        present=held[0][codes],
        failed=held[1][codes],
    )


_Row = tuple[str | None, str | None, str | None, bool | None]
"""A _Parsed as (value, reason, note, is_mobile)."""


def _row(parsed: _Parsed) -> _Row:
    return parsed.value, parsed.reason, parsed.note, parsed.is_mobile


# A cell that is only ASCII digits after a trunk 0 and separators between them: `_parse`
# would leave it as typed (no spaces at the ends, no prefix, no extension, no look-alike
# dash) and hand it to `_national`.
_PLAIN = re.compile(r"0[1-9](?:[0-9\-()./ ]*[0-9\-()./])?")
# The same over texts joined by newlines: a line that is not plain, emptied; then every
# character but digits and newlines dropped.
_NOT_PLAIN_LINE = re.compile(r"^(?!0[1-9](?:[0-9\-()./ ]*[0-9\-()./])?$).*$", re.MULTILINE)
_NOT_DIGIT_LINE = re.compile(r"[^0-9\n]")


def _plain_digits(text: str) -> str:
    return _NOT_DIGIT_LINE.sub("", _NOT_PLAIN_LINE.sub("", text))


@cache
def _quick_reader(region: str) -> Callable[[list[object]], list[_Row | None]] | None:
    """`_parse` for the cells most ledgers hold, as rows, without its steps that change
    nothing for them: a valid national number typed plainly (`03-1234-5678`, full-width
    too) is read from its digits and typed by the region's one regex, no PhoneNumber
    built; the plain cells and their digits are found by two rewrites of all cells joined
    by newlines. None where `_parse` must decide (anything else, or not valid): the same
    answers, held to `_parse` by tests/clean/test_phone.py.
    """
    metadata = pn.PhoneMetadata.metadata_for_region(region)
    regions = pn.COUNTRY_CODE_TO_REGION_CODE.get(metadata.country_code or 0, ()) \
        if metadata is not None else ()
    if metadata is None or metadata.national_prefix != "0" or len(regions) != 1:
        return None
    kind_of = _typer(regions[0])
    if kind_of is None:
        return None
    international = re.compile(metadata.international_prefix) \
        if metadata.international_prefix else None
    trunk_prefix = re.compile(metadata.national_prefix_for_parsing or "0")
    unknown, mobile, country = pn.PhoneNumberType.UNKNOWN, pn.PhoneNumberType.MOBILE, \
        f"+{metadata.country_code}"

    def read(digits: str) -> _Row | None:
        if not digits or (international is not None and international.match(digits)):
            return None
        trunk = trunk_prefix.match(digits)
        if trunk is None or trunk.group(0) != "0" or any(trunk.groups()):
            return None
        kind = kind_of(digits[1:])  # digits[1] is not 0: str(int(digits[1:])) as is
        return None if kind == unknown else (country + digits[1:], None, None, kind == mobile)

    classify = _line_reader(metadata)

    def read_all(values: list[object]) -> list[_Row | None]:
        texts = [("" if type(v) is not str else v if v.isascii()
                  else unicodedata.normalize("NFKC", v)) for v in values]
        lines = fold_joined(texts, _plain_digits)
        if lines is None:  # a text holding a newline: one by one
            lines = [_NOT_DIGIT.sub("", t) if _PLAIN.fullmatch(t) else "" for t in texts]
        rows = classify(lines) if classify is not None else None
        return rows if rows is not None else [read(digits) for digits in lines]

    return read_all


_DIGITS_ONLY = re.compile(r"[0-9\\d\[\]()?:|{},*+-]*")
"""The characters of a pattern that can match only digits (no `.`, no negated class, no
anchor): such a pattern matches within one line of digits, never across lines."""


def _line_reader(metadata: pn.PhoneMetadata
                 ) -> Callable[[list[str]], list[_Row | None] | None] | None:
    """`_quick_reader`'s `read` over all lines of digits at once: one regular expression
    over the lines joined, where `read` made three to five Python calls a line (the
    international prefix, the trunk, the general pattern, the types). 100,000 distinct
    Japanese numbers here: 0.23 -> 0.19 s; the phone transform over 100,000 distinct
    values (`benchmarks clean --all-distinct`, twice each): 288k and 321k -> 399k and
    393k values/s.

    Only where it reads every line as `read` does: a line of digits that starts with
    0 and a non-zero digit (`_PLAIN`'s) meets the region's trunk prefix as a bare `0`
    (proved from the prefix's pattern: an earlier alternative needs `00` or another first
    digit), and each pattern matches digits only; else None, and `read` reads the lines.
    The answer is None too when the lines do not come back one match each."""
    international = metadata.international_prefix
    general = _desc_pattern(metadata.general_desc, end="$")
    if general is None or not _bare_zero_trunk(metadata.national_prefix_for_parsing or "0"):
        return None
    mobile = _desc_pattern(metadata.mobile, end="$")
    both = metadata.same_mobile_and_fixed_line_pattern
    alternatives = []
    for attr, pattern in _type_patterns(metadata, end="$"):
        if attr == "fixed_line":  # number_type()'s FIXED_LINE_OR_MOBILE, as `_typer` tells it
            if both:
                alternatives.append(f"(?P<fixed_line_or_mobile>{pattern})")
                continue
            if mobile is not None:
                alternatives.append(f"(?P<fixed_line_or_mobile>(?=(?:{mobile})$){pattern})")
        alternatives.append(f"(?P<{attr}>{pattern})")
    parts = [general, *alternatives] + ([international] if international else [])
    if not alternatives or not all(_digits_only(p) for p in parts):
        return None
    refused = f"(?!(?:{international}))" if international else ""
    line = re.compile(f"^{refused}0(?={general}$)(?:{'|'.join(alternatives)})$|^[^\n]*$",
                      re.MULTILINE)
    country = f"+{metadata.country_code}"

    def read_lines(lines: list[str]) -> list[_Row | None] | None:
        found: list[_Row | None] = [None if (name := m.lastgroup) is None
                                    else (country + m.group()[1:], None, None, name == "mobile")
                                    for m in line.finditer("\n".join(lines))]
        return found if len(found) == len(lines) else None

    return read_lines


def _digits_only(pattern: str) -> bool:
    """Whether `pattern`'s text is made of what `_DIGITS_ONLY` allows, lookaheads and
    named groups aside (`_desc_pattern` writes them)."""
    plain = re.sub(r"\(\?(?:=|P<\w+>)", "(", pattern)
    return _DIGITS_ONLY.fullmatch(plain.replace("$", "")) is not None


def _bare_zero_trunk(pattern: str) -> bool:
    """Whether `re.match(pattern, digits)` is a bare `0` with no group for every string of
    digits that starts with 0 and a non-zero digit: some alternative, in order, is the
    literal `0`, and each before it cannot match there (it starts with another digit, or
    with `00`). Anything this cannot tell is False."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    try:
        parsed = list(_parser.parse(pattern))
    except re.error:
        return False
    branches = parsed[0][1][1] if len(parsed) == 1 and parsed[0][0] is c.BRANCH \
        else [parsed]
    zero = ord("0")
    for branch in branches:
        items = list(branch)
        if items == [(c.LITERAL, zero)]:
            return True
        lead = _leading_literals(items, 2)
        if not (lead[:1] and lead[0] != zero) and lead != [zero, zero]:
            return False
    return False


def _leading_literals(items: list[Any], n: int) -> list[int]:
    """Up to `n` characters every match of the parsed pattern `items` starts with."""
    from re import _constants as c  # type: ignore[attr-defined]

    out: list[int] = []
    for op, arg in items:
        if len(out) >= n:
            break
        if op is c.LITERAL:
            out.append(arg)
        elif op is c.SUBPATTERN:
            need = n - len(out)
            inner = _leading_literals(list(arg[3]), need)
            out += inner
            if len(inner) < need:
                break
        else:
            break
    return out[:n]


def _parse(value: object, region: str, assigned_only: bool = False) -> _Parsed:
    """One raw cell to its cleaned form; the cached unit of work."""
    if isinstance(value, bool):
        return _INVALID
    if isinstance(value, Integral) or (isinstance(value, float) and value.is_integer()):
        return _parse_integer(int(value), region, assigned_only)
    if isinstance(value, float):
        return _EMPTY if np.isnan(value) else _INVALID
    text = _PREFIX.sub("", unicodedata.normalize("NFKC", str(value)).strip())
    if not text:
        return _EMPTY if not str(value).strip() else _INVALID
    main, extension = _split_extension(text.translate(_DASHES))
    return _validate(main, extension, region, assigned_only)


def _parse_integer(number: int, region: str, assigned_only: bool) -> _Parsed:
    """An integer cell: put a lost trunk 0 back where the region dials one."""
    if number <= 0:
        return _INVALID
    digits = str(number)
    trunk = pn.PhoneMetadata.metadata_for_region(region.upper())
    if trunk is not None and trunk.national_prefix == "0":
        restored = _validate("0" + digits, None, region, assigned_only)
        if restored.value is not None:
            note = "; ".join(n for n in (LEADING_ZERO_NOTE, restored.note) if n)
            return _Parsed(restored.value, None, note, restored.is_mobile)
    return _validate(digits, None, region, assigned_only)


def _split_extension(text: str) -> tuple[str, str | None]:
    """`03-1234-5678 内線123` → (`03-1234-5678`, `123`)."""
    match = _EXTENSION.search(text)
    if match is None or match.start() == 0:
        return text, None
    return text[: match.start()].strip(), match.group(1)


def _validate(main: str, extension: str | None, region: str,
              assigned_only: bool = False) -> _Parsed:
    """Parse the number part with phonenumbers; valid numbers only."""
    if not _ALLOWED.match(main):
        return _INVALID  # letters or stray symbols: never read vanity numbers
    found = _national(main, region.upper())
    if found is None:
        try:
            number = pn.parse(main, region.upper())
        except pn.NumberParseException:
            return _INVALID
        # number_type() is UNKNOWN exactly when is_valid_number() is False (both match the
        # national number against the region's patterns); asking once halves the cost.
        found = number, number_type(number)
    number, kind = found
    note = None
    if kind == pn.PhoneNumberType.UNKNOWN:
        if assigned_only or not _well_formed(main, number):
            return _INVALID
        note = UNASSIGNED_NOTE
    e164 = (f"+{number.country_code}{number.national_number}"
            if not number.italian_leading_zero
            else pn.format_number(number, pn.PhoneNumberFormat.E164))  # format_number's E.164
    if extension:
        e164 = f"{e164};ext={extension}"
    mobile = None if note else kind == pn.PhoneNumberType.MOBILE
    return _Parsed(value=e164, note=note, is_mobile=mobile)


def _well_formed(main: str, number: pn.PhoneNumber) -> bool:
    """A number of its country's shape that no assigned range lists.

    The national number, without a zero before it, must match the country's general
    pattern and one of its number formats in full (its leading digits and length, as
    `011-967-5275` does and `090-1234-567` does not); where the country dials a trunk
    `0` (JP, GB...), it must be typed with it or with a `+`, so stray digits are not
    taken for a phone.
    """
    region = pn.region_code_for_country_code(number.country_code or 0)
    metadata = pn.PhoneMetadata.metadata_for_region(region)
    general = metadata.general_desc if metadata is not None else None
    if metadata is None or general is None or general.national_number_pattern is None:
        return False
    national = str(number.national_number)
    if number.italian_leading_zero or re.fullmatch(
            general.national_number_pattern, national) is None:
        return False
    if not any(_formats(fmt, national) for fmt in metadata.number_format):
        return False
    typed = main.lstrip()
    return typed.startswith("+") or metadata.national_prefix != "0" or (
        _NOT_DIGIT.sub("", typed).startswith("0"))


def _formats(fmt: pn.NumberFormat, national: str) -> bool:
    """Does the country's number format `fmt` lay out these national digits?"""
    leading = fmt.leading_digits_pattern
    if leading and re.match(leading[-1], national) is None:
        return False
    return fmt.pattern is not None and re.fullmatch(fmt.pattern, national) is not None


def valid_share(values: pd.Series, region: str) -> float:
    """The share of the distinct non-empty values that are valid numbers of `region`, as
    people there type them (with the trunk `0` where it dials one, or a `+`).

    It tells a sheet's country from its numbers: `207-555-0162` is valid in JP too (a
    pager number), but nobody in Japan types a number without its 0.
    """
    distinct = pd.unique(values.dropna().astype(str))
    if len(distinct) == 0:
        return 0.0
    metadata = pn.PhoneMetadata.metadata_for_region(region.upper())
    trunk = metadata is not None and metadata.national_prefix == "0"
    hits = 0
    for value in distinct:
        parsed = _parse(value, region)
        if parsed.value is None or parsed.note:
            continue
        text = _PREFIX.sub("", unicodedata.normalize("NFKC", value).strip())
        if trunk and not text.startswith("+") and not _NOT_DIGIT.sub("", text).startswith("0"):
            continue
        hits += 1
    return hits / len(distinct)


def _national(main: str, region: str) -> tuple[pn.PhoneNumber, int] | None:
    """(number, type) of a valid number typed in national form, without phonenumbers.parse.

    parse() is three fifths of the cost of a number, and most cells are national numbers
    typed the usual way: the trunk 0, a non-zero digit, separators between digits. When
    the region's trunk prefix is a bare `0` for these digits and they do not start with
    its international prefix, parse() gives the country code and the digits after the 0,
    so a valid result of that is parse()'s result; anything else (not valid, another
    form) returns None and goes through parse(). tests/clean/test_phone.py holds this to
    parse() on generated numbers.
    """
    if _TRUNK_FORM.fullmatch(main) is None:
        return None
    national = _national_reader(region)
    return None if national is None else national(_NOT_DIGIT.sub("", main))


@cache
def _national_reader(region: str) -> Callable[[str], tuple[pn.PhoneNumber, int] | None] | None:
    """`_national` for one region's digits, its metadata and patterns looked up once."""
    metadata = pn.PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.national_prefix != "0":
        return None
    international = re.compile(metadata.international_prefix) \
        if metadata.international_prefix else None
    trunk_prefix = re.compile(metadata.national_prefix_for_parsing or "0")
    country_code = metadata.country_code

    def read(digits: str) -> tuple[pn.PhoneNumber, int] | None:
        if international is not None and international.match(digits):
            return None
        trunk = trunk_prefix.match(digits)
        if trunk is None or trunk.group(0) != "0" or any(trunk.groups()):
            return None
        number = pn.PhoneNumber(country_code=country_code, national_number=int(digits[1:]))
        kind = number_type(number)
        return None if kind == pn.PhoneNumberType.UNKNOWN else (number, kind)

    return read


_TYPE_ORDER = (("premium_rate", pn.PhoneNumberType.PREMIUM_RATE),
               ("toll_free", pn.PhoneNumberType.TOLL_FREE),
               ("shared_cost", pn.PhoneNumberType.SHARED_COST),
               ("voip", pn.PhoneNumberType.VOIP),
               ("personal_number", pn.PhoneNumberType.PERSONAL_NUMBER),
               ("pager", pn.PhoneNumberType.PAGER), ("uan", pn.PhoneNumberType.UAN),
               ("voicemail", pn.PhoneNumberType.VOICEMAIL),
               ("fixed_line", pn.PhoneNumberType.FIXED_LINE),
               ("mobile", pn.PhoneNumberType.MOBILE))
"""The order in which phonenumbers' number_type() tries a region's number types."""


def number_type(number: pn.PhoneNumber) -> int:
    """phonenumbers.number_type(), with one regex per region instead of one per type.

    number_type() matches the national number against up to eleven patterns in turn, each
    behind a Python call: three quarters of the cost of a phone cell. Here the patterns,
    each behind a lookahead for its possible lengths, are alternatives of one regex tried
    in the same order, so the first type that matches in full is number_type()'s answer.
    Numbers whose country code several regions share (+1, +7, +44...) or with Italian
    leading zeros go to number_type() itself. tests/clean/test_phone.py holds the two equal.
    """
    regions = pn.COUNTRY_CODE_TO_REGION_CODE.get(number.country_code or 0, ())
    typer = _typer(regions[0]) if len(regions) == 1 and not number.italian_leading_zero \
        else None
    return pn.number_type(number) if typer is None else typer(str(number.national_number))


@cache
def _typer(region: str) -> Callable[[str], int] | None:
    """The region's number_type() as one compiled alternation, or None to use phonenumbers."""
    metadata = pn.PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.general_desc is None:
        return None
    general = _desc_pattern(metadata.general_desc)
    if general is None:
        return None
    alternatives = [f"(?P<{attr}>{pattern})" for attr, pattern in _type_patterns(metadata)]
    if not alternatives:
        return None
    valid, typed = re.compile(general), re.compile("|".join(alternatives))
    kinds = dict(_TYPE_ORDER)
    mobile = _desc_pattern(metadata.mobile)
    is_mobile = re.compile(mobile) if mobile is not None else None
    both = metadata.same_mobile_and_fixed_line_pattern

    def kind_of(national: str) -> int:
        if valid.fullmatch(national) is None:
            return pn.PhoneNumberType.UNKNOWN
        found = typed.fullmatch(national)
        if found is None or found.lastgroup is None:
            return pn.PhoneNumberType.UNKNOWN
        if found.lastgroup == "fixed_line" and (
                both or (is_mobile is not None and is_mobile.fullmatch(national))):
            return pn.PhoneNumberType.FIXED_LINE_OR_MOBILE
        return kinds[found.lastgroup]

    return kind_of


def _type_patterns(metadata: pn.PhoneMetadata, end: str = "\\Z") -> list[tuple[str, str]]:
    """(type, `_desc_pattern`) of the region's number types, in number_type()'s order;
    mobile left out where it shares the fixed lines' pattern (number_type() then says
    FIXED_LINE_OR_MOBILE)."""
    both = metadata.same_mobile_and_fixed_line_pattern
    return [(attr, pattern) for attr, _ in _TYPE_ORDER
            if not (attr == "mobile" and both)
            and (pattern := _desc_pattern(getattr(metadata, attr), end)) is not None]


def _desc_pattern(desc: pn.PhoneNumberDesc | None, end: str = "\\Z") -> str | None:
    """A number description as one pattern: its lengths as a lookahead up to `end` (the
    end of the text, or of a line), then its digits."""
    if desc is None or not desc.national_number_pattern:
        return None
    lengths = [n for n in (desc.possible_length or ()) if n > 0]
    ahead = f"(?=(?:{'|'.join(f'[0-9]{{{n}}}' for n in lengths)}){end})" if lengths else ""
    return f"{ahead}(?:{desc.national_number_pattern})"
