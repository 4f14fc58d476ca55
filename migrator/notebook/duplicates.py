"""DuplicateReview: one group of likely duplicates at a time, the records side by side with
the fields that differ in light red; merge or keep apart, written to the decisions file
that `migrator run --decisions FILE` applies."""

from __future__ import annotations

from html import escape
from os import PathLike
from pathlib import Path

import ipywidgets as w
import pandas as pd

from migrator.dedupe import Decisions, review
from migrator.lineage import LINEAGE_COLUMNS
from migrator.notebook.base import Shown, table, text
from migrator.tables import DedupedTables


class DuplicateReview(Shown):
    """Review the groups `dedupe` left for a person; decisions are saved on every click."""

    def __init__(self, deduped: DedupedTables, decisions: str | PathLike[str] | None = None
                 ) -> None:
        self.deduped = deduped
        self.path = Path(decisions) if decisions is not None else None
        earlier = Decisions.load(self.path) if self.path and self.path.exists() else Decisions()
        self.earlier = [d for d in earlier.decisions if d.decision is not None]
        self.groups = list(review(deduped).decisions)
        """The undecided groups, in the order they are shown."""
        self.choices: dict[int, str] = {}
        """Group number → `merge` or `keep_apart`."""
        self.position = 0
        self.view = w.HTML()
        self.view.add_class("migrator-cluster")
        merge = w.Button(description="Merge", button_style="warning")
        merge.on_click(lambda _: self.decide("merge"))
        apart = w.Button(description="Keep apart", button_style="info")
        apart.on_click(lambda _: self.decide("keep_apart"))
        back = w.Button(description="◀ Previous")
        back.on_click(lambda _: self.go(self.position - 1))
        forward = w.Button(description="Next ▶")
        forward.on_click(lambda _: self.go(self.position + 1))
        self.status = w.HTML()
        self.widget = w.VBox([self.view, w.HBox([back, merge, apart, forward]), self.status])
        self.widget.add_class("migrator-duplicates")
        self._show()

    @property
    def decisions(self) -> Decisions:
        """Earlier decisions and the ones taken here, as the decisions file holds them."""
        taken = [g.model_copy(update={"decision": self.choices[i]})
                 for i, g in enumerate(self.groups) if i in self.choices]
        return Decisions(decisions=tuple([*self.earlier, *taken]))

    def go(self, position: int) -> None:
        if self.groups:
            self.position = max(0, min(position, len(self.groups) - 1))
        self._show()

    def decide(self, decision: str) -> None:
        """Merge or keep apart the group shown, save the file, show the next group."""
        if not self.groups:
            return
        self.choices[self.position] = decision
        if self.path is not None:
            self.decisions.save(self.path)
        done = f"{len(self.choices)} of {len(self.groups)} groups decided"
        self.status.value = escape(done + (f"; saved in {self.path}" if self.path else ""))
        self.go(self.position + 1)

    def records(self, position: int) -> pd.DataFrame:
        """The group's records: one column per record, one row per field."""
        group = self.groups[position]
        frame = self.deduped.frames[group.table]
        pk = self.deduped.schema.tables[group.table].primary_key
        columns = {}
        for ref in group.records:
            same = (frame["_source_file"] == ref.file) & (frame["_source_row"] == ref.row)
            same &= frame["_source_sheet"].eq(ref.sheet) if ref.sheet else \
                frame["_source_sheet"].isna()
            found = frame[same]
            if len(found) > 1 and ref.key is not None and pk in found:  # cards side by side
                keyed = found[found[pk].astype(str) == ref.key]
                found = keyed if len(keyed) else found
            label = " › ".join(str(p) for p in (ref.file, ref.sheet, ref.row) if p)
            if label in columns:  # two cards side by side: one place, told apart by key
                label = f"{label} ({ref.key})"
            if len(found):
                columns[label] = found.iloc[0]
        shown = pd.DataFrame(columns)
        fields = [f for f in shown.index if not str(f).startswith("_")
                  and f not in LINEAGE_COLUMNS]
        return shown.loc[fields]

    def _show(self) -> None:
        if not self.groups:
            self.view.value = "<p>No group of likely duplicates needs a person.</p>"
            return
        group = self.groups[self.position]
        records = self.records(self.position)
        rows, marks = [], []
        for field, values in records.iterrows():
            cells = [text(v) for v in values]
            filled = {c for c in cells if c}
            rows.append([str(field), *cells])
            marks.append(set(range(1, len(cells) + 1)) if len(filled) > 1 else set())
        decided = self.choices.get(self.position)
        score = group.shown.get("score")
        head = (f"<p><b>Group {self.position + 1} of {len(self.groups)}</b> in {group.table}"
                + (f", match {score:.0%}" if isinstance(score, float) else "")
                + (f" — decided: <b>{decided}</b>" if decided else "") + "</p>")
        self.view.value = head + table(["field", *records.columns], rows, highlight=marks)

    def __repr__(self) -> str:
        return (f"DuplicateReview: {len(self.groups)} groups to review, "
                f"{len(self.choices)} decided")

