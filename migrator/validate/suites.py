"""Expectation suites from the target schema: one GX suite per table, JSON people can edit.

The JSON is Great Expectations' own suite serialisation (`ExpectationSuite.to_json_dict`)
without the volatile parts (ids, GX version), so the committed files under `expectations/`
only change when the schema or the rules do. Foreign keys are not stored: the set of valid
codes is the customers of each run, so `validate` adds them at run time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from migrator.errors import SuiteError
from migrator.validate.engine import import_gx

if TYPE_CHECKING:
    from migrator.schema.model import FieldSpec, TableSpec, TargetSchema

ISO_DATE = r"^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$"
FORMAT_REGEX = {
    "e164": r"^\+[1-9]\d{6,14}(?:;ext=\d+)?$",
    "email": r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    "jp_postal_or_us_zip": r"^\d{3}-\d{4}$|^\d{5}(?:-\d{4})?$",
    "iso_date": ISO_DATE,
    "iso3166_alpha2": r"^[A-Z]{2}$",
    "iso4217": r"^[A-Z]{3}$",
}
"""The canonical forms (DESIGN.md) as regexes over a value's text form; GX searches
(`str.contains`), so each is anchored, and groups are non-capturing (no pandas warning)."""

NOT_NULL = "expect_column_values_to_not_be_null"
UNIQUE = "expect_column_values_to_be_unique"
MATCH_REGEX = "expect_column_values_to_match_regex"
IN_SET = "expect_column_values_to_be_in_set"
NOT_IN_SET = "expect_column_values_to_not_be_in_set"
BETWEEN = "expect_column_values_to_be_between"
LENGTHS = "expect_column_value_lengths_to_be_between"
COMPOUND_UNIQUE = "expect_compound_columns_to_be_unique"


def suite_dicts(schema: TargetSchema) -> dict[str, dict[str, Any]]:
    """One suite per table of `schema`, as the JSON-ready dict that `generate_suites` writes."""
    return {table: _suite_dict(table, spec) for table, spec in schema.tables.items()}


def generate_suites(schema: TargetSchema, directory: Path) -> list[Path]:
    """Write `<table>.json` per table of `schema` into `directory`; return the paths.

    Example:
        >>> generate_suites(load_schema("crm"), Path("expectations"))  # doctest: +SKIP
        [PosixPath('expectations/customers.json'), ...]
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for table, suite in suite_dicts(schema).items():
        path = directory / f"{table}.json"
        path.write_text(dump_suite(suite), encoding="utf-8")
        paths.append(path)
    return paths


def dump_suite(suite: dict[str, Any]) -> str:
    """The suite as the committed JSON text (2-space indent, UTF-8, trailing newline)."""
    return json.dumps(suite, indent=2, ensure_ascii=False) + "\n"


def load_suite_dicts(directory: Path, tables: list[str]) -> dict[str, dict[str, Any]]:
    """Read `<table>.json` for each of `tables` from `directory`; a missing file is an error."""
    out = {}
    for table in tables:
        path = Path(directory) / f"{table}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise SuiteError(f"{path}: no expectation suite for table {table}; run `python -m "
                             "migrator.validate.suites DIR` to generate the suites") from None
        except json.JSONDecodeError as exc:
            raise SuiteError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
        if not isinstance(data, dict) or not isinstance(data.get("expectations"), list):
            raise SuiteError(f"{path}: not an expectation suite (no 'expectations' list)")
        data.setdefault("name", table)
        out[table] = data
    return out


def to_gx_suite(suite: dict[str, Any], source: str = "<suite>") -> Any:
    """A `gx.ExpectationSuite` from a suite dict; an invalid expectation is a SuiteError.

    GX's own constructor logs and drops invalid expectations; we refuse them instead, so an
    edited suite never silently checks less than it says.
    """
    gx = import_gx()
    from great_expectations.exceptions import GreatExpectationsError
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    expectations = []
    for i, config in enumerate(suite["expectations"]):
        config = {k: v for k, v in config.items() if k != "id"}
        try:
            expectations.append(ExpectationConfiguration(**config).to_domain_obj())
        except (GreatExpectationsError, TypeError, ValueError, KeyError) as exc:
            message = getattr(exc, "message", None) or str(exc)
            raise SuiteError(f"{source}: expectations[{i}] is not a valid GX expectation "
                             f"({message})") from None
    return gx.ExpectationSuite(name=str(suite.get("name") or source), expectations=expectations,
                               meta=dict(suite.get("meta") or {}))


def _suite_dict(table: str, spec: TableSpec) -> dict[str, Any]:
    """Build with GX's expectation classes and serialise with GX, minus ids and version."""
    gx = import_gx()

    suite = gx.ExpectationSuite(name=table, expectations=list(_expectations(spec)),
                                meta={"generated_by": "migrator.validate.generate_suites",
                                      "table": table})
    data: dict[str, Any] = dict(suite.to_json_dict())
    data.pop("id", None)
    data["meta"].pop("great_expectations_version", None)
    for config in data["expectations"]:
        config.pop("id", None)
    return {"name": data["name"], "meta": data["meta"], "expectations": data["expectations"],
            "notes": data.get("notes")}


def _expectations(spec: TableSpec) -> Any:
    import great_expectations.expectations as gxe

    for name, field in spec.fields.items():
        if field.required:
            yield gxe.ExpectColumnValuesToNotBeNull(column=name, meta={"rule": "required"})
        if name == spec.primary_key:
            yield gxe.ExpectColumnValuesToBeUnique(column=name, meta={"rule": "primary_key"})
        yield from _format_expectations(name, field)
        if field.allowed:
            yield gxe.ExpectColumnValuesToBeInSet(column=name, value_set=list(field.allowed),
                                                  meta={"rule": "allowed"})
        if field.max_length is not None:
            yield gxe.ExpectColumnValueLengthsToBeBetween(
                column=name, max_value=field.max_length, meta={"rule": "max_length"})
        if field.nonnegative:
            yield gxe.ExpectColumnValuesToBeBetween(column=name, min_value=0,
                                                    meta={"rule": "nonnegative"})
    for columns in spec.unique:
        if len(columns) == 1:
            yield gxe.ExpectColumnValuesToBeUnique(column=columns[0], meta={"rule": "unique"})
        else:
            yield gxe.ExpectCompoundColumnsToBeUnique(column_list=list(columns),
                                                      meta={"rule": "unique"})


def _format_expectations(name: str, field: FieldSpec) -> Any:
    import great_expectations.expectations as gxe

    regex = FORMAT_REGEX.get(field.format or "")
    if regex is None:
        return
    rule = f"format:{field.format}"
    yield gxe.ExpectColumnValuesToMatchRegex(column=name, regex=regex, meta={"rule": rule})


if __name__ == "__main__":  # python -m migrator.validate.suites [DIR]: regenerate the suites
    import sys

    from migrator.schema.model import load_schema

    for written in generate_suites(load_schema(), Path(sys.argv[1] if len(sys.argv) > 1
                                                       else "expectations")):
        print(written)
