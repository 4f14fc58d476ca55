"""Formula-injection safety for files people open in a spreadsheet (OWASP "CSV injection").

A spreadsheet evaluates a cell that starts with a formula character, so a customer
name typed as `=HYPERLINK(...)` would run when someone opens our CSV. We follow
OWASP: a text cell whose first character is in `FORMULA_LEADS` gets a single quote
`'` in front of it, and the CSV writer quotes every field (so a `,` or `;` inside a
value can never open a new cell that starts with `=`).

The rule, exactly: prefix `'` when the first character is one of

- `=` `+` `-` `@`, TAB (0x09), CR (0x0D): OWASP's list;
- LF (0x0A), added to OWASP's list on 2025-08-01, and NUL (0x00), which ASVS 1.2.10
  adds (see ../shared/CRM-FORMATS.md);
- the full-width `＝` `＋` `－` `＠` (U+FF1D, U+FF0B, U+FF0D, U+FF20). OWASP does not
  list them and no source we could check confirms or denies that Excel evaluates them
  from a CSV. We guard them anyway: Excel with a Japanese IME turns a typed `＝1+1`
  into a formula, and Japanese Excel is known to read full-width digits in a CSV as
  numbers (the same conversion). Missing a formula runs code on a reader's machine;
  a needless quote costs one visible character, so the conservative side wins.

Only text is changed: an int or float (`-1234` as a number) cannot carry a formula and
is written as it is. A value that already starts with `'` is left alone, so the rule is
idempotent.

The price, documented on purpose: legitimate values get the quote too. An E.164
phone `+81312345678` becomes `'+81312345678`, a negative amount held as text `-1234`
becomes `'-1234`, and a lone `－` (a common "none" in Japanese sheets) becomes `'－`.
Excel hides the quote only when a person types it; a program reading the CSV (or a
CRM importing it, see CRM-FORMATS.md: no CRM is known to strip it) sees it as data.
Exports for machines should decide per column; files for people always use it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

FORMULA_LEADS: frozenset[str] = frozenset("=+-@\t\r\n\x00＝＋－＠")
"""First characters that make a spreadsheet treat a cell as a formula (see the module)."""


def is_formula_like(value: str) -> bool:
    """True when `value` would be read as a formula by a spreadsheet."""
    return value[:1] in FORMULA_LEADS if value else False


def formula_safe(value: str) -> str:
    """`value` with a `'` in front when it starts like a formula, else unchanged.

    >>> formula_safe("=SUM(A1)"), formula_safe("山田商事")
    ("'=SUM(A1)", '山田商事')
    """
    return "'" + value if is_formula_like(value) else value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` with `formula_safe` applied to every text cell.

    Numbers, booleans and missing values stay as they are; column labels are not
    touched (callers choose their own headers).
    """
    out = df.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
            out[column] = pd.Series([_safe_cell(v) for v in series], index=series.index,
                                    dtype=series.dtype, name=series.name)
    return out


def _safe_cell(value: Any) -> Any:
    return formula_safe(value) if isinstance(value, str) else value
