"""The shapes every stage shares for rows it rejects, cells it changes and rows it merges.

One helper per shape, below the stages, so clean, dedupe and validate reject rows the
same way and the loader and the rejects file read one shape. A record is kept as JSON
for `_rejects`; it is never printed (results show counts and lineage, not customers).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from migrator.errors import RejectReason
from migrator.lineage import LINEAGE_COLUMNS

REJECT_COLUMNS = ["table", *LINEAGE_COLUMNS, "reasons", "record"]
"""table, lineage, reasons (`invalid_phone:phone; ...`), record (the raw row as JSON)."""
CHANGE_COLUMNS = ["table", *LINEAGE_COLUMNS, "field", "before", "after", "rule"]
"""table, lineage, field, before, after, rule: one row per changed cell."""
MERGE_COLUMNS = ["table", "surviving_key", *LINEAGE_COLUMNS, "why"]
"""table, the key of the record that survives, the merged row's lineage, and why."""
ISSUE_COLUMNS = ["table", *LINEAGE_COLUMNS, "field", "value", "reason"]
"""table, lineage, field, value (the raw value, as text), reason (`invalid_phone`): one row
per cell that could not be cleaned and was loaded empty (a cell issue)."""


def empty_frame(columns: Sequence[str]) -> pd.DataFrame:
    """A frame with `columns` and no rows (object columns, so concatenation keeps types)."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def concat_frames(frames: Iterable[pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    """The non-empty frames one after another, or an empty frame of `columns`."""
    kept = [f for f in frames if len(f)]
    return pd.concat(kept, ignore_index=True) if kept else empty_frame(columns)


def rejects_frame(table: str, rows: pd.DataFrame, reasons: Sequence[str]) -> pd.DataFrame:
    """Rejected rows in the REJECT_COLUMNS shape; `record` holds the row's fields as JSON
    (lineage and helper columns, which start with `_`, left out) for `_rejects`."""
    fields = [c for c in rows.columns if not str(c).startswith("_")]
    record = [json.dumps({k: _plain(v) for k, v in r.items()}, ensure_ascii=False)
              for r in rows[fields].to_dict("records")]
    data = {"table": table, **{c: _lineage(rows, c) for c in LINEAGE_COLUMNS},
            "reasons": list(reasons), "record": record}
    return pd.DataFrame(data, columns=REJECT_COLUMNS)


def issues_frame(table: str, rows: pd.DataFrame, field: str, reasons: Any) -> pd.DataFrame:
    """Cells of `field` that could not be cleaned, in the ISSUE_COLUMNS shape: the raw value
    as text, so a person sees what was typed (`03-1234-567８`), and its reason code."""
    raw = [None if _plain(v) is None else str(v) for v in rows[field]] if field in rows \
        else None
    data = {"table": table, **{c: _lineage(rows, c) for c in LINEAGE_COLUMNS}, "field": field,
            "value": raw, "reason": [None if _plain(r) is None else str(r) for r in reasons]}
    return pd.DataFrame(data, columns=ISSUE_COLUMNS)


def changes_frame(table: str, rows: pd.DataFrame, field: str, before: Any, after: Any,
                  rule: str) -> pd.DataFrame:
    """Changed cells in the CHANGE_COLUMNS shape, one per row of `rows`."""
    data = {"table": table, **{c: _lineage(rows, c) for c in LINEAGE_COLUMNS}, "field": field,
            "before": before, "after": after, "rule": rule}
    return pd.DataFrame(data, columns=CHANGE_COLUMNS)


def reason_pairs(reasons: Any) -> list[tuple[str, str]]:
    """`invalid_phone:phone; missing_required:name` → [(code, field), ...]."""
    if _plain(reasons) is None:
        return []
    pairs = []
    for part in str(reasons).split(";"):
        code, _, field = part.strip().partition(":")
        if code:
            pairs.append((code, field))
    return pairs


def reason_sentence(code: str, field: str) -> str:
    """`phone: is not a valid phone number for its country`, from the reason registry."""
    try:
        sentence = RejectReason(code).sentence
    except ValueError:  # a code written by an older version, kept readable
        sentence = code.replace("_", " ")
    return f"{field}: {sentence}" if field else sentence


def count_by_table(frame: pd.DataFrame, table: str) -> int:
    """Rows of a rejects, changes, merges or issues frame that belong to `table`."""
    return int((frame["table"] == table).sum()) if len(frame) else 0


def _lineage(rows: pd.DataFrame, column: str) -> Any:
    return rows[column] if column in rows.columns else None


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value if isinstance(value, int | float | str | bool) else str(value)
