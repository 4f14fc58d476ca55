"""Known export formats (Google Contacts, Outlook, kintone, 筆まめ...), recognised as a whole.

A column-by-column guess cannot know that Google's `Phone 1 - Value` is a fax on the rows
whose `Phone 1 - Type` says `Work Fax`, or that 筆まめ's `自宅住所1` is the person's own
address. A format file (YAML beside this module) says so once: how to recognise the
export by its header, where each of its columns goes, and which value columns are routed
row by row by a type column. Each file says which column names a public page confirms
and which are assumed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field

from migrator.mapping.match import fold_header
from migrator.mapping.spec import ColumnTarget, PairRoute

_N = "{n}"


class Recognise(BaseModel):
    """How a header shows it is this export."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    all: tuple[str, ...] = ()
    """Columns that must all be present."""
    any: tuple[str, ...] = ()
    """Columns of which at least one must be present (none listed: no such test)."""
    share: float = Field(default=0.5, ge=0.0, le=1.0)
    """The least share of the table's columns the format knows."""


class PairRule(BaseModel):
    """A PairRoute for every number `n` whose type and value columns are both present."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str
    value: str
    to: dict[str, str | None]


class ExportFormat(BaseModel):
    """One known export: its name, how it is recognised, where its columns go."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    """The key written to the mapping (`format: google_contacts`)."""
    title: str
    """What a person calls it (`Google Contacts CSV`)."""
    sources: str = ""
    """Which column names are confirmed by a public page, and which are assumed."""
    recognise: Recognise
    columns: dict[str, str | ColumnTarget | None] = Field(default_factory=dict)
    """Column (`{n}` stands for a number) → `table.field`, a column target, or null."""
    pairs: tuple[PairRule, ...] = ()

    def known(self, column: str) -> bool:
        """Is `column` one this format names (as a column or in a pair)?"""
        names = [*self.columns, *(c for p in self.pairs for c in (p.type, p.value))]
        return any(_pattern(n).fullmatch(fold_header(column)) for n in names)

    def score(self, columns: Sequence[str]) -> float | None:
        """The share of `columns` this format knows, or None when it does not match."""
        present = {fold_header(c) for c in columns}
        if not columns or any(fold_header(c) not in present for c in self.recognise.all):
            return None
        if self.recognise.any and not any(fold_header(c) in present
                                          for c in self.recognise.any):
            return None
        share = sum(self.known(c) for c in columns) / len(columns)
        return share if share >= self.recognise.share else None

    def column_targets(self, columns: Sequence[str]) -> dict[str, ColumnTarget]:
        """Each of `columns` the format names → its target; the pairs' columns → null."""
        out: dict[str, ColumnTarget] = {}
        for column in columns:
            key = fold_header(column)
            for name, target in self.columns.items():
                if _pattern(name).fullmatch(key):
                    out[column] = target if isinstance(target, ColumnTarget) \
                        else ColumnTarget(to=target)
                    break
            else:
                if any(_pattern(c).fullmatch(key) for p in self.pairs for c in (p.type, p.value)):
                    out[column] = ColumnTarget(to=None)
        return out

    def pair_routes(self, columns: Sequence[str]) -> list[PairRoute]:
        """The pairs present in `columns`, in rule order, then by number."""
        by_key = {fold_header(c): c for c in columns}
        out = []
        for rule in self.pairs:
            numbers = sorted({int(m.group(1)) for c in by_key
                              if (m := _pattern(rule.value).fullmatch(c)) and m.groups()})
            for n in numbers or [0]:
                kind = by_key.get(fold_header(rule.type.replace(_N, str(n))))
                value = by_key.get(fold_header(rule.value.replace(_N, str(n))))
                if kind is not None and value is not None:
                    out.append(PairRoute(type=kind, value=value, to=dict(rule.to)))
        return out


@cache
def _pattern(name: str) -> re.Pattern[str]:
    """The folded column name as a pattern; `{n}` matches a number."""
    parts = [re.escape(fold_header(p)) for p in name.split(_N)]
    return re.compile(r"(\d+)".join(parts))


@cache
def known_formats() -> tuple[ExportFormat, ...]:
    """Every format shipped in this package, in file-name order."""
    folder = resources.files(__package__)
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")),
                   key=lambda f: f.name)
    return tuple(ExportFormat.model_validate(yaml.safe_load(f.read_text(encoding="utf-8")))
                 for f in files)


def recognise(columns: Sequence[str]) -> ExportFormat | None:
    """The known format whose header `columns` are, the one that knows most of them."""
    scored = [(s, f) for f in known_formats() if (s := f.score(columns)) is not None]
    return max(scored, key=lambda sf: sf[0])[1] if scored else None


def format_named(name: str) -> ExportFormat | None:
    return next((f for f in known_formats() if f.name == name), None)


__all__ = ["ExportFormat", "known_formats", "recognise"]
