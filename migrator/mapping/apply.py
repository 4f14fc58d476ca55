"""apply_mapping: source tables → one raw frame per target table, rows linked, lineage kept.

A source whose columns feed several tables is split per row: the contact and sale
parts of a row are linked to that row's customer by its customer code. Columns a
mapping joins (`part: 1`, `part: 2`) are joined with a space.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from migrator.lineage import LINEAGE_COLUMNS
from migrator.mapping.spec import Mapping, MappingError, SourceSpec
from migrator.read.model import SourceTable

LINK = "customer_code"


def apply_mapping(tables: Sequence[SourceTable], mapping: Mapping) -> dict[str, pd.DataFrame]:
    """Raw (uncleaned) values per target table, in source order, with lineage columns."""
    parts: dict[str, list[pd.DataFrame]] = {}
    for table in tables:
        spec = mapping.source_for(table.file, table.sheet)
        if spec is None:
            where = f"{table.file} [{table.sheet}]" if table.sheet else table.file
            raise MappingError(f"{where}: no source in the mapping matches this table; "
                               "add it (migrator suggest writes one)")
        _check_columns(table, spec)
        for target, frame in _split(table, spec).items():
            parts.setdefault(target, []).append(frame)
    return {t: pd.concat(frames, ignore_index=True) for t, frames in parts.items()}


def _check_columns(table: SourceTable, spec: SourceSpec) -> None:
    missing = [c for c in spec.targets() if c not in table.columns]
    if missing:
        raise MappingError(f"{table.file}: the mapping names column(s) the table does not have: "
                           f"{', '.join(missing)}; check the header rows or edit the mapping")


def _split(table: SourceTable, spec: SourceSpec) -> dict[str, pd.DataFrame]:
    """One frame per target table this source feeds; a child row needs a value of its own."""
    by_table: dict[str, dict[str, list[tuple[int, str]]]] = {}
    for column, target in spec.columns.items():
        if target.to is None:
            continue
        name, field = target.to.split(".", 1)
        by_table.setdefault(name, {}).setdefault(field, []).append((target.part or 0, column))
    lineage = table.frame[list(LINEAGE_COLUMNS)].reset_index(drop=True)
    out: dict[str, pd.DataFrame] = {}
    for name, fields in by_table.items():
        data = {f: _joined(table.frame, cols) for f, cols in fields.items()}
        frame = pd.DataFrame(data).reset_index(drop=True)
        if name != "customers" and "customers" in by_table and LINK not in frame:
            customer = by_table["customers"].get(LINK)
            if customer:
                frame[LINK] = _joined(table.frame, customer).reset_index(drop=True)
        if name != "customers" and "customers" in by_table:
            # The row is counted as a customer; its contact or sale exists only if it has
            # values of its own. A source feeding only this table keeps every row.
            own = [f for f in fields if f != LINK]
            frame = frame[frame[own].notna().any(axis=1)] if own else frame.iloc[0:0]
        out[name] = pd.concat([frame, lineage.loc[frame.index]], axis=1)
    return out


def _joined(frame: pd.DataFrame, columns: list[tuple[int, str]]) -> pd.Series:
    """One column as is; numbered parts joined with a space, blanks skipped."""
    if len(columns) == 1:
        return frame[columns[0][1]].astype(object).where(frame[columns[0][1]].notna(), None)
    ordered = [frame[c] for _, c in sorted(columns)]
    joined = [" ".join(str(v) for v in values if _present(v)) or None
              for values in zip(*ordered, strict=True)]
    return pd.Series(joined, index=frame.index, dtype="object")


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and value != value) \
        and value is not pd.NA
