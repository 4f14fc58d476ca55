"""ChangesBrowser: the change log, the rejected rows and the cell issues of a stage's
result, filtered by table, field, rule and reason, each row shown as `file › sheet › row`;
a rejected value or a cell issue's raw value is corrected (or its row accepted without
it) by a hand fix, saved in the fixes file that `migrator run --fixes FILE` replays."""

from __future__ import annotations

import json
from html import escape
from os import PathLike
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd

from migrator.fixes import Fixes
from migrator.lineage import LINEAGE_COLUMNS
from migrator.notebook.base import ALL, Shown, table, text, where
from migrator.rejects import REJECT_COLUMNS, reason_pairs, reason_sentence
from migrator.tables import StageTables

SHOWN = 200
"""Rows listed at once; the filters narrow the rest down."""
KIND = "kind"
"""Column of the listing: `rejected` (a rejected row) or `cell issue` (a value loaded
empty, its row loaded)."""


class ChangesBrowser(Shown):
    """Browse `result.changes`, `result.rejects` and `result.issues`; fix rejected values
    and cell issues by hand (a cell issue is listed like a rejected row whose reason is
    `<reason>:<field>` and whose record is the raw value).

    `fixes` is the fixes file (created on the first fix). Tests and scripts drive it like
    a person: `filter(...)`, `select(i)`, `correct("03-1234-5678")` or `accept()`.
    """

    def __init__(self, result: StageTables, fixes: str | PathLike[str] | None = None) -> None:
        self.result = result
        self.path = Path(fixes) if fixes is not None else None
        self.fixes = Fixes.load(self.path) if self.path and self.path.exists() else Fixes()
        self.rejects = _listing(result)
        """The rejected rows, then the cell issues (KIND says which)."""
        self.changes = result.changes.reset_index(drop=True)
        self.rows = self.rejects
        """The rejected rows and cell issues the filters keep."""
        self.selected: int | None = None
        """Position in `rows` of the row being fixed."""

        self.table = _dropdown("table", [ALL, *sorted(set(self.rejects["table"])
                                                      | set(self.changes["table"]))])
        self.reason = _dropdown("reason", [ALL, *sorted({c for r in self.rejects["reasons"]
                                                        for c, _ in reason_pairs(r)})])
        self.field = _dropdown("field", [ALL, *sorted({f for r in self.rejects["reasons"]
                                                      for _, f in reason_pairs(r) if f}
                                                     | set(self.changes["field"]))])
        self.rule = _dropdown("rule", [ALL, *sorted(set(self.changes["rule"]))])
        for control in (self.table, self.reason, self.field, self.rule):
            control.observe(lambda _: self._refresh(), names="value")
        self.listing = w.Select(options=[], rows=10, layout=w.Layout(width="100%"))
        self.listing.add_class("migrator-rejects")
        self.listing.observe(self._picked, names="index")
        self.record = w.HTML()
        self.fix_field = _dropdown("field", [])
        self.fix_field.observe(lambda _: self._show_value(), names="value")
        self.value = w.HTML()
        self.new_value = w.Text(description="correct to", placeholder="the right value")
        save = w.Button(description="Save fix", button_style="primary")
        save.on_click(lambda _: self.correct(self.new_value.value))
        accept = w.Button(description="Accept without this value")
        accept.on_click(lambda _: self.accept())
        self.status = w.HTML()
        self.log = w.HTML()
        rejected = w.VBox([self.reason, self.listing, self.record,
                           w.HBox([self.fix_field, self.value]),
                           w.HBox([self.new_value, save, accept]), self.status])
        changed = w.VBox([self.rule, self.log])
        issues = int((self.rejects[KIND] == "cell issue").sum())
        rows = len(self.rejects) - issues
        tabs = w.Tab(children=[rejected, changed],
                     titles=(f"rejected rows ({rows:,}) and cell issues ({issues:,})",
                             f"changes ({len(self.changes):,})"))
        self.widget = w.VBox([w.HBox([self.table, self.field]), tabs])
        self.widget.add_class("migrator-changes")
        self._refresh()

    def filter(self, *, table: str = ALL, reason: str = ALL, field: str = ALL,
               rule: str = ALL) -> pd.DataFrame:
        """Set the filters; the rejected rows they keep."""
        self.table.value, self.reason.value = table, reason
        self.field.value, self.rule.value = field, rule
        return self.rows

    def select(self, index: int) -> None:
        """Pick the `index`-th listed rejected row to fix."""
        self.listing.index = index

    def correct(self, value: str) -> None:
        """Save a hand fix: the selected row's field gets `value` in every later run."""
        self._save(value)

    def accept(self) -> None:
        """Save a hand fix that loads the selected row without the field's value."""
        self._save(None)

    def _save(self, value: str | None) -> None:
        if self.selected is None or not self.fix_field.value:
            self.status.value = "<span style='color:#c62828'>Select a rejected row first.</span>"
            return
        row = self.rows.iloc[self.selected]
        field = str(self.fix_field.value)
        lineage = {c: row[c] for c in LINEAGE_COLUMNS}
        replace = text(_record(row).get(field))
        try:
            if value is None:
                self.fixes.accept(str(row["table"]), field, lineage, replace)
            else:
                self.fixes.fix(str(row["table"]), field, lineage, replace, value)
            self.fixes.check(self.result.schema)
        except Exception as err:  # a refused fix is shown, never raised in the notebook
            self.status.value = f"<span style='color:#c62828'>⚠ {escape(str(err))}</span>"
            return
        if self.path is not None:
            self.fixes.save(self.path)
        what = "accepted without its value" if value is None else f"→ {value}"
        saved = f"; saved in {self.path}" if self.path else ""
        self.status.value = (f"<span style='color:#2e7d32'>✓ {escape(where(row))} {field} "
                             f"{escape(what)}{escape(saved)}; it applies on the next run</span>")

    def _refresh(self) -> None:
        rows = self.rejects
        if self.table.value != ALL:
            rows = rows[rows["table"] == self.table.value]
        if self.reason.value != ALL or self.field.value != ALL:
            keep = [any((self.reason.value in (ALL, c)) and (self.field.value in (ALL, f))
                        for c, f in reason_pairs(r)) for r in rows["reasons"]]
            rows = rows[keep]
        self.rows = rows.reset_index(drop=True)
        self.listing.options = [
            f"{where(r)} — {r['table']}: {r['reasons']}"
            + (" (cell issue: loaded empty)" if r[KIND] == "cell issue" else "")
            for _, r in self.rows.head(SHOWN).iterrows()]
        self.selected = None
        self.record.value = self.value.value = self.status.value = ""
        self.fix_field.options = []
        self.log.value = self._changes_html()

    def _picked(self, change: dict[str, Any]) -> None:
        index = change["new"]
        self.selected = None if index is None or index < 0 else int(index)
        if self.selected is None:
            return
        row = self.rows.iloc[self.selected]
        pairs = reason_pairs(row["reasons"])
        bad = {f for _, f in pairs}
        record = _record(row)
        self.record.value = (
            f"<p><b>{escape(where(row))}</b>: "
            + escape("; ".join(reason_sentence(c, f) for c, f in pairs)) + "</p>"
            + table(["field", "value"], [[k, text(v)] for k, v in record.items()],
                    highlight=[{0, 1} if k in bad else set() for k in record]))
        fields = list(dict.fromkeys(f for _, f in pairs if f))
        self.fix_field.options = fields
        self.fix_field.value = fields[0] if fields else None
        self._show_value()

    def _show_value(self) -> None:
        if self.selected is None or not self.fix_field.value:
            self.value.value = ""
            return
        raw = text(_record(self.rows.iloc[self.selected]).get(str(self.fix_field.value)))
        self.value.value = f"now: <code>{escape(raw) or '(empty)'}</code>"
        self.new_value.value = raw

    def _changes_html(self) -> str:
        rows = self.changes
        if self.table.value != ALL:
            rows = rows[rows["table"] == self.table.value]
        if self.field.value != ALL:
            rows = rows[rows["field"] == self.field.value]
        if self.rule.value != ALL:
            rows = rows[rows["rule"] == self.rule.value]
        shown = [[where(r), str(r["table"]), str(r["field"]), text(r["before"]),
                  text(r["after"]), str(r["rule"])] for _, r in rows.head(SHOWN).iterrows()]
        more = f"<p>first {SHOWN:,} of {len(rows):,}</p>" if len(rows) > SHOWN else ""
        return more + table(["where", "table", "field", "before", "after", "rule"], shown)

    def __repr__(self) -> str:
        issues = int((self.rejects[KIND] == "cell issue").sum())
        rows = len(self.rejects) - issues
        found = f", {issues:,} cell issues" if issues else ""
        return (f"ChangesBrowser: {rows:,} rejected rows{found}, {len(self.changes):,} "
                f"changes, {len(self.fixes)} hand fixes")


def _listing(result: StageTables) -> pd.DataFrame:
    """The rejected rows, then each cell issue as a row whose reasons are `<reason>:<field>`
    and whose record is `{field: raw value}`: one list, one fix flow for both."""
    rejects = result.rejects.assign(**{KIND: "rejected"})
    issues = result.issues
    if not len(issues):
        return rejects.reset_index(drop=True)
    listed = issues[["table", *LINEAGE_COLUMNS]].assign(
        reasons=[f"{r}:{f}" for r, f in zip(issues["reason"], issues["field"], strict=True)],
        record=[json.dumps({f: v}, ensure_ascii=False)
                for f, v in zip(issues["field"], issues["value"], strict=True)],
        **{KIND: "cell issue"})
    frames = [f for f in (rejects, listed[[*REJECT_COLUMNS, KIND]]) if len(f)]
    return pd.concat(frames, ignore_index=True)


def _dropdown(description: str, options: list[str]) -> w.Dropdown:
    return w.Dropdown(options=options, value=options[0] if options else None,
                      description=description, layout=w.Layout(width="260px"))


def _record(row: pd.Series) -> dict[str, Any]:
    value = row.get("record")
    if isinstance(value, dict):
        return value
    try:
        loaded = json.loads(value) if isinstance(value, str) else {}
    except json.JSONDecodeError:
        return {}
    return loaded if isinstance(loaded, dict) else {}
