"""Email addresses: one valid address per cell, the domain lower-cased, no DNS.

Each distinct value is validated once and the results are spread back over the rows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from migrator.clean.base import Context, Outcome
from migrator.distinct import fold_joined
from migrator.errors import RejectReason

_SEPARATORS = re.compile(r"[,;、，；\s]+")
_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)
_WRAPPERS = "<>\"'()[]「」"
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN = re.compile(
    rf"(?P<local>{_ATOM}(?:\.{_ATOM})*)@"
    r"(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})")
"""A plain ASCII dot-atom address; `_plain` decides these without email-validator."""
_SPECIAL_USE = re.compile(
    r"(?:\A|\.)(?:" + "|".join(map(re.escape, SPECIAL_USE_DOMAIN_NAMES)) + r")\Z")
"""A reserved domain name (`localhost`, `test`...) or a name under one."""
_PLAIN_LINE = re.compile(
    rf"^(?!')(?=[^\n]{{1,254}}$)(?=[^@\n]{{1,64}}@){_ATOM}(?:\.{_ATOM})*@(?![^\n]*--)"
    rf"(?!(?:[^\n]*\.)?(?:{'|'.join(map(re.escape, SPECIAL_USE_DOMAIN_NAMES))})$)"
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.MULTILINE)
"""A line that `_quick` returns as it is: a plain ASCII address (`_PLAIN`) whose domain is
lower-case already, within `_plain`'s limits and not reserved, that starts with no
wrapper (a `'`: the only one `_ATOM` allows) and holds no separator or space."""


@dataclass(frozen=True)
class _Parsed:
    """What one distinct input value cleans to."""

    value: str | None = None
    reason: str | None = None
    note: str | None = None
    others: str | None = None


_EMPTY = _Parsed()
_INVALID = _Parsed(reason=RejectReason.INVALID_EMAIL)


def email_transform(series: pd.Series, ctx: Context) -> Outcome:
    """Email addresses, trimmed and syntax-checked with email-validator (no DNS lookups).

    Full-width ASCII is NFKC-normalised (`ｉｎｆｏ＠…`); `mailto:`, `<a@b.jp>` and
    `Name <a@b.jp>` reduce to the address. The domain is lower-cased, the local part kept
    as typed. IDN domains are accepted and kept in their Unicode form, lower-cased
    (`a@例え.JP` and `a@xn--r8jz45g.jp` both give `a@例え.jp`).

    A cell with several addresses (split on `,` `;` `、` or whitespace) keeps the first
    valid one; the note says `kept the first of 3 addresses` and `extra["other_emails"]`
    holds the rest, `;`-joined (valid ones normalised, invalid ones as typed). A cell
    with no valid address gets `invalid_email`.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    distinct = np.asarray(uniques, dtype=object).tolist()
    found = _plain_lines(distinct)
    # the plain addresses as they are, the rest value by value: no row built per value
    blank: list[str | None] = [None] * len(found)
    columns = [found, blank, blank.copy(), blank.copy()]
    for i in [i for i, row in enumerate(found) if row is None]:
        quick = _quick(distinct[i])
        row = (quick, None, None, None) if quick is not None else _row(_parse(distinct[i]))
        for cells, value in zip(columns, row, strict=True):
            cells[i] = value
    for cells, value in zip(columns, _row(_EMPTY), strict=True):
        cells.append(value)  # code -1 (NA) picks the last entry

    per_value = [np.array(column, dtype=object) for column in columns]
    held = [~pd.isna(values) for values in per_value]  # once per distinct value, not per row

    def column(i: int) -> pd.Series:
        per_value[i][~held[i]] = pd.NA
        return pd.Series(per_value[i][codes], index=series.index, dtype="object")

    return Outcome(
        values=column(0),
        reasons=column(1),
        notes=column(2),
        extra={"other_emails": column(3)},
        present=held[0][codes],
        failed=held[1][codes],
    )


def _plain_lines(values: list[object]) -> list[str | None]:
    """`_quick`'s answer for each of `values` that is a plain address once trimmed, with
    its domain lower-cased; None for the others (`_quick` and `_parse` decide those).

    One substitution over the texts joined as lines empties the plain ones, where `_quick`
    made six to eight Python calls a value (the transform over the run benchmark's
    100,000 addresses here: 0.27 -> 0.12 s). The texts it leaves that are ASCII are then
    trimmed and their domains lower-cased with a few string methods each, as `_quick`
    would, and read so again: the all-distinct benchmark's 100,000 ` user@Example.CO.JP `
    went 0.30-0.38 -> 0.19-0.22 s (5 calls each, twice). All None when a text holds a
    newline."""
    texts = [v if type(v) is str else "" for v in values]
    lines = fold_joined(texts, partial(_PLAIN_LINE.sub, ""))
    if lines is None:
        return [None] * len(texts)
    found = [None if line or not text else text for line, text in zip(lines, texts, strict=True)]
    rest = [i for i, (line, text) in enumerate(zip(lines, texts, strict=True))
            if line and text.isascii()]
    if not rest:
        return found
    # str.strip() is `_quick`'s trim, and NFKC leaves ASCII as it is
    trimmed = [texts[i].strip() for i in rest]
    tidied = [t[:(at := t.rfind("@"))] + t[at:].lower() for t in trimmed]
    again = fold_joined(tidied, partial(_PLAIN_LINE.sub, ""))
    if again is None:  # cannot be: trimmed ASCII lines hold no newline
        return found
    for i, line, text in zip(rest, again, tidied, strict=True):
        if not line and text:
            found[i] = text
    return found


def _row(parsed: _Parsed) -> tuple[str | None, str | None, str | None, str | None]:
    return parsed.value, parsed.reason, parsed.note, parsed.others


def _quick(value: object) -> str | None:
    """`_parse(value).value` for a cell holding one plain address and nothing else to
    unwrap (most cells), without a _Parsed; None where `_parse` must decide."""
    if type(value) is not str:
        return None
    text = (value if value.isascii() else unicodedata.normalize("NFKC", value)).strip()
    if not text or "@" not in text or text[0] in _WRAPPERS or text[-1] in _WRAPPERS \
            or _SEPARATORS.search(text) is not None or _MAILTO.match(text) is not None:
        return None
    return _plain(text)


def _parse(value: object) -> _Parsed:
    """One raw cell to its cleaned form; the cached unit of work."""
    if isinstance(value, float) and np.isnan(value):
        return _EMPTY
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return _EMPTY
    if _SEPARATORS.search(text) is None and text[0] not in _WRAPPERS \
            and text[-1] not in _WRAPPERS and _MAILTO.match(text) is None:
        # one address, nothing to unwrap: most cells, without the list work below
        kept = _normalise(text) if "@" in text else None
        return _INVALID if kept is None else _Parsed(value=kept)
    candidates = [c for c in map(_unwrap, _SEPARATORS.split(text)) if "@" in c]
    if not candidates:
        return _INVALID
    checked = [(c, _normalise(c)) for c in candidates]
    checked = list(dict.fromkeys(checked))  # `"a@b.jp" <a@b.jp>` is one address
    first = next((i for i, (_, n) in enumerate(checked) if n is not None), None)
    if first is None:
        return _INVALID
    kept = checked[first][1]
    if len(checked) == 1:
        return _Parsed(value=kept)
    others = [n or raw for i, (raw, n) in enumerate(checked) if i != first]
    which = "first" if first == 0 else "first valid"
    note = f"kept the {which} of {len(checked)} addresses"
    return _Parsed(value=kept, note=note, others=";".join(others))


def _unwrap(token: str) -> str:
    """`<mailto:a@b.jp>` → `a@b.jp`."""
    return _MAILTO.sub("", token.strip(_WRAPPERS)).strip(_WRAPPERS)


def _normalise(address: str) -> str | None:
    """The address with its domain lower-cased, or None when it is not valid."""
    plain = _plain(address)
    if plain is not None:
        return plain
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return None
    # email-validator lower-cases role names (`Sales@`); the local part stays as typed.
    local = address.rpartition("@")[0]
    return f"{local}@{result.domain.lower()}"


def _plain(address: str) -> str | None:
    """email-validator's answer for a plain ASCII address, or None to ask it.

    email-validator is thorough (IDNA, quoted local parts, reserved names) and costs
    about 50 µs an address; a ledger of 100,000 customers is mostly plain addresses,
    whose verdict one regex and the reserved-name list decide. Anything unusual (non-ASCII,
    quotes, `--` in the domain, a reserved name, a length limit) goes to email-validator.
    tests/clean/test_email.py holds this to its answers.
    """
    match = _PLAIN.fullmatch(address)
    if match is None or len(address) > 254 or len(match["local"]) > 64:
        return None
    domain = match["domain"].lower()
    if "--" in domain or len(domain) > 253 or _SPECIAL_USE.search(domain):
        return None
    return f"{match['local']}@{domain}"
