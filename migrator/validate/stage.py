"""validate: DedupedTables → ValidationReport; the rows that fail a suite become rejects.

Every failing row joins the rejects with one reason per broken rule (`too_long:name`,
`unknown_reference:customer_code`), from the reason registry, so the rejects file says
in words what is wrong; `failures` keeps which GX expectation each row broke.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from migrator.errors import RejectReason
from migrator.gcpause import fewer_collections
from migrator.lineage import LINEAGE_COLUMNS, row_seq
from migrator.privacy import Protector, kinds_of, protect_issues, protect_tables
from migrator.progress import Progress
from migrator.rejects import REJECT_COLUMNS, concat_frames, rejects_frame
from migrator.tables import FAILURE_COLUMNS, CleanedTables, DedupedTables, ValidationReport, require
from migrator.validate.check import check_tables, without

RULE_REASONS = {
    "required": RejectReason.MISSING_REQUIRED, "primary_key": RejectReason.DUPLICATE_KEY,
    "unique": RejectReason.NOT_UNIQUE, "allowed": RejectReason.NOT_ALLOWED,
    "max_length": RejectReason.TOO_LONG, "nonnegative": RejectReason.NEGATIVE,
    "foreign_key": RejectReason.UNKNOWN_REFERENCE, "format": RejectReason.INVALID_FORMAT,
}
"""The rule an expectation checks (its `meta.rule`, written by generate_suites) → reason."""
EXPECTATION_REASONS = {
    "expect_column_values_to_not_be_null": RejectReason.MISSING_REQUIRED,
    "expect_column_values_to_be_unique": RejectReason.NOT_UNIQUE,
    "expect_compound_columns_to_be_unique": RejectReason.NOT_UNIQUE,
    "expect_column_values_to_match_regex": RejectReason.INVALID_FORMAT,
    "expect_column_values_to_be_in_set": RejectReason.NOT_ALLOWED,
    "expect_column_values_to_not_be_in_set": RejectReason.NOT_ALLOWED,
    "expect_column_value_lengths_to_be_between": RejectReason.TOO_LONG,
    "expect_column_values_to_be_between": RejectReason.OUT_OF_RANGE,
}
"""For an expectation a person added to a suite without a rule: the reason by its type."""


@fewer_collections()
def validate(deduped: DedupedTables | CleanedTables, *, suites: Path | None = None,
             docs: Path | None = None, against: str | None = None,
             progress: Progress | None = None) -> ValidationReport:
    """Run the tables' expectation suites; set the failing rows aside as rejects.

    Suites come from `suites/<table>.json` when given (the committed `expectations/`),
    else from the schema. `docs` writes Great Expectations Data Docs into that folder.
    `against` (the target's URL) lets a foreign key name a record already stored there.

    Example:
        >>> checked = validate(dedupe(cleaned))
        >>> checked.failures.columns.tolist()[:4]
        ['table', 'column', 'expectation', 'value']
    """
    require(deduped, DedupedTables, CleanedTables, verb="validate")
    started = time.perf_counter()
    checked = check_tables(deduped.frames, deduped.schema, suites=suites, docs=docs,
                           against=against, progress=progress)
    frames, rejected = {}, [deduped.rejects]
    for name, frame in deduped.frames.items():
        failed = checked.failed_rows(name)
        if len(failed):
            why = checked.failures[checked.failures["table"] == name]
            rejected.append(_as_rejects(name, frame.loc[failed], why))
        frames[name] = without(frame, failed).reset_index(drop=True)
    protector = Protector(dict(deduped.trail.privacy), kinds_of(deduped.schema))
    frames, rejects, changes, failures = protect_tables(
        protector, frames, concat_frames(rejected, REJECT_COLUMNS), deduped.changes,
        checked.failures[FAILURE_COLUMNS + ["rule"]].reset_index(drop=True))
    return ValidationReport(
        schema=deduped.schema, frames=frames, rows_read=dict(deduped.rows_read),
        rejects=rejects, changes=changes, merges=deduped.merges, clusters=deduped.clusters,
        issues=protect_issues(protector, deduped.issues),
        trail=deduped.trail.then("validate", time.perf_counter() - started),
        failures=failures, results=checked.results, docs=checked.docs)


def reason_of(rule: object, expectation: str, column: str) -> str:
    """`too_long:name`: the registry's reason for a broken expectation, at its column."""
    key = str(rule).split(":", 1)[0] if isinstance(rule, str) else ""
    reason = RULE_REASONS.get(key) or EXPECTATION_REASONS.get(expectation)
    return (reason or RejectReason.FAILED_EXPECTATION).at(column)


def _as_rejects(table: str, rows: pd.DataFrame, failures: pd.DataFrame) -> pd.DataFrame:
    """The failing rows with their reasons, found by lineage (a CSV's sheet is empty) and
    `_lineage_seq` (cards side by side share a lineage)."""
    found: dict[tuple[object, ...], set[str]] = {}
    for values in zip(failures["rule"], failures["expectation"], failures["column"],
                      *(failures[c] for c in LINEAGE_COLUMNS), row_seq(failures), strict=True):
        rule, expectation, column, *where = values
        found.setdefault(_key(where), set()).add(reason_of(rule, expectation, column))
    places = zip(*(rows[c] for c in LINEAGE_COLUMNS), row_seq(rows), strict=True)
    why = ["; ".join(sorted(found.get(_key(where), {RejectReason.FAILED_EXPECTATION.value})))
           for where in places]
    return rejects_frame(table, rows, why)


def _key(where: Iterable[object]) -> tuple[object, ...]:
    return tuple(None if pd.isna(v) else v for v in where)
