"""The rows a load writes: schema fields coerced per column, lineage and `_run_id`.

Coercion works on whole columns: a text column that already holds only strings is
taken as it is, and every other column is coerced once per distinct value
(`pd.factorize`), so a 300,000-row sales sheet with a few thousand distinct amounts
and dates costs a few thousand conversions, not millions. The same columns give the
PostgreSQL COPY payload (`copy_chunks`), built the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from migrator.distinct import per_distinct, without_repeats
from migrator.errors import LoadError
from migrator.lineage import LINEAGE_COLUMNS, row_seq
from migrator.load.ddl import RUN_ID
from migrator.schema import TableSpec

_SCALE = Decimal("0.0001")  # NUMERIC(18, 4)
_TEXT_KINDS = ("text", "code")
_COPY_NULL = "\\N"
COPY_ROWS = 10_000
"""Rows per COPY chunk: the server parses one while the next is built."""
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@dataclass
class Prepared:
    """One table's rows, column by column, ready to write."""

    name: str
    spec: TableSpec
    fields: list[str]
    """The schema fields the frame holds, in schema order; only these are compared."""
    columns: list[str]
    """fields + lineage + `_run_id`: what is written."""
    values: dict[str, np.ndarray]
    """Per column, an object array: a python value (str, int, Decimal, date, bool) or None."""
    kinds: dict[str, str]
    """Per column, its schema type (`text` for lineage and `_run_id`, `integer` for the row)."""
    size: int
    missing: dict[str, np.ndarray]
    """Per column, where its value is None (found once, for every COPY chunk)."""
    distinct: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """Per column coerced once per distinct value: each row's code (-1: None) and the
    distinct values, so that COPY writes each of them once too."""
    chunks: Iterator[bytes] | None = None
    """The COPY payload when another thread makes it (`LoadAhead`); else `copy_chunks`."""
    given: dict[str, Any] | None = None
    """The columns `chunks` leaves out, each holding one value in every row, with that
    value (`given_constants`): the COPY gives them as the columns' defaults. None: every
    column is in the payload."""
    _constants: dict[str, str] | None = field(default=None, init=False, repr=False,
                                              compare=False)
    """A cache: the COPY text of each column that holds one value in every row, found by
    `copy_columns` on first use."""

    def records(self, start: int = 0, stop: int | None = None) -> list[dict[str, Any]]:
        """Rows `start:stop` as dicts, for executemany."""
        lists = [self.values[c][start:stop].tolist() for c in self.columns]
        return [dict(zip(self.columns, row, strict=True)) for row in zip(*lists, strict=True)]


def prepare(name: str, spec: TableSpec, frame: pd.DataFrame, run_id: str) -> Prepared:
    """Coerce `frame` to the schema's types; a value that will not coerce is a LoadError."""
    pk = spec.primary_key
    lineage_kinds = {"_source_file": "text", "_source_sheet": "text", "_source_row": "integer",
                     RUN_ID: "text"}
    if frame.empty and pk not in frame.columns:
        columns = [pk, *LINEAGE_COLUMNS, RUN_ID]
        return Prepared(name, spec, [pk], columns, {c: _objects([]) for c in columns},
                        {pk: spec.fields[pk].type, **lineage_kinds}, 0,
                        {c: np.zeros(0, dtype=bool) for c in columns})
    frame = generate_keys(name, spec, frame)
    if pk not in frame.columns:
        raise LoadError(f"the {name} table has no {pk} column, its primary key; map a source "
                        f"column to {name}.{pk}.")
    frame = frame.reset_index(drop=True)
    fields = [f for f in spec.fields if f in frame.columns]
    values, missing, distinct = {}, {}, {}
    for f in fields:
        values[f], missing[f], codes = _coerced(frame, f, spec.fields[f].type, name)
        if codes is not None:
            distinct[f] = codes
    for column in LINEAGE_COLUMNS:
        if column in frame.columns:
            values[column], missing[column] = _column_missing(frame, column,
                                                              lineage_kinds[column], name)
        else:
            values[column], missing[column] = (_objects([None] * len(frame)),
                                               np.ones(len(frame), dtype=bool))
    values[RUN_ID], missing[RUN_ID] = (_objects([run_id] * len(frame)),
                                       np.zeros(len(frame), dtype=bool))
    kinds = {f: spec.fields[f].type for f in fields} | lineage_kinds
    _check_keys(name, pk, values[pk], missing[pk], frame)
    return Prepared(name, spec, fields, [*fields, *LINEAGE_COLUMNS, RUN_ID], values, kinds,
                    len(frame), missing, distinct)


def key_values(name: str, spec: TableSpec, frame: pd.DataFrame) -> np.ndarray:
    """The primary key of every row of `frame`, as `prepare` writes it."""
    pk = spec.primary_key
    if frame.empty and pk not in frame.columns:
        return _objects([])
    frame = generate_keys(name, spec, frame)
    if pk not in frame.columns:
        raise LoadError(f"the {name} table has no {pk} column, its primary key; map a source "
                        f"column to {name}.{pk}.")
    return _column(frame.reset_index(drop=True), pk, spec.fields[pk].type, name)


def same_rows(table: Prepared, frame: pd.DataFrame) -> bool:
    """Whether `frame` holds the written rows, all of them, in order: by their lineage,
    cheaper than making their keys again (a generated key hashes each row's lineage)."""
    if len(frame) != table.size or not all(c in frame.columns for c in LINEAGE_COLUMNS):
        return False
    return all(np.array_equal(table.values[c], frame[c].to_numpy(dtype=object, na_value=None))
               for c in LINEAGE_COLUMNS)


def generate_keys(name: str, spec: TableSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Fill the schema's `generated` keys a row lacks with an id derived from its lineage.

    The id is a hash of table, file, sheet and row, so loading the same sheet again gives
    the same ids and the upsert stays idempotent; the second and later cards side by side
    on one row add their `_lineage_seq`.
    """
    wanted = [k for k in spec.generated if k not in frame.columns or frame[k].isna().any()]
    if not wanted or frame.empty or not all(c in frame.columns for c in LINEAGE_COLUMNS):
        return frame
    frame = frame.copy()
    file, sheet, row = (frame[c].tolist() for c in LINEAGE_COLUMNS)
    seqs = row_seq(frame)
    no_sheet = frame[LINEAGE_COLUMNS[1]].isna().tolist()
    basis = [f"{name}|{f}|{'' if n else s}|{r}" + (f"|{q}" if q else "")
             for f, s, n, r, q in zip(file, sheet, no_sheet, row, seqs, strict=True)]
    made = pd.Series(["G" + hashlib.sha1(b.encode("utf-8")).hexdigest()[:10].upper()
                      for b in basis], index=frame.index, dtype=object)
    for key in wanted:
        frame[key] = made if key not in frame.columns else frame[key].where(
            frame[key].notna(), made).astype(object)
    return frame


def _objects(values: list[Any]) -> np.ndarray:
    data = np.empty(len(values), dtype=object)
    data[:] = values
    return data


def _column(frame: pd.DataFrame, column: str, kind: str, table: str) -> np.ndarray:
    """One column as python values of `kind`, None for every missing value."""
    return _column_missing(frame, column, kind, table)[0]


def _column_missing(frame: pd.DataFrame, column: str, kind: str,
                    table: str) -> tuple[np.ndarray, np.ndarray]:
    """`_column`, and where it is None."""
    values, missing, _ = _coerced(frame, column, kind, table)
    return values, missing


def _coerced(frame: pd.DataFrame, column: str, kind: str, table: str
             ) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """`_column_missing`, and for a column coerced per distinct value its codes and
    distinct values (`Prepared.distinct`), found by one factorization that tells the
    missing cells too."""
    series = frame[column]
    if kind == "integer" and pd.api.types.is_integer_dtype(series.dtype) \
            and not series.hasnans:
        return _objects(series.tolist()), np.zeros(len(series), dtype=bool), None
    if kind not in _TEXT_KINDS:
        data = series.to_numpy(dtype=object)
        codes, uniques = pd.factorize(data, use_na_sentinel=True)
        coerced = _objects([*_coerce_all(uniques.tolist(), kind, frame, column, table, data),
                            None])  # code -1: a missing cell
        return coerced[codes], codes < 0, (codes, coerced[:-1])
    data = series.to_numpy(dtype=object, copy=True)
    if infer_dtype(data, skipna=False) == "string":  # all str, so none missing: told in a
        return data, np.zeros(len(data), dtype=bool), None  # fifth of isna's time
    missing = pd.isna(data)
    data[missing] = None
    if infer_dtype(data[~missing], skipna=False) in ("string", "empty"):
        return data, missing, None
    # numbers in a code column: str() of each cell, never merged
    return _objects([None if v is None else str(v) for v in data]), missing, None


def _coerce_all(uniques: list[Any], kind: str, frame: pd.DataFrame, column: str,
                table: str, data: np.ndarray) -> list[Any]:
    """The distinct values of `data` coerced to `kind`; a LoadError naming the first row
    of a value that will not coerce."""
    coerce = _COERCE[kind]

    def one(value: Any) -> Any:
        try:
            return coerce(value.item() if isinstance(value, np.generic) else value)
        except (ValueError, TypeError, InvalidOperation, ArithmeticError) as exc:
            raise _Uncoercible(value) from exc

    try:
        return [one(v) for v in uniques]
    except _Uncoercible as bad:
        row = next(i for i, v in enumerate(data) if v is bad.value or v == bad.value)
        raise LoadError(f"{table}.{column} at {where(frame, row)} is not a {kind} value; "
                        "clean or reject the row before loading.") from bad.__cause__


class _Uncoercible(Exception):
    def __init__(self, value: Any) -> None:
        super().__init__(type(value).__name__)
        self.value = value


def _check_keys(name: str, pk: str, keys: np.ndarray, missing: np.ndarray,
                frame: pd.DataFrame) -> None:
    """A LoadError for the first row without a key (`missing`, found when the column was
    coerced) or repeating another's."""
    if missing.any():
        row = int(np.flatnonzero(missing)[0])
        raise LoadError(f"{name} row {where(frame, row)} has no {pk}; it is the primary key, "
                        "so the row must be rejected or given one before loading.")
    if without_repeats(keys):
        return
    repeated = pd.Series(keys, dtype=object).duplicated(keep=False).to_numpy()
    if repeated.any():
        first = int(np.flatnonzero(repeated)[0])
        again = int(np.flatnonzero(repeated & (keys == keys[first]))[1])
        raise LoadError(f"{name} row {where(frame, again)} repeats the {pk} of row "
                        f"{where(frame, first)}; merge the duplicates before loading.")


def where(frame: pd.DataFrame, row: int) -> str:
    """`file:sheet:row` of a frame row, for messages."""
    parts = [str(frame[c].iat[row]) for c in LINEAGE_COLUMNS
             if c in frame.columns and pd.notna(frame[c].iat[row])]
    return ":".join(parts) if parts else "(no lineage)"


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("a boolean is not an amount")
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return number.quantize(_SCALE)


def _to_date(value: Any) -> date:
    if isinstance(value, datetime):  # pd.Timestamp too
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _to_bool(value: Any) -> bool:
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("true", "1", "yes", "t", "y"):
            return True
        if word in ("false", "0", "no", "f", "n"):
            return False
        raise ValueError(value)
    return bool(value)


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(value)
    return int(value)


_COERCE: dict[str, Callable[[Any], Any]] = {
    "text": str, "code": str, "integer": _to_int, "decimal": _to_decimal, "date": _to_date,
    "boolean": _to_bool,
}


_CONSTANT_CANDIDATES = (*LINEAGE_COLUMNS, RUN_ID)
"""The text columns looked at for one value throughout (the others would cost a pass each)."""


def copy_columns(table: Prepared, given: Mapping[str, Any] | None = None) -> list[str]:
    """The table's columns in the order `copy_chunks` writes them: those that hold one
    value in every row (the run id, the file and sheet of a table read from one sheet)
    last, so that each chunk writes them once, with the line end, instead of once per
    row: 0.37-0.43 -> 0.31-0.32 s for the run benchmark's 500,000 rows (3 pairs). The
    columns `given` (`given_constants`) are left out."""
    constants = _copy_constants(table)
    return [c for c in table.columns if c not in constants] + \
        [c for c in constants if not given or c not in given]


def given_constants(table: Prepared) -> dict[str, Any]:
    """Each column that holds one value in every row, with that value (None: blank), for
    a COPY into a table this transaction created to give as the columns' defaults
    instead of in every row.

    Why: the server parses each field of each row; the run id, the file and sheet of a
    table read from one sheet, and a column of one value (a currency) are the same text
    in every row. 300,000 sales rows copied into a table created in the transaction, by
    hand (4 pairs): 0.43-0.54 -> 0.35-0.43 s with four such columns given as defaults."""
    values: dict[str, Any] = {}
    for c in _copy_constants(table):
        if table.missing[c].all():
            values[c] = None
        elif c in table.distinct:
            values[c] = table.distinct[c][1][0]
        else:
            values[c] = table.values[c][0]
    return values


def _copy_constants(table: Prepared) -> dict[str, str]:
    """The COPY text of each column but the primary key whose rows all hold one value
    (found once per table: a column all blank, coded with one distinct value, or a
    text column of lineage or the run id equal throughout)."""
    if table._constants is not None:
        return table._constants
    constants: dict[str, str] = {}
    for c in table.columns if table.size else []:
        if c == table.spec.primary_key:
            continue
        missing, values = table.missing[c], table.values[c]
        if missing.all():
            constants[c] = _COPY_NULL
        elif missing.any():
            continue
        elif c in table.distinct:
            distinct = table.distinct[c][1]
            if len(distinct) == 1:
                constants[c] = _copy_value(distinct[0])
        elif c in _CONSTANT_CANDIDATES and isinstance(values[0], str) \
                and (values == values[0]).all():
            constants[c] = values[0].translate(_COPY_ESCAPES)
    table._constants = constants
    return constants


def copy_chunks(table: Prepared, rows: int = COPY_ROWS,
                given: Mapping[str, Any] | None = None) -> Iterator[bytes]:
    """The table as PostgreSQL COPY text format in `copy_columns(table, given)` order,
    `rows` rows per chunk.

    Built chunk by chunk, so the server parses one chunk while the next is built.
    """
    constants = _copy_constants(table)
    varying = [c for c in table.columns if c not in constants]
    end = "".join("\t" + text for c, text in constants.items()
                  if not given or c not in given) + "\n"
    texts = {c: _objects([*map(_copy_value, distinct.tolist()), _COPY_NULL])
             for c, (_, distinct) in table.distinct.items() if c in varying}
    for start in range(0, table.size, rows):
        columns = [texts[c][table.distinct[c][0][start:start + rows]].tolist() if c in texts
                   else _copy_text(table.values[c][start:start + rows], table.kinds[c],
                                   table.missing[c][start:start + rows])
                   for c in varying]
        yield (end.join(map("\t".join, zip(*columns, strict=True))) + end).encode("utf-8")


def _copy_text(values: np.ndarray, kind: str, missing: np.ndarray) -> list[str]:
    """One column in COPY text form: `\\N` for NULL, text escaped, others per distinct value."""
    data = values.copy()
    if not missing.any() and kind == "integer":
        return list(map(str, data.tolist()))
    if kind in _TEXT_KINDS:
        present = data[~missing]
        joined = "".join(present.tolist())
        if any(ch in joined for ch in "\\\t\n\r"):
            data[~missing] = [v.translate(_COPY_ESCAPES) for v in present]
        data[missing] = _COPY_NULL
        return data.tolist()
    return per_distinct(data, _copy_value, _COPY_NULL).tolist()


def _copy_value(value: Any) -> str:
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
