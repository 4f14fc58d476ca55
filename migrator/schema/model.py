"""The target schema: tables, fields, keys and header synonyms, read from YAML people edit.

Every problem in a schema file is one `SchemaError` sentence naming the file and YAML path.
"""

from __future__ import annotations

import difflib
import os
import re
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from migrator.errors import SchemaError
from migrator.yamlfile import Loc, Problem, YamlSyntaxError, first_problem, parse_yaml

FieldType = Literal["text", "code", "integer", "decimal", "date", "boolean"]
Semantic = Literal[
    "email", "phone", "postal_code", "date", "wareki_date", "person_name", "company_name",
    "kana", "region", "address", "amount", "url", "customer_code", "text",
]
Format = Literal[
    "e164", "email", "jp_postal_or_us_zip", "iso_date", "iso3166_alpha2", "iso4217",
    "decimal", "integer", "boolean", "prefecture_or_usps", "url", "katakana",
]

_LETTER = r"[^\W\d\x00-\x7f]"  # a letter of any script but Latin: 取引先, 担当者
_NAME = re.compile(rf"(?:[a-z]|{_LETTER})(?:[a-z0-9_]|{_LETTER}|\d)*")
"""Table and field names become SQL identifiers: lowercase ASCII (no quoting surprises on
PostgreSQL), or names in Japanese and other scripts, which the three databases store as
written."""
SURVIVORSHIP = ("source_priority", "most_complete", "most_recent")
"""The rules a table's `survivorship` may state per field."""
MAX_NAME_BYTES = 63
"""PostgreSQL truncates identifiers past 63 bytes (21 kanji); MariaDB allows 64 characters."""
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]+)*")


def _nonblank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _language(value: str) -> str:
    if not _LANGUAGE.fullmatch(value):
        raise ValueError(f"'{value}' is not a language code such as ja or en")
    return value


Text = Annotated[str, AfterValidator(_nonblank)]
Language = Annotated[str, AfterValidator(_language)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Spec):
    """One target field: its type, its canonical form, and the header words that name it."""

    type: FieldType
    """Storage type; `code` is an identifier kept as text, leading zeros and all."""
    required: bool = False
    """A loaded row must have a value (after generation); a row without one is rejected."""
    semantic: Semantic = "text"
    """The semantic type (profile's list) that values of this field have."""
    format: Format | None = None
    """The canonical form the clean stage writes (`e164`, `iso_date`...)."""
    allowed: list[Text] | None = None
    """The only values allowed, when the set is closed."""
    nonnegative: bool = False
    max_length: int | None = Field(default=None, gt=0)
    description: str = ""
    synonyms: dict[Language, list[Text]] = Field(default_factory=dict)
    """Header words per language, as people write them in real sheets."""

    @model_validator(mode="after")
    def _check(self) -> FieldSpec:
        if self.nonnegative and self.type not in ("integer", "decimal"):
            raise Problem(("nonnegative",), "applies only to integer and decimal fields")
        if self.max_length is not None and self.type not in ("text", "code"):
            raise Problem(("max_length",), "applies only to text and code fields")
        seen: set[str] = set()
        for language, words in self.synonyms.items():
            for i, word in enumerate(words):
                if word in seen:
                    raise Problem(("synonyms", language, i),
                                   f"synonym '{word}' is listed twice for this field")
                seen.add(word)
        return self


class ForeignKey(_Spec):
    """A column that must name an existing row of another table (`references: table.field`)."""

    column: str
    references: str

    @field_validator("references")
    @classmethod
    def _table_dot_field(cls, value: str) -> str:
        if value.count(".") != 1 or not all(value.split(".")):
            raise ValueError(f"'{value}' should be table.field, e.g. customers.customer_code")
        return value

    @property
    def ref_table(self) -> str:
        return self.references.split(".")[0]

    @property
    def ref_field(self) -> str:
        return self.references.split(".")[1]


class TableSpec(_Spec):
    """One target table: its key, its links to other tables, and its fields in order."""

    description: str = ""
    primary_key: str
    generated: dict[str, str] = Field(default_factory=dict)
    """Key fields the loader generates when the source has none, and how."""
    foreign_keys: list[ForeignKey] = Field(default_factory=list)
    unique: list[Annotated[list[str], Field(min_length=1)]] = Field(default_factory=list)
    """Column lists whose values are unique together."""
    match_keys: list[str] = Field(default_factory=list)
    """Fields the dedupe stage compares and the loader indexes and upserts on."""
    key_repeats: Literal["reject", "number_lines"] = "reject"
    """What a primary key repeated within one source sheet means: a duplicate row
    (`reject`, until the dedupe stage merges it), or the lines of one document
    (`number_lines`: an invoice number on every line of a sales sheet; the rows get
    `<key>-<line>` in sheet order)."""
    survivorship: dict[str, str] = Field(default_factory=dict)
    """Where a merged record's field comes from when its rows disagree, per field:
    `source_priority` (the default: the first mapping source, then the most complete
    row), `most_complete` (the row with the most fields filled), or
    `most_recent:<date field>` (the row with the latest date there)."""
    fields: dict[str, FieldSpec]

    def is_key(self, field: str) -> bool:
        """True when `field` alone identifies a row: the primary key or a one-field unique."""
        return field == self.primary_key or [field] in self.unique


class ViewSpec(_Spec):
    """A view over the tables: one SELECT that SQLite, PostgreSQL and MariaDB all accept."""

    description: str = ""
    select: Text


class TargetSchema(_Spec):
    """The tables a migration writes, read from a schema YAML file (`crm` is built in).

    Example:
        >>> schema = load_schema("crm")
        >>> schema.field("customers.phone").format
        'e164'
    """

    version: Literal[1]
    name: Text
    description: str = ""
    lineage: dict[str, FieldSpec] = Field(default_factory=dict)
    """Bookkeeping columns the loader adds to every row (`_source_row`...), not fields."""
    tables: dict[str, TableSpec]
    views: dict[str, ViewSpec] = Field(default_factory=dict)
    """Views the loader creates over the tables, by name (the seed's Access queries)."""

    @model_validator(mode="after")
    def _check(self) -> TargetSchema:
        for name in self.lineage:
            if not name.startswith("_") or not _NAME.fullmatch(name[1:]):
                raise Problem(("lineage", name), "lineage column names start with '_' "
                                                  "(e.g. _source_file)")
        for name, table in self.tables.items():
            _check_name(name, ("tables", name))
            _check_table(name, table)
            for i, fk in enumerate(table.foreign_keys):
                self._check_reference(fk, ("tables", name, "foreign_keys", i))
        for name in self.views:
            _check_name(name, ("views", name))
            if name in self.tables:
                raise Problem(("views", name), f"'{name}' is already the name of a table")
        return self

    def _check_reference(self, fk: ForeignKey, at: Loc) -> None:
        target = self.tables.get(fk.ref_table)
        if target is None:
            raise Problem(at, f"references unknown table '{fk.ref_table}'")
        if fk.ref_field not in target.fields:
            raise Problem(at, f"references unknown field '{fk.references}'")
        if not target.is_key(fk.ref_field):
            raise Problem(at, f"references {fk.references}, which is neither the primary "
                               f"key nor unique in {fk.ref_table}")

    def table_order(self, names: list[str] | None = None) -> list[str]:
        """Table names (all, or `names`) with every referenced table before the tables that
        reference it: the order to clean, validate and load them in."""
        wanted = list(self.tables) if names is None else names
        done: list[str] = []

        def visit(name: str, path: tuple[str, ...]) -> None:
            if name in done or name in path:
                return
            for fk in self.tables[name].foreign_keys:
                if fk.ref_table != name:
                    visit(fk.ref_table, (*path, name))
            done.append(name)

        for name in self.tables:
            visit(name, ())
        return [name for name in done if name in wanted]

    def references_to(self, table: str) -> list[tuple[str, ForeignKey]]:
        """(child table, foreign key) for every foreign key that references `table`."""
        return [(name, fk) for name, spec in self.tables.items() for fk in spec.foreign_keys
                if fk.ref_table == table and name != table]

    def targets(self) -> list[str]:
        """Every `table.field`, in file order."""
        return [f"{t}.{f}" for t, table in self.tables.items() for f in table.fields]

    def field(self, target: str) -> FieldSpec:
        """The field named `table.field`; SchemaError, with a suggestion, when there is none."""
        table, _, name = target.partition(".")
        spec = self.tables.get(table)
        if spec is not None and name in spec.fields:
            return spec.fields[name]
        targets = self.targets()
        close = ([t for t in targets if t.endswith(f".{target}")] if "." not in target
                 else difflib.get_close_matches(target, targets, n=1))
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise SchemaError(f"schema {self.name} has no target '{target}'{hint}")

    def to_yaml(self) -> str:
        """The schema as YAML, defaults left out, file order kept; `from_yaml` reads it back."""
        data = self.model_dump(mode="json", exclude_defaults=True)
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)

    @classmethod
    def from_yaml(cls, text: str, source: str = "<string>") -> TargetSchema:
        """Parse schema YAML; errors name `source` and the YAML path."""
        return _parse(text, source)


def _check_table(table: str, spec: TableSpec) -> None:
    """Every key, unique and match key names a field of the table; the key is required."""
    at: Loc = ("tables", table)

    def known(name: str, *where: str | int) -> None:
        if name not in spec.fields:
            raise Problem(at + where, f"'{name}' is not a field of {table}")

    for name in spec.fields:
        _check_name(name, (*at, "fields", name))
    known(spec.primary_key, "primary_key")
    if not spec.fields[spec.primary_key].required:
        raise Problem((*at, "primary_key"), f"'{spec.primary_key}' must have required: true "
                                             "to be the primary key")
    for name in spec.generated:
        known(name, "generated", name)
    for i, fk in enumerate(spec.foreign_keys):
        known(fk.column, "foreign_keys", i, "column")
    for i, columns in enumerate(spec.unique):
        for j, name in enumerate(columns):
            known(name, "unique", i, j)
    for i, name in enumerate(spec.match_keys):
        known(name, "match_keys", i)
    for name, rule in spec.survivorship.items():
        known(name, "survivorship", name)
        kind, _, by = rule.partition(":")
        if kind not in SURVIVORSHIP or bool(by) != (kind == "most_recent"):
            raise Problem((*at, "survivorship", name),
                          f"'{rule}' is not source_priority, most_complete or "
                          "most_recent:<date field>")
        if by and (by not in spec.fields or spec.fields[by].type != "date"):
            raise Problem((*at, "survivorship", name), f"'{by}' is not a date field of {table}")


def _check_name(name: str, at: Loc) -> None:
    if not _NAME.fullmatch(name):
        raise Problem(at, f"'{name}' is not a valid name (use lowercase letters, digits "
                           "and _, or Japanese; it becomes a column name)")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise Problem(at, f"'{name}' is longer than {MAX_NAME_BYTES} bytes in UTF-8, more than "
                           "PostgreSQL keeps of a name; shorten it")


def load_schema(schema: str | Path = "crm") -> TargetSchema:
    """Load a built-in schema by name (`crm`) or a schema YAML file by path.

    A str with a path separator or a .yaml/.yml suffix is a file; a bare word is built in.

    Example:
        >>> load_schema().targets()[:2]
        ['customers.customer_code', 'customers.customer_type']
    """
    if isinstance(schema, str) and not _is_path(schema):
        return _parse(_read_builtin(schema), f"{schema}.yaml")
    return _parse(_read_file(Path(schema), str(schema)), str(schema))


def _is_path(name: str) -> bool:
    return any(s in name for s in ("/", "\\", os.sep)) or name.lower().endswith((".yaml", ".yml"))


def _read_builtin(name: str) -> str:
    package = resources.files("migrator.schema")
    built_in = sorted(f.name[:-5] for f in package.iterdir() if f.name.endswith(".yaml"))
    if name not in built_in:
        raise SchemaError(f"schema '{name}' is not built in (built in: "
                          f"{', '.join(built_in)}); pass a file path")
    return package.joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def _read_file(path: Path, shown: str) -> str:
    if path.is_dir():
        raise SchemaError("is a directory, not a schema file", file=shown)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SchemaError("does not exist", file=shown) from None
    except UnicodeDecodeError:
        raise SchemaError("is not UTF-8 text; save the schema as UTF-8", file=shown) from None
    except OSError as exc:
        raise SchemaError(f"cannot be read ({exc.strerror})", file=shown) from None


def _parse(text: str, source: str) -> TargetSchema:
    try:
        data = parse_yaml(text)
    except YamlSyntaxError as exc:
        raise SchemaError(str(exc), file=source) from None
    if data is None:
        raise SchemaError("is empty", file=source)
    try:
        return TargetSchema.model_validate(data)
    except ValidationError as exc:
        models = (TargetSchema, TableSpec, FieldSpec, ForeignKey, ViewSpec)
        path, problem = first_problem(exc, [n for m in models for n in m.model_fields])
        raise SchemaError(problem, file=source, path=path or None) from None
