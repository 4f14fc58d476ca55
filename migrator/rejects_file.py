"""The rejects file: every rejected source row, with its lineage and reasons, for people.

`rejects-<run_id>.csv` (UTF-8 with BOM and CRLF, so Excel opens it, every field
quoted and every text cell formula-safe) and `rejects-<run_id>.xlsx` (the same
columns, the bad cells filled light red). Both appear together or not at all.
The cell issues (optional values that could not be cleaned and were loaded empty) go to
`cell-issues-<run_id>.csv` beside them, with the same safety, and to a second sheet
"cell issues" of the .xlsx (written for them alone when no row was rejected).
Values are written to the files only, never to stdout or the logs.
"""

from __future__ import annotations

import csv
import json
import math
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from migrator.display import display_width
from migrator.errors import MigratorError
from migrator.lineage import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET
from migrator.rejects import reason_pairs, reason_sentence
from migrator.safety import formula_safe, is_formula_like, safe_frame

FIXED_COLUMNS = ["table", "file", "sheet", "row", "reasons", "why"]
ISSUE_FILE_COLUMNS = ["table", "file", "sheet", "row", "field", "value", "reason", "why"]
"""The cell issues as people read them: where, which field, the raw value, and why."""
LIGHT_RED = "#FFC7CE"  # Excel's "Light Red Fill"
_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_MAX_WIDTH, _MIN_WIDTH, _WHY_WIDTH = 50, 6, 60


@dataclass(frozen=True)
class RejectsFiles:
    """Where the rejects went; both paths are None when no row was rejected."""

    csv: Path | None
    """`rejects-<run_id>.csv`, or None when there was nothing to write."""
    xlsx: Path | None
    """`rejects-<run_id>.xlsx`, or None when there was nothing to write."""
    rows: int
    """Rejected source rows written (one line each)."""
    issues_csv: Path | None = None
    """`cell-issues-<run_id>.csv`, or None when no value was loaded empty."""
    issues: int = 0
    """Cell issues written (one line each)."""

    def __str__(self) -> str:
        parts = []
        if self.rows:
            noun = "row" if self.rows == 1 else "rows"
            parts.append(f"{self.rows} rejected {noun}: {self.csv} (and .xlsx)")
        if self.issues:
            noun = "issue" if self.issues == 1 else "issues"
            parts.append(f"{self.issues} cell {noun}: {self.issues_csv}")
        return "; ".join(parts) or "no rejected rows"


def write_rejects(rejects: pd.DataFrame, directory: Path, *, run_id: str,
                  issues: pd.DataFrame | None = None) -> RejectsFiles:
    """Write the rejects frame (from clean or validate) as CSV and XLSX in `directory`,
    and the cell issues, when there are any, as their own CSV and the XLSX's second sheet.

    With no rejected rows and no cell issues nothing is written (no empty files to
    mistake for a result) and the paths are None. The files are written under temporary
    names in `directory` and renamed at the end: a failure leaves none and re-raises.
    """
    if not _RUN_ID.fullmatch(run_id):
        raise ValueError(f"run_id {run_id!r} cannot be part of a file name")
    issues = issues if issues is not None and len(issues) else None
    if rejects.empty and issues is None:
        return RejectsFiles(csv=None, xlsx=None, rows=0)
    table, bad = rejects_table(rejects) if len(rejects) else (None, [])
    found = issues_table(issues) if issues is not None else None
    directory.mkdir(parents=True, exist_ok=True)
    csv_path = directory / f"rejects-{run_id}.csv" if table is not None else None
    xlsx_path = directory / f"rejects-{run_id}.xlsx"
    issues_path = directory / f"cell-issues-{run_id}.csv" if found is not None else None
    _write_atomically(table, bad, found, csv_path, xlsx_path, issues_path)
    return RejectsFiles(csv=csv_path, xlsx=xlsx_path, rows=0 if table is None else len(table),
                        issues_csv=issues_path, issues=0 if found is None else len(found))


def issues_table(issues: pd.DataFrame) -> pd.DataFrame:
    """The cell issues as people read them (ISSUE_FILE_COLUMNS), the raw values as typed."""
    rows = [[*lineage, field, _plain(value), reason, reason_sentence(str(reason), field)]
            for lineage, field, value, reason in zip(
                _lineage(issues), issues["field"], issues["value"], issues["reason"],
                strict=True)]
    return pd.DataFrame(rows, columns=ISSUE_FILE_COLUMNS, dtype=object)


def rejects_table(rejects: pd.DataFrame) -> tuple[pd.DataFrame, list[set[str]]]:
    """The rejects as people read them, and per row the columns named in its reasons.

    Columns: FIXED_COLUMNS, then each field of the records (first seen first), then
    any field a reason names that no record holds (a missing required field gets a
    column so its empty cell can be highlighted). Values stay as typed.
    """
    records = [_record(r) for r in rejects["record"]]
    pairs = [reason_pairs(r) for r in rejects["reasons"]]
    fields = _union([*(r.keys() for r in records), *([f for _, f in p] for p in pairs)])
    names = {f: f"{f} (record)" if f in FIXED_COLUMNS else f for f in fields}
    rows = []
    for lineage, record, reasons in zip(_lineage(rejects), records, pairs, strict=True):
        why = "; ".join(reason_sentence(code, field) for code, field in reasons)
        codes = "; ".join(f"{c}:{f}" if f else c for c, f in reasons)
        rows.append([*lineage, codes, why, *(record.get(f) for f in fields)])
    frame = pd.DataFrame(rows, columns=[*FIXED_COLUMNS, *names.values()], dtype=object)
    bad = [{names[f] for _, f in p if f} for p in pairs]
    return frame, bad


def _lineage(rejects: pd.DataFrame) -> Iterable[tuple[Any, Any, Any, Any]]:
    columns = [rejects[c] for c in ("table", SOURCE_FILE, SOURCE_SHEET, SOURCE_ROW)]
    for table, file, sheet, row in zip(*columns, strict=True):
        yield table, _plain(file), _plain(sheet), None if _plain(row) is None else int(row)


def _record(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if _plain(value) is None:
        return {}
    loaded = json.loads(value)
    return loaded if isinstance(loaded, dict) else {"record": loaded}


def _union(groups: Iterable[Iterable[str]]) -> list[str]:
    return list(dict.fromkeys(f for group in groups for f in group if f))


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _write_atomically(table: pd.DataFrame | None, bad: list[set[str]],
                      issues: pd.DataFrame | None, csv_path: Path | None, xlsx_path: Path,
                      issues_path: Path | None) -> None:
    """Every temp file first, then the renames; on any failure remove what exists."""
    finals = [p for p in (csv_path, xlsx_path, issues_path) if p is not None]
    temps = {final: _temp_path(final) for final in finals}
    placed: list[Path] = []
    try:
        if table is not None and csv_path is not None:
            _write_csv(table, temps[csv_path])
        if issues is not None and issues_path is not None:
            _write_csv(issues, temps[issues_path])
        _write_xlsx(table, bad, issues, temps[xlsx_path])
        for final in finals:
            temps[final].replace(final)
            placed.append(final)
    except BaseException:
        for path in [*temps.values(), *placed]:
            path.unlink(missing_ok=True)
        raise


def _temp_path(final: Path) -> Path:
    with tempfile.NamedTemporaryFile(dir=final.parent, prefix=f".{final.name}.",
                                     suffix=".tmp", delete=False) as handle:
        return Path(handle.name)


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    """UTF-8 with BOM, CRLF, every field quoted, text cells formula-safe."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow([formula_safe(c) for c in table.columns])
        for row in safe_frame(table).itertuples(index=False, name=None):
            writer.writerow(["" if _plain(v) is None else v for v in row])


def _write_xlsx(table: pd.DataFrame | None, bad: list[set[str]], issues: pd.DataFrame | None,
                path: Path) -> None:
    """Sheet "rejects" (when rows were rejected) and "cell issues" (when values were loaded
    empty): the CSVs' columns; header bold and frozen, bad cells light red, `why` wrapped.

    Text is stored as text (never a formula, no `'` added to the value); a cell that
    starts like a formula also gets Excel's quote-prefix style, so editing it in
    Excel keeps it text.
    """
    try:
        import xlsxwriter
    except ImportError as exc:  # XlsxWriter ships with the dev extra only
        raise MigratorError("writing the rejects .xlsx needs XlsxWriter: "
                            "pip install XlsxWriter") from exc
    options = {"strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False}
    with xlsxwriter.Workbook(str(path), options) as book:
        formats: dict[tuple[bool, bool, bool], Any] = {}

        def fmt(is_bad: bool, wrap: bool, quote: bool) -> Any:
            key = (is_bad, wrap, quote)
            if key not in formats:
                props: dict[str, Any] = {"valign": "top"}
                props.update({"bg_color": LIGHT_RED} if is_bad else {})
                props.update({"text_wrap": True} if wrap else {})
                props.update({"quote_prefix": True} if quote else {})
                formats[key] = book.add_format(props)
            return formats[key]

        header = book.add_format({"bold": True, "valign": "top"})
        if table is not None:
            _write_sheet(book.add_worksheet("rejects"), table, bad, header, fmt)
        if issues is not None:
            _write_sheet(book.add_worksheet("cell issues"), issues,
                         [{"value"}] * len(issues), header, fmt)


def _write_sheet(sheet: Any, frame: pd.DataFrame, bad: list[set[str]], header: Any,
                 fmt: Callable[[bool, bool, bool], Any]) -> None:
    """One sheet: bold frozen header, a filter, each row's `bad` columns light red."""
    columns = list(frame.columns)
    for c, name in enumerate(columns):
        sheet.write_string(0, c, name, header)
    for r, (row, bad_fields) in enumerate(zip(frame.itertuples(index=False, name=None),
                                              bad, strict=True), start=1):
        for c, (name, value) in enumerate(zip(columns, row, strict=True)):
            quote = isinstance(value, str) and is_formula_like(value)
            _write_cell(sheet, r, c, _plain(value), fmt(name in bad_fields, name == "why", quote))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(frame), len(columns) - 1)
    for c, name in enumerate(columns):
        sheet.set_column(c, c, _column_width(name, frame[name]))


def _write_cell(sheet: Any, row: int, col: int, value: Any, cell_format: Any) -> None:
    if value is None:
        sheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, cell_format)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, cell_format)
    else:
        sheet.write_string(row, col, str(value), cell_format)


def _column_width(name: str, values: pd.Series) -> float:
    """Excel character units; wide (CJK, full-width) characters count as two."""
    if name == "why":
        return _WHY_WIDTH
    sample = [name, *(str(v) for v in values.head(1000) if _plain(v) is not None)]
    widest = max(display_width(s) for s in sample)
    return float(min(max(widest + 2, _MIN_WIDTH), _MAX_WIDTH))


