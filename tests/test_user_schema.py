"""A schema of the user's own, every table and field named in Japanese, end to end.

取引先 (keyed by 取引先コード), 担当者 and 受注 share no name with the built-in crm schema,
so a stage that hard-codes `customers`, `customer_code`, `contacts` or a crm view fails
here: suggest, apply, clean (generated codes, child rows linked), dedupe, validate
(foreign keys against the parents that passed) and load with the schema's own view.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from migrator import Mapping, load_schema, profile, read_sources, run, suggest_mapping
from tests.conftest import FIXTURES, stored_rows

HERE = FIXTURES / "pipeline"
SCHEMA = HERE / "japanese_schema.yaml"
SOURCES = [HERE / "japanese_schema_ledger.csv", HERE / "japanese_schema_orders.csv"]
MAPPING = HERE / "japanese_schema.mapping.yaml"
EXPECTED: dict[str, Any] = yaml.safe_load(
    (HERE / "japanese_schema.expected.yaml").read_text(encoding="utf-8"))


def test_user_schema_suggestion_is_the_reviewed_mapping() -> None:
    schema = load_schema(SCHEMA)
    suggested = suggest_mapping(profile(read_sources(SOURCES)), schema)
    assert suggested == Mapping.load(MAPPING)


def test_user_schema_runs_end_to_end(target_url: str, tmp_path: Path) -> None:
    report = run(SOURCES, mapping=MAPPING, schema=SCHEMA, to=target_url, rejects_dir=tmp_path)
    assert report.status == "succeeded" and report.accounting_ok
    counts = {t: [c.rows_read, c.rows_loaded, c.rows_rejected] for t, c in report.tables.items()}
    assert counts == EXPECTED["counts"]
    for table in ("取引先", "担当者", "受注", "取引先別受注"):
        assert stored_rows(target_url, table) == EXPECTED["rows"][table], table
    rejects = [[r["table_name"], r["_source_row"], r["reasons"]]
               for r in stored_rows(target_url, "_rejects")]
    assert sorted(rejects) == sorted(EXPECTED["rejects"])
    again = run(SOURCES, mapping=MAPPING, schema=SCHEMA, to=target_url, rejects_dir=tmp_path)
    assert {t: c.unchanged for t, c in again.tables.items()} == {
        t: c[1] for t, c in EXPECTED["counts"].items()}
