"""MappingEditor: one row per source column, a dropdown of target fields, the suggestion
preselected with its confidence and sample values beside it; every choice updates the
Mapping and its YAML, and a choice the schema refuses is shown, not raised."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from html import escape
from os import PathLike
from pathlib import Path

import ipywidgets as w
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from migrator.errors import MappingError
from migrator.mapping import Mapping
from migrator.mapping.spec import LOW_CONFIDENCE
from migrator.notebook.base import Shown
from migrator.profile import Profile
from migrator.schema import TargetSchema, load_schema

NOT_LOADED = "(not loaded)"


class MappingEditor(Shown):
    """Edit `mapping` with dropdowns; `mapping` and `yaml` always hold the current choice."""

    def __init__(self, mapping: Mapping, profile: Profile | None = None,
                 schema: TargetSchema | None = None) -> None:
        self.schema = schema or load_schema(mapping.schema_name)
        self.mapping = mapping
        self.problem: str | None = None
        """Why the current choice cannot be used (two columns into one field), or None."""
        targets = [NOT_LOADED, *self.schema.targets()]
        cell = _Cells()
        self.dropdowns: dict[tuple[int, str], w.Dropdown] = {}
        pages = []
        for i, source in enumerate(mapping.sources):
            samples = _samples(profile, source.file, source.sheet, source.anchor)
            place = source.file + (f" › {source.sheet}" if source.sheet else "") + (
                f" @{source.anchor}" if source.anchor else "")
            rows = [cell.html(f"<b>{escape(place)}</b>"), cell.html(), cell.html(), cell.html(),
                    cell.html("<b>source column</b>"), cell.html("<b>target field</b>"),
                    cell.html("<b>confidence</b>"), cell.html("<b>sample values</b>")]
            for column, target in source.columns.items():
                dropdown = w.Dropdown(options=targets, value=target.to or NOT_LOADED,
                                      layout=cell.dropdown_layout, style=cell.dropdown_style)
                dropdown.add_class("migrator-target")
                dropdown.observe(self._changed(i, column), names="value")
                self.dropdowns[(i, column)] = dropdown
                score = source.confidence.get(column)
                sure = "" if score is None else f"{score:.0%}" + (
                    " ⚠" if score < LOW_CONFIDENCE else "")
                label = cell.html(escape(column))
                label.add_class("migrator-column")
                rows += [label, dropdown, cell.html(sure),
                         cell.html(escape(", ".join(samples.get(column, []))))]
            grid = w.GridBox(rows, layout=w.Layout(
                grid_template_columns="minmax(120px, 1fr) 270px 90px 2fr", grid_gap="2px 8px"))
            pages.append(grid)
        self.message = w.HTML()
        self.message.add_class("migrator-mapping-message")
        self.preview = w.Textarea(value=self.yaml, layout=w.Layout(width="100%", height="240px"),
                                  disabled=True)
        tabs = w.Tab(children=pages)
        for i, source in enumerate(mapping.sources):
            tabs.set_title(i, (source.sheet or source.file)
                           + (f" @{source.anchor}" if source.anchor else ""))
        yaml_box = w.Accordion(children=[self.preview], titles=("mapping.yaml",))
        self.widget = w.VBox([tabs, self.message, yaml_box])
        self.widget.add_class("migrator-mapping-editor")
        self._show()

    @property
    def yaml(self) -> str:
        return self.mapping.to_yaml()

    @property
    def valid(self) -> bool:
        return self.problem is None

    def choose(self, source: int, column: str, target: str | None) -> None:
        """Send `column` of source number `source` to `target` (None: not loaded), as the
        dropdown does."""
        self.dropdowns[(source, column)].value = target or NOT_LOADED

    def save(self, path: str | PathLike[str]) -> Path:
        """Write the mapping YAML; refused (MappingError) while a choice is invalid."""
        if self.problem is not None:
            raise MappingError(f"the mapping is not saved: {self.problem}")
        self.mapping.save(Path(path))
        return Path(path)

    def _changed(self, index: int, column: str):  # type: ignore[no-untyped-def]
        def update(change: dict[str, object]) -> None:
            value = change["new"]
            target = None if value == NOT_LOADED else str(value)
            source = self.mapping.sources[index]
            columns = dict(source.columns)
            columns[column] = columns[column].model_copy(update={"to": target})
            confidence = {c: v for c, v in source.confidence.items() if c != column}
            edited = source.model_copy(update={"columns": columns, "confidence": confidence})
            sources = list(self.mapping.sources)
            sources[index] = edited
            self.mapping = self.mapping.model_copy(update={"sources": tuple(sources)})
            self._show()
        return update

    def _show(self) -> None:
        try:
            self.mapping.check(self.schema)
            self.problem = None
        except MappingError as err:
            self.problem = str(err).removeprefix("mapping: ")
        self.preview.value = self.yaml
        self.message.value = (
            f"<span style='color:#c62828'>⚠ {escape(self.problem)}</span>" if self.problem
            else f"<span style='color:#2e7d32'>✓ {self._count()} columns mapped</span>")

    def _count(self) -> int:
        return sum(len(s.targets()) for s in self.mapping.sources)

    def __repr__(self) -> str:
        return repr(self.mapping)


class _Cells:
    """One Layout and one Style model shared by every cell of the grids. Each widget
    otherwise brings two models of its own: sample_data's 72 columns made 1,084 models
    the browser had to create before the editor showed; shared, they make 384."""

    def __init__(self) -> None:
        self.layout = w.Layout()
        self.style = HTMLStyle()
        self.dropdown_layout = w.Layout(width="260px")
        self.dropdown_style = DescriptionStyle()

    def html(self, value: str = "") -> w.HTML:
        return w.HTML(value, layout=self.layout, style=self.style)


def _samples(profile: Profile | None, file: str, sheet: str | None,
             anchor: str | None = None) -> dict[str, list[str]]:
    if profile is None:
        return {}
    for t in profile.tables:
        if t.file == file and (sheet is None or t.sheet == sheet) and (
                anchor is None or (t.source is not None and t.source.anchor == anchor)):
            return {c.name: [str(v["value"]) for v in c.top_values[:3]] for c in t.columns}
    return {}


def run_command(sources: Sequence[str | PathLike[str]], mapping: str | PathLike[str],
                to: str | None = None) -> str:
    """The `migrator run` line that repeats this notebook's load from the CLI."""
    parts = ["migrator", "run", *(str(s) for s in sources), "--mapping", str(mapping)]
    if to:
        parts += ["--to", to]
    return " ".join(shlex.quote(p) for p in parts)
