"""What every value transform returns, so the clean stage can log changes and rejects.

A transform works on a whole column (a pandas Series) and returns, row for row, the
cleaned value, or a reason code where the value cannot be cleaned. It never drops a
row and never guesses: a value it cannot read is a reason, not a NaN.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd


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


Transform = Callable[[pd.Series, Context], Outcome]
"""A named transform: (column, context) → Outcome. Registered in migrator.clean.registry."""


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
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    cells = clean_all(list(uniques)) + [Cell(extra=(pd.NA,) * len(extra_names))]
    width = len(extra_names)
    # Cell fields as columns: (value, reason, note, extra 0, extra 1, ...), one row per cell
    blank = (pd.NA,) * width
    columns = list(zip(*[(*cell[:3], *(cell.extra or blank)[:width]) for cell in cells],
                       strict=True))

    def spread(column: Sequence[object]) -> pd.Series:
        table = np.empty(len(cells), dtype=object)
        table[:] = [pd.NA if value is None else value for value in column]
        # code -1 (an empty cell) takes the last entry, the empty Cell appended above
        return pd.Series(table[codes], index=series.index, dtype="object")

    notes = spread(columns[2]) if any(columns[2]) else None
    extra = {name: spread(columns[3 + i]) for i, name in enumerate(extra_names)}
    return Outcome(
        values=spread(columns[0]),
        reasons=spread(columns[1]),
        notes=notes,
        extra=extra,
    )
