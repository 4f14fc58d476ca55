"""The records already in the target, read for matching: next month's sheet is matched
against last month's customers, so a client loaded under code 000123 is updated, never
inserted again under a generated code.

Only the schema's fields and the lineage columns are read (migrator.target). A stored
row takes part in matching and survivorship but is never a row of this run: it is not
counted, loaded or merged; it lends its key to the row that matches it.
"""

from __future__ import annotations

import pandas as pd

from migrator.distinct import per_distinct_all
from migrator.lineage import LINEAGE_COLUMNS
from migrator.reference.companies import match_keys
from migrator.schema import TableSpec
from migrator.target import stored_frame

STORED = "_stored"
"""Helper column: True for a row read from the target, not from a source."""


def stored_rows(url: str, table: str, spec: TableSpec) -> pd.DataFrame:
    """The target's rows of `table` (fields it holds and lineage), with `_<name>_key` for
    the company name as clean makes it; an empty frame when there is nothing to read."""
    frame = stored_frame(url, table, [*spec.fields, *LINEAGE_COLUMNS])
    if frame.empty:
        return frame
    for name, field in spec.fields.items():
        if field.semantic == "company_name" and name in frame:
            frame[f"_{name}_key"] = per_distinct_all(frame[name], _keys)
    frame[STORED] = True
    return frame


def _keys(names: list[object]) -> list[object]:
    """The match key of each distinct name, None for a name that has none."""
    return [key or None for key in match_keys([str(n) for n in names])]
