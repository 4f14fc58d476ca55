"""Each expectation's failing rows, found the way GX 1.x's pandas engine finds them.

GX lists every failing row only with `result_format="COMPLETE"`, which costs a third of
a run: per expectation it filters the column again for the unexpected values, index list
and index query. With `BASIC` GX still counts each expectation's failing rows; these
functions then find the rows with the same pandas expressions GX's metrics use (its
`column_condition_partial` functions, on the non-null rows where GX filters them), and
`check_tables` compares every list with GX's `unexpected_count`, so a row list that
strays from GX's semantics stops the run instead of changing the rejects.

A condition that depends on the value alone (regex, lengths) runs once per distinct
value when every value is a str; other columns (mixed types) run row by row. Only the
expectation types and keyword arguments below take this path; any other expectation
makes its table run with COMPLETE, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from migrator.validate.suites import (
    BETWEEN,
    IN_SET,
    LENGTHS,
    MATCH_REGEX,
    NOT_IN_SET,
    NOT_NULL,
    UNIQUE,
)

_BOUNDS = {"min_value", "max_value", "strict_min", "strict_max"}
_KWARGS = {
    NOT_NULL: {"column", "mostly"},
    UNIQUE: {"column", "mostly"},
    MATCH_REGEX: {"column", "mostly", "regex"},
    IN_SET: {"column", "mostly", "value_set"},
    NOT_IN_SET: {"column", "mostly", "value_set"},
    BETWEEN: {"column", "mostly", *_BOUNDS},
    LENGTHS: {"column", "mostly", *_BOUNDS},
}
"""The expectation types found here, with the keyword arguments each may carry (`mostly`
changes GX's verdict, not which rows fail)."""


def findable(config: dict[str, Any], gx_frame: pd.DataFrame) -> bool:
    """Whether `failing_positions` finds this expectation's rows exactly as GX would."""
    kind, kwargs = config.get("type"), config.get("kwargs") or {}
    allowed = _KWARGS.get(str(kind))
    if allowed is None or not set(kwargs) <= allowed or kwargs.get("column") not in gx_frame:
        return False
    if kind in (IN_SET, NOT_IN_SET):
        column = gx_frame[kwargs["column"]]
        return (isinstance(kwargs.get("value_set"), list)
                and not pd.api.types.is_datetime64_any_dtype(column))
    if kind == MATCH_REGEX:
        return isinstance(kwargs.get("regex"), str)
    if kind in (BETWEEN, LENGTHS):
        bounds = [kwargs.get("min_value"), kwargs.get("max_value")]
        if any(b is not None and (isinstance(b, bool) or not isinstance(b, int | float))
               for b in bounds) or bounds == [None, None]:
            return False
        if None not in bounds and bounds[0] > bounds[1]:  # type: ignore[operator]  # numbers
            return False
        if any(not isinstance(kwargs.get(s, False), bool) for s in ("strict_min", "strict_max")):
            return False
        if kind == BETWEEN:  # GX's vectorised branch; other dtypes compare value by value
            return gx_frame[kwargs["column"]].dtype in (np.int64, np.float64)
    return True


def failing_positions(config: dict[str, Any], gx_frame: pd.DataFrame) -> np.ndarray:
    """Positions (0-based rows of `gx_frame`) that fail `config`, sorted; see `findable`."""
    kind, kwargs = config["type"], config["kwargs"]
    column = gx_frame[kwargs["column"]]
    if kind == NOT_NULL:  # GX: ~column.isnull(), nulls not filtered
        return np.flatnonzero(column.isna().to_numpy())
    present = column.notna().to_numpy()
    values = column[present]
    if kind == UNIQUE:
        meets = ~values.duplicated(keep=False).to_numpy()
    elif kind == IN_SET:
        meets = values.isin(kwargs["value_set"]).to_numpy()
    elif kind == NOT_IN_SET:
        meets = ~values.isin(kwargs["value_set"]).to_numpy()
    elif kind == BETWEEN:
        meets = _between(values, kwargs).to_numpy()
    elif kind == MATCH_REGEX:
        regex = kwargs["regex"]
        meets = _per_value(values, lambda v: v.astype(str).str.contains(regex))
    else:  # LENGTHS
        meets = _per_value(values, lambda v: _between(v.astype(str).str.len(), kwargs))
    return np.flatnonzero(present)[~meets.astype(bool)]


def _per_value(values: pd.Series, condition: Callable[[pd.Series], pd.Series]) -> np.ndarray:
    """`condition` over the distinct values when all are str (it depends on the value
    alone), spread back over the rows; over every row otherwise."""
    if len(values) and infer_dtype(values, skipna=False) == "string":
        codes, uniques = pd.factorize(values.to_numpy(dtype=object))
        return condition(pd.Series(uniques, dtype=object)).to_numpy(dtype=bool)[codes]
    return condition(values.reset_index(drop=True)).to_numpy(dtype=bool)


def _between(values: pd.Series, kwargs: dict[str, Any]) -> pd.Series:
    """GX's comparison of a number column with min_value / max_value (strict: exclusive)."""
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    strict_min, strict_max = kwargs.get("strict_min"), kwargs.get("strict_max")
    meets = pd.Series(True, index=values.index)
    if low is not None:
        meets &= (values > low) if strict_min else (values >= low)
    if high is not None:
        meets &= (values < high) if strict_max else (values <= high)
    return meets
