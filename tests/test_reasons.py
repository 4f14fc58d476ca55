"""One reason registry: every reason any stage gives a rejected row is a RejectReason with
its sentence, and no stage keeps reason strings of its own."""

from __future__ import annotations

import ast
import csv

from migrator import Mapping, apply_mapping, clean, dedupe, read_sources, validate
from migrator.demo import SOURCES
from migrator.errors import ErrorCategory, RejectReason
from migrator.rejects import reason_pairs
from migrator.schema import load_schema
from migrator.validate.stage import RULE_REASONS
from migrator.validate.suites import suite_dicts
from tests.conftest import FIXTURES, ROOT, SAMPLE_DATA, strict_phones

CODES = {str(r) for r in RejectReason}


def test_reasons_in_goldens_are_reject_reasons() -> None:
    seen: set[str] = set()
    for path in (FIXTURES / "clean").glob("*.csv"):
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row.get("reason"):
                    seen.add(row["reason"])
    assert seen and seen <= CODES, seen - CODES


def test_reasons_are_data_errors_with_sentences() -> None:
    for reason in RejectReason:
        assert reason.category is ErrorCategory.DATA and reason.sentence
        assert reason.at("phone") == f"{reason.value}:phone"


def test_reasons_every_stage_gives_are_registered() -> None:
    """sample_data (phones strict) through clean, dedupe and validate: invalid values and
    contacts of rejected customers reject rows, with registered reasons (the department
    lists' repeated clients are merged, not rejected; dedupe's own reason is tested in
    tests/dedupe); by default the bad phones are cell issues with registered reasons."""
    tables = read_sources([SAMPLE_DATA / n for n in SOURCES])
    mapping = Mapping.load(SAMPLE_DATA / "mapping.yaml")
    checked = validate(dedupe(clean(apply_mapping(tables, strict_phones(mapping)))))
    codes = {code for text in checked.rejects["reasons"] for code, _ in reason_pairs(text)}
    assert codes == {"invalid_phone", "unknown_reference"}
    assert codes <= CODES
    issues = clean(apply_mapping(tables, mapping)).issues  # by default: cell issues
    assert set(issues["reason"]) == {"invalid_phone"} and set(issues["reason"]) <= CODES


def test_reasons_cover_every_rule_the_suites_check() -> None:
    rules = {str(e["meta"]["rule"]).split(":")[0]
             for suite in suite_dicts(load_schema("crm")).values()
             for e in suite["expectations"]}
    assert rules <= set(RULE_REASONS) and "foreign_key" in RULE_REASONS


def test_no_stage_keeps_its_own_reason_strings() -> None:
    """A string constant equal to a reason code, anywhere in the package but errors.py, is a
    second registry in the making (`INVALID_PHONE = "invalid_phone"`, an enum of them)."""
    found = []
    for path in sorted((ROOT / "migrator").rglob("*.py")):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in CODES:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    assert found == []


def test_rejects_file_explains_each_registered_reason() -> None:
    from migrator.rejects import reason_sentence

    for reason in RejectReason:
        assert reason_sentence(reason.value, "field") == f"field: {reason.sentence}"
