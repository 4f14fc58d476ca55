"""`migrator history`: the runs a target holds, newest first, read from `_runs`.

Who ran each, when, from which files (names and SHA-256), with which mapping and fixes,
and what happened per table; never a record's values. `migrator history RUN_ID` lists
the keys one run inserted and updated (`_history`) and the source rows it merged into
which key (`_merges`): keys and lineage, still no values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from migrator.display import text_table
from migrator.errors import LoadError
from migrator.load.undo import data_tables
from migrator.target import stored_frame
from migrator.urls import redact

COLUMNS = ["run_id", "started_at", "finished_at", "status", "dry_run", "sources",
           "mapping_sha256", "counts", "fixes_sha256", "fixes_applied", "run_by"]


@dataclass(frozen=True)
class RunEntry:
    """One `_runs` row, as people read it."""

    run_id: str
    started_at: str
    status: str
    user: str
    host: str
    version: str
    files: list[str]
    mapping_sha256: str | None
    fixes_sha256: str | None
    tables: dict[str, dict[str, int]]

    def loaded(self) -> str:
        parts = [f"{t} {c.get('rows_loaded', c.get('inserted', 0)):,}"
                 + (f" ({c['rows_rejected']:,} rejected)" if c.get("rows_rejected") else "")
                 for t, c in self.tables.items()]
        return ", ".join(parts)


def run_history(url: str, limit: int | None = None) -> list[RunEntry]:
    """The runs stored in `url`'s `_runs`, newest first; LoadError when there are none."""
    frame = stored_frame(url, "_runs", COLUMNS)
    if frame.empty:
        raise LoadError(f"{redact(url)} holds no runs of migrator (no _runs table or no row)")
    frame = frame.sort_values(["started_at", "finished_at"], ascending=False, kind="stable")
    entries = [_entry(r) for r in frame.to_dict("records")]
    return entries[:limit] if limit else entries


@dataclass(frozen=True)
class RunChanges:
    """The records one run changed, per table: keys inserted and updated, and the source
    rows merged (file, sheet, row → the key they were merged into)."""

    run_id: str
    inserted: dict[str, list[str]]
    updated: dict[str, list[str]]
    merged: dict[str, list[tuple[str, str, int, str]]]

    def render(self, shown: int = 20) -> str:
        """Per table and kind, how many and the first `shown` of them."""
        tables = list(dict.fromkeys([*self.inserted, *self.updated, *self.merged]))
        lines = [f"run {self.run_id}:" + ("" if tables else " it changed no record")]
        for table in tables:
            for kind, keys in (("inserted", self.inserted.get(table, [])),
                               ("updated", self.updated.get(table, []))):
                if keys:
                    lines.append(f"  {table} {kind} {len(keys):,}: " + _some(keys, shown))
            merged = self.merged.get(table, [])
            if merged:
                rows = [f"{f}{' › ' + s if s else ''} row {r} → {k}" for f, s, r, k in merged]
                lines.append(f"  {table} merged {len(merged):,}: " + _some(rows, shown))
        return "\n".join(lines)


def run_changes(url: str, run_id: str) -> RunChanges:
    """What run `run_id` changed in `url`; LoadError when the target has no such run.

    Updated keys are its `_history` rows; inserted keys are the records still carrying its
    `_run_id` and those a later run changed (whose `_history` names it), minus the updated.
    """
    if not any(e.run_id == run_id for e in run_history(url)):
        raise LoadError(f"{redact(url)} has no run {run_id}; `migrator history` lists its runs")
    keys = stored_frame(url, "_history", ["run_id", "table_name", "record_key",
                                          "previous_run_id", "id"])
    merges = stored_frame(url, "_merges", ["run_id", "table_name", "surviving_key",
                                           "_source_file", "_source_sheet", "_source_row", "id"])
    updated: dict[str, list[str]] = {}
    later: dict[str, set[str]] = {}
    if not keys.empty:
        for row in keys.sort_values("id").to_dict("records"):
            if row["run_id"] == run_id:
                updated.setdefault(str(row["table_name"]), []).append(str(row["record_key"]))
            elif row["previous_run_id"] == run_id:
                later.setdefault(str(row["table_name"]), set()).add(str(row["record_key"]))
    inserted = {}
    for table, carried in _carrying(url, run_id).items():
        keys_of = sorted((carried | later.get(table, set())) - set(updated.get(table, [])))
        if keys_of:
            inserted[table] = keys_of
    merged: dict[str, list[tuple[str, str, int, str]]] = {}
    if not merges.empty:
        rows = merges[merges["run_id"] == run_id].sort_values("id").to_dict("records")
        for row in rows:
            merged.setdefault(str(row["table_name"]), []).append(
                (str(row["_source_file"]), str(row["_source_sheet"] or ""),
                 int(row["_source_row"]), str(row["surviving_key"])))
    return RunChanges(run_id, inserted, updated, merged)


def _carrying(url: str, run_id: str) -> dict[str, set[str]]:
    """Per data table, the keys of the records whose `_run_id` is `run_id`."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            found = {}
            for table in data_tables(conn).sorted_tables:
                if "_run_id" not in table.c:
                    continue
                pk = next(iter(table.primary_key.columns))
                found[table.name] = {str(k) for (k,) in conn.execute(
                    sa.select(pk).where(table.c["_run_id"] == run_id))}
            return found
    finally:
        engine.dispose()


def _some(items: list[str], shown: int) -> str:
    more = len(items) - shown
    return ", ".join(items[:shown]) + (f" … and {more:,} more" if more > 0 else "")


def render(entries: list[RunEntry]) -> str:
    """A table of the runs: when, who, status, files, and rows per table."""
    rows = [(e.run_id, e.started_at, e.status, f"{e.user}@{e.host}", e.version,
             ", ".join(e.files), e.loaded()) for e in entries]
    return text_table(("run", "started (UTC)", "status", "by", "version", "files",
                       "loaded"), rows)


def _entry(row: dict[str, Any]) -> RunEntry:
    by = _loads(row.get("run_by")) or {}
    sources = _loads(row.get("sources")) or []
    status = str(row.get("status") or "")
    if row.get("dry_run") in (True, 1, "1", "true"):
        status += " (dry run)"
    return RunEntry(
        run_id=str(row["run_id"]), started_at=str(row.get("started_at") or "")[:19],
        status=status, user=str(by.get("user", "?")), host=str(by.get("host", "?")),
        version=str(by.get("version", "?")),
        files=[str(s.get("file")) for s in sources if isinstance(s, dict)],
        mapping_sha256=row.get("mapping_sha256"), fixes_sha256=row.get("fixes_sha256"),
        tables=_loads(row.get("counts")) or {})


def _loads(text: Any) -> Any:
    if not isinstance(text, str) or not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None
