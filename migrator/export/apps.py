"""Headers that come from the user's own CRM: a kintone app's fields, Sansan's format file.

kintone (`--app FILE`, or `--app contacts=FILE` for the contact app):
- a YAML of the app's field names, each naming the value that fills it::

      customers:                 # the customer-list app (and `contacts:` the contact app)
        会社名: customers.name
        電話: customers.phone
        入社日: {source: contacts.birthday, required: true}

- or the form-fields JSON that kintone's REST API returns (`GET /k/v1/app/form/fields.json`,
  `{"properties": {code: {"type", "code", "label", ...}}}`): each field whose label or
  code is a header word of the `crm` schema (会社名, 電話番号, Email...) is filled from that
  field; types kintone cannot import (calculated, files, related records...) are left out,
  DATE fields are written as dates, `required` and `maxLength` are obeyed.

Sansan (`--template FILE`): the format CSV downloaded from 管理者設定 > 名刺インポート. Its
first line is written back byte for byte; each column whose name we know is filled.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path
from typing import Any

from migrator.errors import ExportError
from migrator.export.profile import DERIVED, Column, FileSpec, Kind
from migrator.schema import TargetSchema
from migrator.yamlfile import YamlSyntaxError, parse_yaml

NOT_IMPORTABLE = frozenset({
    "CALC", "FILE", "REFERENCE_TABLE", "RECORD_NUMBER", "CREATOR", "MODIFIER",
    "CREATED_TIME", "UPDATED_TIME", "STATUS", "STATUS_ASSIGNEE", "CATEGORY", "LABEL",
    "SPACER", "HR", "GROUP", "SUBTABLE",
})
"""kintone field types a file import cannot fill (cybozu help "import_csv" [KT-B])."""
_DATE_TYPES = frozenset({"DATE"})
_DERIVED_WORDS = {
    "contacts": {"姓": "contacts.last_name", "名": "contacts.first_name",
                 "lastname": "contacts.last_name", "firstname": "contacts.first_name"},
    "customers": {},
}


def kintone_file(spec: FileSpec, path: Path, schema: TargetSchema, table: str) -> FileSpec:
    """`spec` with the columns of the user's kintone app described by `path`."""
    text = _read_text(path)
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ExportError(f"{path.name} is not JSON (line {exc.lineno}): pass the "
                              "form-fields JSON kintone's REST API returns") from exc
        columns = _from_form_fields(data, path, schema, table)
    else:
        try:
            data = parse_yaml(text)
        except YamlSyntaxError as exc:
            raise ExportError(f"{path.name}: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get(table), dict):
            raise ExportError(f"{path.name} has no `{table}:` mapping of app field names "
                              "to values (see migrator export --help)")
        columns = _from_yaml(data[table], path, schema, table)
    if not columns:
        raise ExportError(f"{path.name}: no field of the app matches a value we export")
    return FileSpec(spec.name, spec.rows, tuple(columns), spec.one_of, spec.purpose)


def sansan_file(spec: FileSpec, path: Path, encoding: str) -> tuple[FileSpec, bytes]:
    """`spec` with the columns of Sansan's format file, and its header line's bytes."""
    raw = path.read_bytes() if path.is_file() else b""
    first = raw.split(b"\n", 1)[0].rstrip(b"\r")
    if not first:
        raise ExportError(f"{path.name} is empty or not a file: pass the format CSV "
                          "downloaded from 管理者設定 > 名刺インポート")
    try:
        names = next(csv.reader([first.decode(encoding)]))
    except UnicodeDecodeError as exc:
        raise ExportError(f"{path.name} is not {encoding} text; pass the format exactly as "
                          "downloaded") from exc
    known = {_word(c.header): c for c in spec.columns}
    columns = [Column(name, known[_word(name)].source, known[_word(name)].kind,
                      known[_word(name)].required, known[_word(name)].max_length)
               if _word(name) in known else Column(name, "options._blank")
               for name in names]
    missing = [c.header for c in spec.columns if c.required
               and _word(c.header) not in {_word(n) for n in names}]
    if missing:
        raise ExportError(f"{path.name} lacks the required column(s) {', '.join(missing)}; "
                          "it is not Sansan's card import format")
    return FileSpec(spec.name, spec.rows, tuple(columns), spec.one_of, spec.purpose), first


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"{path.name} cannot be read as a UTF-8 text file "
                          f"({type(exc).__name__})") from exc


def _from_yaml(fields: dict[Any, Any], path: Path, schema: TargetSchema, table: str
               ) -> list[Column]:
    columns = []
    for header, given in fields.items():
        spec = given if isinstance(given, dict) else {"source": given}
        source = spec.get("source")
        if source is None:
            continue
        if not isinstance(source, str) or not _known_source(source, schema):
            raise ExportError(f"{path.name}: {table}.{header} names {source!r}, which is not "
                              "a field of the crm schema (customers.name, contacts.email...)")
        columns.append(Column(str(header), source, kind_of(source, schema),
                              bool(spec.get("required", False)), spec.get("max_length")))
    return columns


def _from_form_fields(data: Any, path: Path, schema: TargetSchema, table: str
                      ) -> list[Column]:
    properties = data.get("properties") if isinstance(data, dict) else None
    if not isinstance(properties, dict):
        raise ExportError(f"{path.name} has no `properties`: pass the JSON of "
                          "GET /k/v1/app/form/fields.json")
    words = _schema_words(schema, table)
    columns = []
    for code, prop in properties.items():
        if not isinstance(prop, dict) or prop.get("type") in NOT_IMPORTABLE:
            continue
        label = str(prop.get("label") or code)
        source = words.get(_word(label)) or words.get(_word(str(code)))
        if "lookup" in prop and table == "contacts":
            source = "contacts.customer_code"
        if source is None:
            continue
        kind: Kind = "date" if prop.get("type") in _DATE_TYPES else kind_of(source, schema)
        length = str(prop.get("maxLength") or "")
        columns.append(Column(label, source, kind, bool(prop.get("required", False)),
                              int(length) if length.isdigit() else None))
    return columns


def _schema_words(schema: TargetSchema, table: str) -> dict[str, str]:
    """Every header word of `table`'s fields (name, synonyms), folded, → `table.field`."""
    words: dict[str, str] = dict(_DERIVED_WORDS.get(table, {}))
    for name, spec in schema.tables[table].fields.items():
        for word in [name, *(w for ws in spec.synonyms.values() for w in ws)]:
            words.setdefault(_word(word), f"{table}.{name}")
    return words


def _known_source(source: str, schema: TargetSchema) -> bool:
    table, _, name = source.partition(".")
    if source in DERIVED:
        return True
    return table in schema.tables and name in schema.tables[table].fields


def kind_of(source: str, schema: TargetSchema) -> Kind:
    """How a value of `source` is written in a Japanese CRM: dates, phones, e-mails."""
    table, _, name = source.partition(".")
    spec = schema.tables.get(table, None)
    field = spec.fields.get(name) if spec is not None else None
    if field is None:
        return "text"
    if field.type == "date":
        return "date"
    if field.semantic == "phone":
        return "national_phone"
    return "email" if field.semantic == "email" else "text"


def _word(text: str) -> str:
    """A header folded for matching: width, case, spaces and brackets ignored."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in folded if c.isalnum())
