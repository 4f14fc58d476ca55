"""RunSummary: what a run did — per table read, loaded, merged and rejected, the accounting
check, the cell issues, and where the seconds went, as bars."""

from __future__ import annotations

from html import escape

import ipywidgets as w

from migrator.load import LoadResult
from migrator.notebook.base import Shown, bar, table
from migrator.report import RunReport


class RunSummary(Shown):
    """The run report of `load` or `run`, for a person: counts, accounting, timings."""

    def __init__(self, result: RunReport | LoadResult) -> None:
        self.report = result.report if isinstance(result, LoadResult) else result
        self.widget = w.HTML(self.html())
        self.widget.add_class("migrator-run-summary")

    def html(self) -> str:
        r = self.report
        rows = [[name, f"{t.rows_read:,}", f"{t.rows_loaded:,}", f"{t.rows_merged:,}",
                 f"{t.rows_rejected:,}", f"{t.inserted:,}", f"{t.updated:,}",
                 f"{t.unchanged:,}", "✓" if t.accounting_ok else "✗ rows lost"]
                for name, t in r.tables.items()]
        verdict = ("<span style='color:#2e7d32'>✓ every row read is loaded, merged or "
                   "rejected</span>" if r.accounting_ok else
                   "<span style='color:#c62828'>✗ the accounting does not hold</span>")
        total = sum(r.seconds.values()) or 1.0
        times = [[step, f"{s:.2f} s", bar(s / total)]
                 for step, s in r.seconds.items()]
        extra = [escape(line.strip()) for line in r.footer()[1:]]  # the verdict is above
        return (f"<p><b>Run {escape(r.run_id)}</b> {escape(r.status)}"
                f"{' (dry run)' if r.dry_run else ''} into <code>{escape(r.target)}</code></p>"
                + table(["table", "read", "loaded", "merged", "rejected", "inserted",
                         "updated", "unchanged", "accounting"], rows)
                + f"<p>{verdict}</p>" + "".join(f"<p>{e}</p>" for e in extra)
                + (table(["stage", "seconds", "share"], times, raw=frozenset({2}))
                   if times else ""))

    def __repr__(self) -> str:
        return repr(self.report)
