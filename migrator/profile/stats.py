"""A column's distinct values with their counts, what Python type each is, and as text.

Everything after this works on the distinct values weighted by their counts, so a
column of 47 prefectures in a million rows costs 47 checks, not a million.
"""

from __future__ import annotations

import datetime as dt
import decimal
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_TOP_VALUES = 5
MAX_VALUE_CHARS = 60
KINDS = ("string", "integer", "decimal", "boolean", "date", "datetime", "time")
"""What a value is, by its Python type; `Distinct.kinds` holds indexes into this."""
_DATE_KINDS = ("date", "datetime")


@dataclass(frozen=True)
class Distinct:
    """The non-null values of one column, each once, in order of first appearance."""

    values: np.ndarray
    """Object array of the distinct values as read (str, int, float, date, ...)."""
    counts: np.ndarray
    """int64: how many rows hold each value."""
    kinds: np.ndarray
    """int8 per value: its index in KINDS."""
    rows: int
    """Rows in the column, nulls included."""

    @property
    def nonnull(self) -> int:
        return int(self.counts.sum())

    def of_kind(self, *kinds: str) -> np.ndarray:
        """Boolean mask of the values of these kinds."""
        return np.isin(self.kinds, [KINDS.index(kind) for kind in kinds])


def distinct_values(series: pd.Series) -> Distinct:
    """Count each distinct non-null value of `series` (pandas hashing, no Python loop)."""
    values = series.to_numpy(dtype=object)
    values = values[~pd.isna(values)]
    codes, uniques = pd.factorize(values)
    uniques = np.asarray(uniques, dtype=object)
    counts = np.bincount(codes, minlength=len(uniques)).astype(np.int64)
    if isinstance(series.dtype, pd.StringDtype) or series.dtype == "str":
        kinds = np.zeros(len(uniques), dtype=np.int8)
    else:
        kinds = _kinds(uniques)
    return Distinct(uniques, counts, kinds, len(series))


def _kinds(values: np.ndarray) -> np.ndarray:
    """The kind of each value: one `type()` per value in numpy's C loop, one Python
    decision per distinct type."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int8)
    types = np.frompyfunc(type, 1, 1)(values)
    codes, distinct_types = pd.factorize(types)
    kinds = np.array([KINDS.index(_kind_of(t)) for t in distinct_types], dtype=np.int8)
    return kinds[codes]


def _kind_of(kind: type) -> str:
    """The profile's name for a Python type; booleans before integers (bool is an int)."""
    checks: tuple[tuple[tuple[type, ...], str], ...] = (
        ((str,), "string"), ((bool, np.bool_), "boolean"), ((int, np.integer), "integer"),
        ((float, np.floating, decimal.Decimal), "decimal"),
        ((dt.datetime, np.datetime64), "datetime"), ((dt.date,), "date"),
        ((dt.time, dt.timedelta, np.timedelta64), "time"),
    )
    for types, name in checks:
        if issubclass(kind, types):
            return name
    return "string"


def inferred_type(distinct: Distinct) -> str:
    """One type for the column: its values' kind, `decimal` for integers mixed with
    decimals, `datetime` for dates mixed with datetimes, `mixed` for anything else."""
    kinds = {KINDS[k] for k in np.unique(distinct.kinds).tolist()}
    if not kinds:
        return "empty"
    if len(kinds) == 1:
        return str(kinds.pop())
    if kinds == {"integer", "decimal"}:
        return "decimal"
    if kinds == {"date", "datetime"}:
        return "datetime"
    return "mixed"


def render(distinct: Distinct, index: np.ndarray) -> np.ndarray:
    """The distinct values at `index` as a person reads them: dates ISO, numbers as
    Python prints them. Rendered kind by kind with converters that loop in C."""
    values = distinct.values[index]
    kinds = distinct.kinds[index]
    out = values.copy()
    for code in set(np.unique(kinds).tolist()) - {0}:  # 0: strings stay as they are
        mask = kinds == code
        out[mask] = _render(values[mask], KINDS[code])
    return out


def _render(values: np.ndarray, kind: str) -> np.ndarray:
    """Values of one kind as an object array of str: dates through numpy's ISO writer,
    the rest through `str` in a C-level `map` (numpy's own number printing is slower)."""
    try:
        if kind == "date":
            return np.datetime_as_string(values.astype("datetime64[D]")).astype(object)
        if kind == "datetime":
            with warnings.catch_warnings():  # numpy drops a time zone with a warning
                warnings.simplefilter("error", UserWarning)
                stamps = values.astype("datetime64[s]")
            return np.datetime_as_string(stamps, unit="s").astype(object)
    except (OverflowError, TypeError, ValueError, UserWarning):  # out of range, zone: str()
        pass
    return np.fromiter(map(str, values), dtype=object, count=len(values))


def top_values(distinct: Distinct) -> list[dict[str, object]]:
    """The most common values, ties in order of first appearance, cut to 60 characters."""
    top = np.argsort(-distinct.counts, kind="stable")[:MAX_TOP_VALUES]
    out: list[dict[str, object]] = []
    for i, text in zip(top.tolist(), render(distinct, top).tolist(), strict=True):
        value = str(text)
        if len(value) > MAX_VALUE_CHARS:
            value = value[:MAX_VALUE_CHARS - 1] + "…"
        out.append({"value": value, "count": int(distinct.counts[i])})
    return out


def numbers(distinct: Distinct) -> tuple[np.ndarray, np.ndarray]:
    """The integer and decimal values as float64, with their counts."""
    mask = distinct.of_kind("integer", "decimal")
    try:
        values = distinct.values[mask].astype(np.float64)
    except (OverflowError, TypeError, ValueError):  # an int beyond float: rare, so a loop
        values = np.array([_float(v) for v in distinct.values[mask]], dtype=np.float64)
    return values, distinct.counts[mask]


def _float(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]  # only ints and decimals come here
    except OverflowError:
        return float("inf")


def dated(distinct: Distinct) -> int:
    """How many rows hold a real date or datetime value."""
    return int(distinct.counts[distinct.of_kind(*_DATE_KINDS)].sum())
