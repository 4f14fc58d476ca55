"""Run the GX 1.x suites on a run's frames and collect every failing row with its lineage.

GX sees a copy of each frame in the values' text form (dates as ISO strings, codes and
phones as str) and amounts as floats, plus `_row_id` (the row's position). When Data Docs
are written, or a suite holds an expectation `rows.findable` does not mirror, the table
runs with `result_format="COMPLETE"` and `unexpected_index_column_names=["_row_id"]`, so
every failing row comes back, not GX's 200-row sample. Otherwise GX runs with `BASIC`
(a third cheaper: it counts but does not list) and `rows.failing_positions` finds the
rows of each expectation GX counted failures for. Either way each expectation's row list
is checked against GX's `unexpected_count` before it joins the failure table.

The suites run in this process, although its GIL bounds a run and the second core idles
at the end: a helper that imported GX while this process read, and was sent each table's
checked columns once dedupe was done, made the 100,000-customer run slower, 7.35 -> 8.27 s
(medians of 4 interleaved pairs). Planning and sending the columns cost this process
0.78 s (by cProfile: 0.40 s joining and encoding the texts, as `dedupe.ahead` sends them,
0.27 s their text form), while GX's checks of them hold the GIL about 0.41 s (py-spy): a
value costs about as much to send as to check, and the helper answered 1.2-1.3 s after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from migrator.distinct import per_distinct
from migrator.errors import SuiteError
from migrator.lineage import LINEAGE_COLUMNS, LINEAGE_SEQ
from migrator.progress import Progress, silent
from migrator.schema import TableSpec, TargetSchema
from migrator.tables import FAILURE_COLUMNS
from migrator.target import stored_frame
from migrator.validate.engine import (
    frozen_texts,
    ids_remembered,
    import_gx,
    kwargs_read_once,
    read_only,
    without_fingerprint,
)
from migrator.validate.rows import failing_positions, findable
from migrator.validate.suites import IN_SET, NOT_IN_SET, load_suite_dicts, suite_dicts, to_gx_suite

ROW_ID = "_row_id"
TEXT = "str"
"""The dtype of the text GX checks: pandas' str columns, not object ones. GX tests each
expectation's column for nulls and turns it `astype(str)` for a regex; on str columns
the first is cheaper and the second a no-op (validation 1.34 -> 1.24 s, 100,000
customers and 300,000 sales)."""
RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": [ROW_ID]}
COUNTS_FORMAT = {"result_format": "BASIC"}
"""When no Data Docs are written and `rows.findable` holds for every expectation of a
table: GX counts, `rows.failing_positions` lists the rows (see migrator.validate.rows)."""
DOCS_SITE = "migrator"
FK_IN_SET_LIMIT = 1_000
"""Above this many distinct resolving keys, foreign keys are checked by the complement:
GX turns each expectation into a pydantic model and back some 160 times per run, visiting
every value of its set each time (validate took 1.22 s with 9,500 keys in the set on
10,000 customers, 0.36 s with the complement)."""


@dataclass
class Checked:
    """What the suites found: every failing row with its lineage, and GX's own counts."""

    failures: pd.DataFrame
    """FAILURE_COLUMNS plus `rule`: one row per (row, expectation) that failed; `value` is
    the cleaned value as the frame holds it."""
    results: dict[str, Any]
    """Per table: GX `success`, and per expectation its `unexpected_count` (GX's figure)."""
    failed_index: dict[str, pd.Index] = field(default_factory=dict)
    """Per table: the index labels of the frame's rows that failed any expectation."""
    docs: Path | None = None
    """The Data Docs index page, when asked for."""

    def failed_rows(self, table: str) -> pd.Index:
        """Index labels of `frames[table]` that failed any expectation (empty if none)."""
        return self.failed_index.get(table, pd.Index([]))


def check_tables(frames: dict[str, pd.DataFrame], schema: TargetSchema, *,
                 suites: Path | None = None, docs: Path | None = None,
                 against: str | None = None, progress: Progress | None = None) -> Checked:
    """Run each table's suite on `frames` with GX; collect every failing row with its lineage.

    Suites come from `suites/<table>.json` when given, else from the schema in memory.
    Tables are checked parents first: a foreign key is checked against the rows of the
    referenced table that passed their own suite, so a contact of a rejected customer
    fails here instead of at the database. With `against` (the target's URL) the keys
    stored there count too: next month's sales of last month's customers pass, a sale of
    an unknown customer is rejected instead of failing the whole load. `docs` writes GX
    Data Docs (HTML) there.
    """
    tick = progress or silent
    tables = schema.table_order([t for t in frames if t in schema.tables])
    specs = (load_suite_dicts(Path(suites), tables) if suites is not None
             else suite_dicts(schema))
    context = _context(docs)
    source = context.data_sources.add_pandas(name="migrator")
    failures, results, failed = [], {}, {}
    passed: dict[str, pd.DataFrame] = {}
    tick("validating", 0, len(tables))
    for level in _levels(schema, tables):
        for table in level:
            frame = frames[table]
            configs, skipped = _applicable(specs[table]["expectations"], frame)
            configs += _foreign_keys(schema.tables[table], frame, passed, against)
            origin = f"{suites}/{table}.json" if suites is not None else f"schema:{table}"
            suite = to_gx_suite({**specs[table], "name": table, "expectations": configs},
                                origin)
            gx_frame = _gx_frame(frame, schema.tables[table], _columns(configs))
            ours = docs is None and all(findable(c, gx_frame) for c in configs)
            outcome = _run(context, source, table, suite, gx_frame,
                           COUNTS_FORMAT if ours else RESULT_FORMAT, stored=docs is not None)
            rows, summary = _collect(table, frame, outcome, gx_frame if ours else None)
            summary["skipped"] = skipped
            failures.append(rows[[c for c in (*FAILURE_COLUMNS, "rule", LINEAGE_SEQ)
                                  if c in rows]])
            results[table] = summary
            failed[table] = frame.index[np.unique(rows["_pos"].to_numpy(dtype=np.int64))]
            tick("validating", len(results), len(tables))
        passed.update({t: without(frames[t], failed[t]) for t in level})
    found = _concat(failures)
    checked = Checked(found[[c for c in (*FAILURE_COLUMNS, "rule", LINEAGE_SEQ) if c in found]],
                      results, failed)
    if docs is not None:
        checked.docs = _build_docs(context, Path(docs))
    return checked


def without(frame: pd.DataFrame, rows: pd.Index) -> pd.DataFrame:
    """`frame` less the rows labelled `rows`; `frame` itself when there are none (a drop of
    nothing copies every column: 0.04 s per pass over the benchmark's 500,000 rows)."""
    return frame.drop(index=rows) if len(rows) else frame


def _levels(schema: TargetSchema, tables: list[str]) -> list[list[str]]:
    """Tables grouped by depth: those referencing none of `tables` first, then their
    children, and so on (crm: customers; then contacts and sales)."""
    depth: dict[str, int] = {}
    for table in tables:  # parents come first in table order
        parents = [fk.ref_table for fk in schema.tables[table].foreign_keys
                   if fk.ref_table in depth and fk.ref_table != table]
        depth[table] = 1 + max((depth[p] for p in parents), default=-1)
    return [[t for t in tables if depth[t] == d] for d in sorted(set(depth.values()))]


def _context(docs: Path | None) -> Any:
    """An ephemeral GX context: in-memory stores, no analytics, no progress bars."""
    gx = import_gx()
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(),
                               analytics_enabled=False,
                               progress_bars=ProgressBarsConfig(globally=False))
    context = gx.get_context(mode="ephemeral", project_config=config)
    # GX saves its configuration as YAML after each data source, asset and batch
    # definition it adds, into an ephemeral context's in-memory store, which nothing
    # reads (its variables are read from the configuration itself): 21 dumps with
    # ruamel.yaml per run here, 0.21 -> 0.19 s of GX's own cost to validate 200 rows
    # of each table (`ids_remembered`). This context alone skips them.
    context._save_project_config = _unsaved
    if docs is not None:
        context.add_data_docs_site(DOCS_SITE, {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(Path(docs).resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    return context


def _unsaved() -> None:
    """An ephemeral GX context's `_save_project_config`: nothing to keep."""


def _run(context: Any, source: Any, table: str, suite: Any, gx_frame: pd.DataFrame,
         result_format: dict[str, Any], *, stored: bool = False) -> Any:
    """Data asset → whole-dataframe batch definition → validation definition → run.

    `stored`: the suite, the validation definition and its results go into the context's
    stores, which Data Docs are built from. Without Data Docs the batch validates the
    suite itself (GX's `Batch.validate`, the same Validator): each store serialises what
    it is given (the results, the suite, the definition, each a dict made by marshmallow
    and pydantic), for nothing here. Validating 100,000 customers and 300,000 sales took
    0.95 -> 0.84 s (medians of 6 interleaved runs on the same deduplicated rows).
    """
    gx = import_gx()

    asset = source.add_dataframe_asset(name=table)
    batch = asset.add_batch_definition_whole_dataframe(f"{table}_whole")
    if not stored:
        with without_fingerprint(), frozen_texts(), kwargs_read_once(), ids_remembered():
            return batch.get_batch(batch_parameters={"dataframe": gx_frame}).validate(
                suite, result_format=result_format)
    suite = context.suites.add(suite)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"validate_{table}", data=batch, suite=suite))
    with without_fingerprint(), frozen_texts(), kwargs_read_once(), ids_remembered():
        return definition.run(batch_parameters={"dataframe": gx_frame},
                              result_format=result_format)


def _applicable(configs: list[dict[str, Any]], frame: pd.DataFrame
                ) -> tuple[list[dict[str, Any]], list[str]]:
    """The expectations whose columns the frame has; the rest are skipped, by column."""
    kept, skipped = [], []
    for config in configs:
        missing = [c for c in _config_columns(config) if c not in frame.columns]
        if missing:
            skipped.append(f"{config.get('type')}({', '.join(missing)})")
        else:
            kept.append(config)
    return kept, skipped


def _foreign_keys(spec: TableSpec, frame: pd.DataFrame, frames: dict[str, pd.DataFrame],
                  against: str | None) -> list[dict[str, Any]]:
    """`column` among the referenced table's keys in this run and, with `against`, in the
    target (never stored in the JSON). Without either, the database checks it.

    The set given to GX is the column's distinct values that resolve, which flags exactly
    the rows that do not. Past FK_IN_SET_LIMIT values GX slows down (it walks the set
    some 160 times per run), so the same check is then stated the other way round:
    the values that do not resolve must not occur (expect_column_values_to_not_be_in_set).
    """
    out = []
    for fk in spec.foreign_keys:
        ref = frames.get(fk.ref_table)
        here = ref is not None and fk.ref_field in ref.columns
        if fk.column not in frame.columns or not (here or against):
            continue
        keys = [_convert(ref[fk.ref_field], "code")] if ref is not None and here else []
        if against:
            stored = stored_frame(against, fk.ref_table, [fk.ref_field])
            if fk.ref_field in stored:
                keys.append(_convert(stored[fk.ref_field], "code"))
        # codes in text form are str, so set algebra answers as pandas' unique and isin
        # would, in under half their time for 3,000,000 sales (see distinct.without_repeats)
        seen = set(_convert(frame[fk.column], "code").dropna().tolist())
        known = set().union(*(k.dropna().tolist() for k in keys))
        resolving = seen & known
        meta = {"rule": "foreign_key", "references": fk.references}
        if len(resolving) <= FK_IN_SET_LIMIT:
            out.append({"type": IN_SET, "meta": meta,
                        "kwargs": {"column": fk.column, "value_set": sorted(resolving)}})
        else:
            out.append({"type": NOT_IN_SET, "meta": meta,
                        "kwargs": {"column": fk.column, "value_set": sorted(seen - known)}})
    return out


def _config_columns(config: dict[str, Any]) -> list[str]:
    kwargs = config.get("kwargs") or {}
    columns = [kwargs["column"]] if "column" in kwargs else []
    columns += list(kwargs.get("column_list") or [])
    columns += [kwargs[k] for k in ("column_A", "column_B") if k in kwargs]
    return columns


def _columns(configs: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(c for config in configs for c in _config_columns(config)))


def _gx_frame(frame: pd.DataFrame, spec: TableSpec, columns: list[str]) -> pd.DataFrame:
    """The copy GX sees: text form for text/code/date fields, floats for amounts."""
    data = {}
    for name in columns:
        kind = spec.fields[name].type if name in spec.fields else None
        data[name] = read_only(_convert(frame[name], kind))
    out = pd.DataFrame(data, index=pd.RangeIndex(len(frame)), copy=False)  # read-only kept
    out[ROW_ID] = np.arange(len(frame), dtype=np.int64)
    return out


def _convert(column: pd.Series, kind: str | None) -> pd.Series:
    values = column.reset_index(drop=True)
    if kind in ("integer", "decimal"):
        # _number gives a float (or NaN) per value: cast, no to_numeric pass over objects
        return pd.Series(per_distinct(values, _number, np.nan).astype(np.float64),
                         index=values.index)
    if kind == "date":
        return _per_distinct(values, _iso).astype(TEXT)
    if kind in ("text", "code"):
        if infer_dtype(values, skipna=True) in ("string", "empty"):
            return values.astype(TEXT)
        return values.map(str, na_action="ignore").astype(TEXT)  # 1 and True stay apart
    return values


def _per_distinct(values: pd.Series, convert: Callable[[Any], Any]) -> pd.Series:
    """`convert` of each distinct non-missing value, spread over the rows; NaN stays NaN."""
    return pd.Series(per_distinct(values, convert, np.nan), index=values.index, dtype=object)


def _number(value: Any) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return np.nan


def _iso(value: Any) -> str:
    """A date as ISO 8601 text; anything else is no date, and says so to the ISO regex.

    The clean stage turns every date field into `datetime.date`; a value that is still a
    string (even `2024-02-30`) or a datetime was not cleaned, so its text fails the check.
    """
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return f"not a date: {value}"


def _collect(table: str, frame: pd.DataFrame, outcome: Any, gx_frame: pd.DataFrame | None
             ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Every failing row per expectation, checked against GX's unexpected_count: from GX's
    unexpected_index_list, or found by `rows.failing_positions` in `gx_frame` when given."""
    parts, expectations = [], []
    for result in outcome.results:
        config = result.expectation_config
        kwargs = dict(config.kwargs)
        column = ", ".join(_config_columns({"kwargs": kwargs}))
        _raise_if_broken(table, config.type, column, result.exception_info)
        detail = result.result or {}
        count = detail.get("unexpected_count")
        if gx_frame is None:
            positions = _listed(detail)
        elif count == 0:  # GX found none: nothing to look for
            positions = np.empty(0, dtype=np.int64)
        elif count is None:
            raise RuntimeError(f"validate: {table} {config.type}({column}) has no "
                               "unexpected_count from GX to check its failing rows against")
        else:
            positions = failing_positions({"type": config.type, "kwargs": kwargs}, gx_frame)
        if count is not None and len(positions) != count:
            raise RuntimeError(f"validate: {table} {config.type}({column}) listed "
                               f"{len(positions)} failing rows but GX counted {count}")
        expectations.append({"expectation": config.type, "column": column,
                             "rule": (config.meta or {}).get("rule"),
                             "success": bool(result.success), "unexpected_count": count,
                             "rows_listed": len(positions)})
        if len(positions):
            parts.append(_failure_rows(table, frame, config.type, (config.meta or {}).get("rule"),
                                       kwargs, column, positions))
    rows = _concat(parts)
    failing = int(rows["_pos"].nunique()) if len(rows) else 0
    stats = outcome.statistics
    return rows, {"success": bool(outcome.success), "rows": len(frame), "rows_failing": failing,
                  "evaluated_expectations": int(stats["evaluated_expectations"]),
                  "failed_expectations": int(stats["unsuccessful_expectations"]),
                  "expectations": expectations}


def _listed(detail: dict[str, Any]) -> np.ndarray:
    return np.array(sorted({int(row[ROW_ID]) for row in
                            detail.get("unexpected_index_list") or []}), dtype=np.int64)


def _failure_rows(table: str, frame: pd.DataFrame, expectation: str, rule: str | None,
                  kwargs: dict[str, Any], column: str, positions: np.ndarray) -> pd.DataFrame:
    picked = frame.iloc[positions]
    if "column" in kwargs:
        value = picked[kwargs["column"]].to_numpy(dtype=object, copy=True)
        value[pd.isna(value)] = None
    else:
        names = _config_columns({"kwargs": kwargs})
        value = np.empty(len(picked), dtype=object)
        value[:] = list(picked[names].itertuples(index=False, name=None))
    data: dict[str, Any] = {"table": table, "column": column, "expectation": expectation,
                            "value": value, "rule": rule}
    for name in LINEAGE_COLUMNS:
        data[name] = picked[name].to_numpy(dtype=object) if name in picked else None
    if LINEAGE_SEQ in picked:
        data[LINEAGE_SEQ] = picked[LINEAGE_SEQ].to_numpy()
    data["_pos"] = positions
    return pd.DataFrame(data)


def _raise_if_broken(table: str, expectation: str, column: str, info: dict[str, Any]) -> None:
    """An expectation GX could not evaluate (bad regex, wrong kwargs) is an error, not a pass."""
    found = [info] if "raised_exception" in info else [
        v for v in info.values() if isinstance(v, dict)]
    for item in found:
        if item.get("raised_exception"):
            message = str(item.get("exception_message") or "").splitlines()[:1]
            raise SuiteError(f"{table}: {expectation}({column}) could not run: "
                             f"{' '.join(message)}")


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object)
                             for c in [*FAILURE_COLUMNS, "rule", "_pos"]})
    return pd.concat(parts, ignore_index=True)


def _build_docs(context: Any, docs: Path) -> Path:
    context.build_data_docs(site_names=[DOCS_SITE])
    return docs / "index.html"
