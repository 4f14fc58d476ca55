"""`migrator history`: the runs a target holds, newest first, read from `_runs`.

Who ran each, when, from which files (names and SHA-256), with which mapping and fixes,
and what happened per table; never a record's values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from migrator.display import text_table
from migrator.errors import LoadError
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
