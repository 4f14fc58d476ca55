"""What every value transform returns, so the clean stage can log changes and rejects.

A transform works on a whole column (a pandas Series) and returns, row for row, the
cleaned value, or a reason code where the value cannot be cleaned. It never drops a
row and never guesses: a value it cannot read is a reason, not a NaN.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, repeat
from typing import Any, NamedTuple, cast

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype


@dataclass(frozen=True)
class Context:
    """What a transform may know beyond the column itself."""

    region: str = "JP"
    """Default country of phone numbers and postal codes (ISO 3166-1 alpha-2)."""
    day_first: bool = False
    """`1/4/2021` is 1 April (True) or 4 January (False, the US reading)."""
    date1904: bool = False
    """Excel serial numbers count from 1904 (old Mac workbooks)."""
    related: dict[str, pd.Series] = field(default_factory=dict)
    """Other cleaned columns of the same rows, by target field (`region` for postal codes)."""


@dataclass(frozen=True)
class Outcome:
    """One transform over one column, aligned with its index."""

    values: pd.Series
    """The cleaned values; NA where the input was empty or the value was rejected."""
    reasons: pd.Series
    """A reason code (`invalid_phone`) where a non-empty value could not be cleaned, else NA."""
    notes: pd.Series | None = None
    """Optional text per row for the change log (`kept the first of 2 addresses`)."""
    extra: dict[str, pd.Series] = field(default_factory=dict)
    """Derived columns (`is_mobile` for phones), by name, for the stage to route."""
    changed: np.ndarray | None = None
    """Per row, whether the value is written otherwise than the input was, where the
    transform knows it from its distinct values (`spread_changed`); None else, and the
    stage compares the rows."""
    present: np.ndarray | None = None
    """Per row, whether `values` holds a value, and `failed`, whether `reasons` holds one,
    where the transform knows it from its distinct values (`apply_distinct_columns`);
    None else, and the stage asks the rows (a pass over every cell of an object column)."""
    failed: np.ndarray | None = None


Transform = Callable[[pd.Series, Context], Outcome]
"""A named transform: (column, context) → Outcome. Registered in migrator.clean.registry."""


WRITE_ALIKE = frozenset({"string", "integer", "date"})
"""pandas' inferred kinds of a column whose equal values are written alike (not floats:
1.0 == 1; not mixed: True == 1; not datetimes beside dates): there, a row's input is
written as the distinct value it was counted under."""


def spread_changed(data: np.ndarray, codes: np.ndarray, uniques: Sequence[object],
                   values: Sequence[object], missing: np.ndarray | None = None
                   ) -> np.ndarray | None:
    """Per row of `data` (factorized into `codes` and `uniques`), whether its value
    `values[code]` is written otherwise than its input (`value_texts`, as the stage
    compares rows), compared once per distinct value. None when the column's equal values
    need not be written alike (WRITE_ALIKE): then the rows are compared one by one.
    `missing`: where `values` holds none, when the caller knows it already."""
    if infer_dtype(data, skipna=True) not in WRITE_ALIKE:
        return None
    old = np.fromiter(uniques, dtype=object, count=len(uniques))
    old = value_texts(old, value_kinds(old))
    new = np.fromiter(values, dtype=object, count=len(values))
    if missing is None:
        missing = pd.isna(new)
    new[missing] = old[missing]  # no value: nothing written, nothing changed
    table = np.zeros(len(old) + 1, dtype=bool)  # code -1, an empty cell: unchanged
    table[:-1] = old != value_texts(new, value_kinds(new))
    changed: np.ndarray = table[codes]
    return changed


def value_kinds(values: np.ndarray) -> set[type]:
    """The types of `values`; text told by pandas' inference, several times faster."""
    if infer_dtype(values, skipna=False) in ("string", "empty"):
        return {str} if len(values) else set()
    return set(map(type, values))


def value_texts(values: np.ndarray, kinds: set[type]) -> np.ndarray:
    """str() of each of `values`, whose types are `kinds`."""
    if kinds <= {str}:
        return values
    if kinds in ({date}, {int}):
        # dates or ints only: equal values write alike, so str() once per distinct value
        codes, uniques = pd.factorize(values)
        return np.array([str(u) for u in uniques], dtype=object)[codes]
    # else str() once per object: a transform spreads one object over the rows of each
    # distinct value, and equal values need not write alike (Decimal 1.0 and 1.00)
    codes, ids = pd.factorize(np.fromiter(map(id, values), dtype=np.uint64,
                                          count=len(values)))
    first = np.empty(len(ids), dtype=np.intp)
    first[codes] = np.arange(len(values))
    return np.fromiter(map(str, values[first]), dtype=object, count=len(ids))[codes]


def empty_reasons(index: pd.Index) -> pd.Series:
    """A reasons Series with no reason on any row."""
    return pd.Series(pd.NA, index=index, dtype="object")


class Cell(NamedTuple):
    """What a transform decided for one distinct value (a tuple: 100,000 of them are built
    in a fifth of the time frozen dataclasses take)."""

    value: object = pd.NA
    reason: str | None = None
    note: str | None = None
    extra: tuple[object, ...] = ()


def apply_distinct(
    series: pd.Series, clean_one: Callable[[object], Cell], extra_names: Sequence[str] = ()
) -> Outcome:
    """Run `clean_one` once per distinct non-empty value and spread the answers over the rows.

    A column of 1,000,000 rows usually holds a few thousand distinct values, so the cost is
    the factorize plus one numpy take per output column.
    """
    return apply_distinct_all(series, lambda values: [clean_one(v) for v in values],
                              extra_names)


def apply_distinct_all(
    series: pd.Series, clean_all: Callable[[list[object]], list[Cell]],
    extra_names: Sequence[str] = ()
) -> Outcome:
    """`apply_distinct` with one call for all the distinct values, for a transform that
    does its work on many values at once: `clean_all(values)` is a Cell per value."""
    width = len(extra_names)
    return apply_distinct_columns(
        series, lambda values: cell_columns(clean_all(values), width), extra_names)


class Columns(NamedTuple):
    """What a transform decided for each distinct value, one list per Outcome column, pd.NA
    where a value has none: 100,000 values need no Cell each, nor a pass to sort them."""

    values: list[Any]
    reasons: list[Any]
    notes: list[Any] | None = None
    """None where no value has a note."""
    extra: tuple[list[Any], ...] = ()


def cell_columns(cells: Sequence[Cell], width: int) -> Columns:
    """Cells as Columns (None as pd.NA), with `width` extra columns."""
    blank = (pd.NA,) * width
    rows = [(*cell[:3], *(cell.extra or blank)[:width]) for cell in cells]
    if not rows:
        return Columns([], [], None, tuple([] for _ in range(width)))
    # a list per field, not zip(*rows): that makes an iterator per row, and 100,000 new
    # objects wake the garbage collector over the whole heap (3x slower in a transform)
    columns = [[pd.NA if row[i] is None else row[i] for row in rows] for i in range(3 + width)]
    notes = columns[2] if any(cell.note for cell in cells) else None
    return Columns(columns[0], columns[1], notes, tuple(columns[3:]))


def apply_distinct_columns(
    series: pd.Series, clean_columns: Callable[[list[object]], Columns],
    extra_names: Sequence[str] = ()
) -> Outcome:
    """`apply_distinct_all` for a transform that answers in Columns, not a Cell per value."""
    data = series.to_numpy(dtype=object)
    codes, uniques = pd.factorize(data, use_na_sentinel=True)
    columns = clean_columns(list(uniques))

    def spread(column: Sequence[object]) -> pd.Series:
        # code -1 (an empty cell) takes the last entry; fromiter, as numpy's assignment
        # from a list asks each pd.NA in it whether it is a sequence (8.9 -> 2.4 ms for
        # 100,000 values, two in three NA)
        table = np.fromiter(chain(column, (pd.NA,)), dtype=object, count=len(column) + 1)
        return pd.Series(table[codes], index=series.index, dtype="object")

    def held(column: Sequence[object]) -> np.ndarray:
        """Per distinct value, whether `column` holds something for it."""
        return np.asarray(pd.notna(np.fromiter(column, dtype=object, count=len(column))))

    def rows(table: np.ndarray) -> np.ndarray:
        return np.append(table, False)[codes]  # code -1, an empty cell: none

    present = held(columns.values)
    # a transform that never rejects answers NA for every value: no pass asks each one
    unfailed = all(map(operator.is_, columns.reasons, repeat(pd.NA)))
    return Outcome(
        values=spread(columns.values),
        reasons=(pd.Series(pd.NA, index=series.index, dtype="object") if unfailed
                 else spread(columns.reasons)),
        notes=spread(columns.notes) if columns.notes is not None else None,
        extra={name: spread(column)
               for name, column in zip(extra_names, columns.extra, strict=True)},
        changed=spread_changed(data, codes, uniques, columns.values, missing=~present),
        present=rows(present),
        failed=(np.zeros(len(codes), dtype=bool) if unfailed
                else rows(held(columns.reasons))),
    )


def text_columns(
    values: list[object], texts: Callable[[list[str]], Columns | None],
    clean_one: Callable[[object], Cell], width: int = 0
) -> Columns:
    """Columns for `values`: the text ones at once by `texts`, the others a Cell each by
    `clean_one`, and all of them so where `texts` answers None (a text holding a newline)."""
    at = [i for i, value in enumerate(values) if isinstance(value, str)]
    others = [i for i, value in enumerate(values) if not isinstance(value, str)] \
        if len(at) < len(values) else []
    quick = texts([cast(str, values[i]) for i in at] if others else cast(list[str], values))
    if quick is None:
        return cell_columns([clean_one(value) for value in values], width)
    if not others:
        return quick
    slow = cell_columns([clean_one(values[i]) for i in others], width)

    def merge(a: list[object] | None, b: list[object] | None) -> list[object]:
        out: list[object] = [pd.NA] * len(values)
        for positions, column in ((at, a), (others, b)):
            if column is not None:
                for i, value in zip(positions, column, strict=True):
                    out[i] = value
        return out

    notes = None if quick.notes is None and slow.notes is None else merge(quick.notes,
                                                                          slow.notes)
    return Columns(merge(quick.values, slow.values), merge(quick.reasons, slow.reasons), notes,
                   tuple(merge(a, b) for a, b in zip(quick.extra, slow.extra, strict=True)))
