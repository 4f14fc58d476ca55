"""The mapping file: which source column feeds which target field (DESIGN.md's contract).

People review and edit it, so it is a pydantic model whose errors name the YAML path,
and it round-trips exactly: `Mapping.from_yaml(m.to_yaml()) == m`.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from migrator.display import html_table, plural
from migrator.errors import MappingError, SchemaError
from migrator.privacy import HASH_LENGTH, strictest
from migrator.reference.places import COUNTRIES
from migrator.schema import TargetSchema
from migrator.yamlfile import keys_of, validated

_TARGET = re.compile(r"^[^\W\dA-Z][^\WA-Z]*\.[^\W\dA-Z][^\WA-Z]*$")
"""`table.field`: the schema checks the names themselves (they may be Japanese)."""
HEADER = (
    "# Suggested by `migrator suggest`: review every target before you run it.\n"
    "# A column's target is table.field, or null to leave it out on purpose;\n"
    "# `confidence`: how sure each suggestion is (1.0 = certain); for a null, how sure\n"
    "# that no field fits.\n"
)


LOW_CONFIDENCE = 0.7
"""Below this, a suggested target is one a person should check first."""


class _Flow(dict[str, Any]):
    """A column target written inline: `TEL: {to: customers.phone, transform: [phone]}`."""


class _Dumper(yaml.SafeDumper):
    """Short lists and column targets on one line, as a person would type them."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = len(data) <= 12 and all(isinstance(x, int | float | str) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_flow(dumper: yaml.SafeDumper, data: _Flow) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(_Flow, _represent_flow)


class ColumnTarget(BaseModel):
    """Where one source column goes, and how its values are cleaned on the way."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    to: str | None
    """`table.field`, or None: seen and deliberately not loaded."""
    transform: tuple[str, ...] = ()
    """Named transforms applied in order (`phone`, `wareki_date`...)."""
    on_error: Literal["reject", "null", "issue"] | None = None
    """What a value that cannot be cleaned does: `reject` its row, `null` (empty it, in the
    change log) or `issue` (empty it, raw value kept as a cell issue). None is the default
    by field: reject for a required field, a primary or a foreign key; issue otherwise."""
    part: int | None = Field(default=None, ge=1)
    """Position when several columns are joined into one field, with a space (セイ + メイ)."""
    privacy: Literal["keep", "mask", "hash", "drop"] | None = None
    """What the run writes of the values (migrator/privacy.py); None is keep."""
    country: str | None = None
    """The country (ISO 3166-1 alpha-2, `US`) whose national numbers this column holds, for
    every row; None: each row's country, else the sheet's, else JP."""

    @field_validator("country")
    @classmethod
    def _country_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.strip().upper()
        if code not in COUNTRIES:
            raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code we know "
                             "(JP, US, GB...)")
        return code

    @field_validator("to")
    @classmethod
    def _target_shape(cls, value: str | None) -> str | None:
        if value is not None and not _TARGET.match(value):
            raise ValueError(f"'{value}' is not of the form table.field")
        return value

    def dump(self) -> Any:
        """The compact YAML form: a bare target when nothing else is set."""
        if not self.transform and self.on_error is None and self.part is None \
                and self.privacy is None and self.country is None:
            return self.to
        out = _Flow(to=self.to)
        if self.transform:
            out["transform"] = list(self.transform)
        if self.on_error is not None:
            out["on_error"] = self.on_error
        if self.part is not None:
            out["part"] = self.part
        if self.privacy is not None:
            out["privacy"] = self.privacy
        if self.country is not None:
            out["country"] = self.country
        return out


class PairRoute(BaseModel):
    """A value column whose row-by-row target is decided by a type column beside it.

    Google Contacts writes `Phone 1 - Type` (Work, Mobile, Work Fax...) beside `Phone 1 -
    Value`: one column feeds the customer's phone on one row and the contact's mobile on
    the next. `to` maps a type (compared without case, `* ` and anything after `:::`) to
    a target or null; `(blank)` is an empty type cell and `*` any type not listed.
    Several routes feeding one field fill it in order: the first non-empty value wins,
    after a column mapped to it directly.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str
    """The column holding each row's type."""
    value: str
    """The column holding the value to route."""
    to: dict[str, str | None]
    """Type → `table.field` or null."""

    @field_validator("to")
    @classmethod
    def _targets_shape(cls, value: dict[str, str | None]) -> dict[str, str | None]:
        for target in value.values():
            if target is not None and not _TARGET.match(target):
                raise ValueError(f"'{target}' is not of the form table.field")
        return value

    def dump(self) -> dict[str, Any]:
        return {"type": self.type, "value": self.value, "to": _Flow(self.to)}


class CardCells(BaseModel):
    """Where one card's values sit, for a card laid out unlike the usual `cells`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sheet: str
    row: int
    """The card's `_source_row`: with the sheet, which card of the workbook it is."""
    cells: dict[str, str]
    """Label → value cell, only for the labels whose cell differs from `cells`."""

    def dump(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "cells": dict(self.cells)}


class SourceSpec(BaseModel):
    """One source table: where it is found, how it was read, where its columns go."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    """Glob on the file name (`顧客台帳*.xlsx`)."""
    sheet: str | None = None
    """Sheet name or glob; absent for CSV and for a card workbook."""
    anchor: str | None = None
    """The table's top-left cell (`A5`: its header's first cell), written only when one
    sheet holds several tables, to tell them apart. Absent: the source applies to every
    table of the file and sheet, as in mapping files written before the key existed."""
    layout: Literal["table", "card"] = "table"
    header_rows: tuple[int, ...] = ()
    columns: dict[str, ColumnTarget]
    """Every source column, in source order."""
    confidence: dict[str, float] = Field(default_factory=dict)
    cells: dict[str, str] = Field(default_factory=dict)
    """For a card: where each label's value sits (`{"会社名": "C4"}`), on most cards."""
    card_cells: tuple[CardCells, ...] = ()
    """For a card workbook mixing layouts: the cards whose values sit elsewhere."""
    personal: dict[str, str] = Field(default_factory=dict)
    """What suggest found personal in each column (`{"TEL": "phone"}`): decide a privacy."""
    format: str | None = None
    """The known export format suggest recognised (`google_contacts`), for the reviewer."""
    pairs: tuple[PairRoute, ...] = ()
    """Value columns routed row by row by a type column (see PairRoute)."""
    defaults: dict[str, str] = Field(default_factory=dict)
    """`table.field` → the value every row of this source gets there, for a field no
    column feeds: a list of people says `{customers.customer_type: person}`."""

    @field_validator("columns", mode="before")
    @classmethod
    def _compact_targets(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k if isinstance(k, str) else str(k):
                    {"to": v} if v is None or isinstance(v, str) else v
                    for k, v in value.items()}
        return value

    def matches(self, file: str, sheet: str | None) -> bool:
        """Does this spec apply to a table read from `file` [`sheet`]?"""
        if not fnmatch.fnmatchcase(Path(file).name, self.file):
            return False
        if self.sheet is None or sheet is None:
            return self.sheet is None or self.layout == "card"
        return fnmatch.fnmatchcase(sheet, self.sheet)

    def fits(self, columns: Sequence[str]) -> bool:
        """Could a table with `columns` be this source moved (rows added above it)?

        Every loaded column is there, and most of the columns this source lists.
        """
        have = set(columns)
        listed = sum(1 for c in self.columns if c in have)
        return all(c in have for c in self.targets()) and 2 * listed > len(self.columns)

    @property
    def where(self) -> str:
        """`file [sheet] @A5`: the source as a person finds it."""
        out = self.file + (f" [{self.sheet}]" if self.sheet else "")
        return out + (f" @{self.anchor}" if self.anchor else "")

    def targets(self) -> dict[str, str]:
        """Column → target for the columns that are loaded."""
        return {c: t.to for c, t in self.columns.items() if t.to is not None}

    def pair_columns(self) -> list[str]:
        """The type and value columns the pairs read, in order, each once."""
        return list(dict.fromkeys(c for p in self.pairs for c in (p.type, p.value)))

    def dump(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file}
        if self.sheet is not None:
            out["sheet"] = self.sheet
        if self.anchor is not None:
            out["anchor"] = self.anchor
        out["layout"] = self.layout
        if self.format is not None:
            out["format"] = self.format
        out["header_rows"] = list(self.header_rows)
        out["columns"] = {c: t.dump() for c, t in self.columns.items()}
        if self.confidence:
            out["confidence"] = dict(self.confidence)
        if self.cells:
            out["cells"] = dict(self.cells)
        if self.card_cells:
            out["card_cells"] = [c.dump() for c in self.card_cells]
        if self.personal:
            out["personal"] = dict(self.personal)
        if self.pairs:
            out["pairs"] = [p.dump() for p in self.pairs]
        if self.defaults:
            out["defaults"] = dict(self.defaults)
        return out


def _check_defaults(source: SourceSpec, fed: dict[str, str], schema: TargetSchema,
                    where: str) -> None:
    """Each default names a field of `schema` no column feeds, with a value it allows."""
    for target, value in source.defaults.items():
        try:
            spec = schema.field(target)
        except SchemaError as err:
            raise MappingError(f"{where}.{target}: {err.problem}") from None
        if target in fed:
            raise MappingError(f"{where}.{target}: column '{fed[target]}' already feeds it; "
                               "remove the default or set the column to null")
        if spec.allowed is not None and value not in spec.allowed:
            raise MappingError(f"{where}.{target}: '{value}' is not one of "
                               f"{', '.join(map(str, spec.allowed))}")


class Mapping(BaseModel):
    """A reviewed mapping, reused across runs; `version: 1` is the file format."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    version: Literal[1] = 1
    schema_name: str = Field(default="crm", alias="schema")
    sources: tuple[SourceSpec, ...]

    def to_yaml(self) -> str:
        body = {"version": self.version, "schema": self.schema_name,
                "sources": [s.dump() for s in self.sources]}
        return HEADER + yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                                  width=100)

    @classmethod
    def from_yaml(cls, text: str, *, file: str = "mapping") -> Mapping:
        """Parse a mapping; any error is one sentence with the file and the YAML path."""
        return validated(text, cls, file=file, error=MappingError,
                         keys=keys_of(Mapping, SourceSpec, ColumnTarget, PairRoute),
                         expected="a mapping file (expected keys version, schema, sources)")

    @classmethod
    def load(cls, path: Path) -> Mapping:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise MappingError(f"{path.name}: does not exist") from None
        except (OSError, UnicodeDecodeError) as err:
            raise MappingError(f"{path.name}: cannot be read ({type(err).__name__})") from None
        return cls.from_yaml(text, file=path.name)

    def save(self, path: Path) -> None:
        """Write atomically: a reader never sees half a mapping."""
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(self.to_yaml(), encoding="utf-8")
        tmp.replace(path)

    def check(self, schema: TargetSchema, *, file: str = "mapping") -> None:
        """Every target is a field of `schema`, fed by one column (or by numbered parts)."""
        if self.schema_name != schema.name:
            raise MappingError(f"{file}: schema: the mapping is for schema '{self.schema_name}', "
                               f"not '{schema.name}'; pass --schema {self.schema_name}")
        for i, source in enumerate(self.sources):
            fed: dict[str, str] = {}
            for column, target in source.columns.items():
                if target.to is None:
                    continue
                where = f"{file}: sources[{i}].columns.{column}.to"
                try:
                    schema.field(target.to)
                except SchemaError as err:
                    raise MappingError(f"{where}: {err.problem}") from None
                spec = schema.field(target.to)
                table, _, name = target.to.partition(".")
                if target.on_error in ("null", "issue") and (
                        spec.required or schema.tables[table].is_key(name)):
                    raise MappingError(f"{file}: sources[{i}].columns.{column}.on_error: "
                                       f"{target.to} is required, so a value that cannot be "
                                       "cleaned must reject its row; use reject")
                if target.privacy in ("mask", "hash") and spec.type != "text" \
                        and spec.type != "code":
                    raise MappingError(f"{file}: sources[{i}].columns.{column}.privacy: "
                                       f"{target.to} is a {spec.type} field, which cannot "
                                       f"hold a {target.privacy}ed text; use drop or keep")
                if target.privacy == "hash":
                    if spec.max_length is not None and spec.max_length < HASH_LENGTH:
                        raise MappingError(f"{file}: sources[{i}].columns.{column}.privacy: "
                                           f"{target.to} holds {spec.max_length} characters, "
                                           f"a hash needs {HASH_LENGTH}; use mask or drop")
                if target.to in fed and target.part is None:
                    raise MappingError(f"{where}: {target.to} is already fed by column "
                                       f"'{fed[target.to]}'; number both with part: to join "
                                       "them, or set one to null")
                fed.setdefault(target.to, column)
            for j, pair in enumerate(source.pairs):
                for kind, to in pair.to.items():
                    if to is None:
                        continue
                    try:
                        schema.field(to)
                    except SchemaError as err:
                        raise MappingError(f"{file}: sources[{i}].pairs[{j}].to.{kind}: "
                                           f"{err.problem}") from None
            _check_defaults(source, fed, schema, f"{file}: sources[{i}].defaults")

    def privacy(self) -> dict[str, str]:
        """`table.field` → its policy, the strictest of the columns feeding it."""
        found: dict[str, list[str]] = {}
        for source in self.sources:
            for target in source.columns.values():
                if target.to is not None and target.privacy is not None:
                    found.setdefault(target.to, []).append(target.privacy)
        return {field: strictest(policies) for field, policies in found.items()}

    def source_index(self, file: str, sheet: str | None, *, layout: str | None = None,
                     anchor: str | None = None,
                     columns: Sequence[str] | None = None) -> int | None:
        """Position of the source that applies to a table read from `file` [`sheet`].

        Among the sources whose file and sheet match, the first of the best: one of the
        table's layout, then one anchored at the table's `anchor`, then one without an
        anchor (which applies to every table there), then an anchored one the table
        `fits` (the same table, moved down by rows added above it).
        """
        def rank(i: int) -> tuple[bool, bool, bool]:
            s = self.sources[i]
            return (layout is None or s.layout == layout,
                    s.anchor is not None and s.anchor == anchor, s.anchor is None)

        found = [i for i, s in enumerate(self.sources) if s.matches(file, sheet)
                 and (s.anchor is None or s.anchor == anchor
                      or (columns is not None and s.fits(columns)))]
        return max(found, key=rank, default=None)

    def source_for(self, file: str, sheet: str | None, *, layout: str | None = None,
                   anchor: str | None = None,
                   columns: Sequence[str] | None = None) -> SourceSpec | None:
        index = self.source_index(file, sheet, layout=layout, anchor=anchor, columns=columns)
        return None if index is None else self.sources[index]

    def sha256(self) -> str:
        """Checksum of the mapping as written (`to_yaml`), for the run report."""
        return hashlib.sha256(self.to_yaml().encode("utf-8")).hexdigest()

    def __repr__(self) -> str:
        columns = sum(len(s.columns) for s in self.sources)
        mapped = sum(len(s.targets()) for s in self.sources)
        lines = [f"Mapping for schema {self.schema_name}: {plural(len(self.sources), 'source')}, "
                 f"{plural(columns, 'column')}, {mapped:,} mapped"]
        for s in self.sources:
            where = s.where
            unsure = sorted(c for c, v in s.confidence.items() if v < LOW_CONFIDENCE)
            check = f"; check {', '.join(unsure)}" if unsure else ""
            known = f" (format: {s.format})" if s.format else ""
            lines.append(f"  {where}{known}: {len(s.targets())} of {len(s.columns)} columns "
                         f"mapped{check}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = [(s.where, column,
                 target.to or "—", s.confidence.get(column, ""),
                 ", ".join(target.transform))
                for s in self.sources for column, target in s.columns.items()]
        caption = (f"Mapping for schema {self.schema_name}: "
                   f"{len(self.sources)} source(s); save() writes the YAML to review")
        return html_table(("source", "column", "target", "confidence", "transform"), rows,
                          caption=caption)
