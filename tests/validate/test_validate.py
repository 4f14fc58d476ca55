"""validate: GX 1.x suites from the schema, every failing row with its lineage."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from migrator.schema.model import load_schema
from migrator.validate import ValidationReport, generate_suites, validate
from migrator.validate import run as validate_run
from migrator.validate.suites import SuiteError
from tests.conftest import ROOT

SCHEMA = load_schema()
D = Decimal


def lineage(n: int, file: str = "顧客台帳.xlsx", sheet: str = "営業1課") -> dict[str, list]:
    return {"_source_file": [file] * n, "_source_sheet": [sheet] * n,
            "_source_row": list(range(5, 5 + n))}


def customers() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_code": ["C001", "C002", "C002", "C004", "C005"],
        "customer_type": ["company", "person", "company", "company", "person"],
        "name": ["山田商事", None, "佐藤工業", "Acme", "田中"],
        "phone": ["+81312345678", "+81312345679", "03-1234-5678", "+12125550100", None],
        "email": ["a@example.jp", None, "b@example.jp", "bad-at-example.com", None],
        "postal_code": ["100-0001", "02134", "02134-1234", "1000001", None],
        "country": ["JP", "JP", "JP", "US", "jp"],
        "customer_since": [dt.date(2020, 4, 1), None, dt.date(2019, 1, 1), dt.date(2021, 2, 3),
                           "2024-02-30"],
        "_name_key": ["やまだ", None, "さとう", "acme", "たなか"],
        **lineage(5),
    }, index=[10, 11, 12, 13, 14])


def contacts() -> pd.DataFrame:
    return pd.DataFrame({
        "contact_id": ["P1", "P2"], "customer_code": ["C001", "C999"],
        "full_name": ["山田 太郎", "Jane Doe"], "email": ["t@example.jp", "j@example.com"],
        **lineage(2, sheet="担当者"),
    })


def sales() -> pd.DataFrame:
    return pd.DataFrame({
        "sale_id": ["S1", "S2", "S3"], "customer_code": ["C001", "C004", "C005"],
        "sale_date": [dt.date(2024, 4, 1)] * 3, "quantity": [D("2"), D("1"), D("3")],
        "unit_price": [D("100"), D("50.5"), D("10")], "amount": [D("200"), D("-50.5"), None],
        "currency": ["JPY", "USD", "JPY"], **lineage(3, file="売上.csv", sheet=""),
    })


@pytest.fixture(scope="module")
def report() -> ValidationReport:
    return validate({"customers": customers(), "contacts": contacts(), "sales": sales()}, SCHEMA)


def test_validate_lists_exact_failures_with_lineage(report: ValidationReport) -> None:
    got = report.failures.astype({"_source_row": int})
    expected = pd.DataFrame([
        ["customers", "customer_code", "expect_column_values_to_be_unique", "C002",
         "顧客台帳.xlsx", "営業1課", 6],
        ["customers", "customer_code", "expect_column_values_to_be_unique", "C002",
         "顧客台帳.xlsx", "営業1課", 7],
        ["customers", "name", "expect_column_values_to_not_be_null", None,
         "顧客台帳.xlsx", "営業1課", 6],
        ["customers", "phone", "expect_column_values_to_match_regex", "03-1234-5678",
         "顧客台帳.xlsx", "営業1課", 7],
        ["customers", "email", "expect_column_values_to_match_regex", "bad-at-example.com",
         "顧客台帳.xlsx", "営業1課", 8],
        ["customers", "postal_code", "expect_column_values_to_match_regex", "1000001",
         "顧客台帳.xlsx", "営業1課", 8],
        ["customers", "country", "expect_column_values_to_match_regex", "jp",
         "顧客台帳.xlsx", "営業1課", 9],
        ["customers", "customer_since", "expect_column_values_to_match_regex", "2024-02-30",
         "顧客台帳.xlsx", "営業1課", 9],
        ["contacts", "customer_code", "expect_column_values_to_be_in_set", "C999",
         "顧客台帳.xlsx", "担当者", 6],
        ["sales", "amount", "expect_column_values_to_be_between", D("-50.5"),
         "売上.csv", "", 6],
    ], columns=validate_run.FAILURE_COLUMNS)
    assert list(got.columns) == validate_run.FAILURE_COLUMNS
    assert got.to_dict("records") == expected.to_dict("records")


def test_validate_failed_rows_are_frame_index_labels(report: ValidationReport) -> None:
    assert list(report.failed_rows("customers")) == [11, 12, 13, 14]
    assert list(report.failed_rows("contacts")) == [1]
    assert list(report.failed_rows("sales")) == [1]
    assert list(report.failed_rows("nothing")) == []


def test_validate_results_carry_gx_counts(report: ValidationReport) -> None:
    customers_result = report.results["customers"]
    assert customers_result["success"] is False
    counts = {(e["expectation"], e["column"]): e["unexpected_count"]
              for e in customers_result["expectations"]}
    assert counts[("expect_column_values_to_be_unique", "customer_code")] == 2
    assert counts[("expect_column_values_to_not_be_null", "customer_code")] == 0
    for table, result in report.results.items():
        listed = report.failures[report.failures["table"] == table]
        assert sum(e["unexpected_count"] for e in result["expectations"]) == len(listed)
        assert result["rows_failing"] == len(report.failed_rows(table))


def test_validate_skips_fields_absent_from_frame(report: ValidationReport) -> None:
    skipped = report.results["contacts"]["skipped"]
    assert "expect_column_values_to_match_regex(phone)" in skipped
    assert not any("customer_code" in s for s in skipped)


def test_validate_prints_per_table_summary(report: ValidationReport) -> None:
    text = str(report)
    assert "customers: 15 expectations run, 7 failed, 4 of 5 rows failing" in text
    assert "contacts: " in text and "1 of 2 rows failing" in text
    assert "  expect_column_values_to_be_between(amount): 1 row(s)" in text


def test_validate_lists_every_failing_row_past_gx_sample() -> None:
    n = 600
    frame = pd.DataFrame({
        "customer_code": [f"C{i:04d}" for i in range(n)],
        "name": ["x" if i % 2 else None for i in range(n)],
        "phone": ["0312345678" if i % 3 == 0 else "+81312345678" for i in range(n)],
        **lineage(n),
    })
    report = validate({"customers": frame}, SCHEMA)
    counts = {e["column"]: e["unexpected_count"] for e in report.results["customers"]
              ["expectations"] if not e["success"]}
    assert counts == {"name": 300, "phone": 200}
    per_column = report.failures.groupby("column").size().to_dict()
    assert per_column == counts
    rows = report.failures.loc[report.failures["column"] == "name", "_source_row"]
    assert sorted(rows) == list(range(5, 5 + n, 2))


def test_validate_foreign_key_by_complement_past_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate_run, "FK_IN_SET_LIMIT", 0)
    report = validate({"customers": customers(), "contacts": contacts()}, SCHEMA)
    fk = report.failures[report.failures["table"] == "contacts"]
    assert fk[["column", "expectation", "value"]].values.tolist() == [
        ["customer_code", "expect_column_values_to_not_be_in_set", "C999"]]


def test_validate_clean_frames_pass() -> None:
    ok = customers().drop(index=[11, 12, 13, 14])
    report = validate({"customers": ok}, SCHEMA)
    assert report.success and report.failures.empty
    assert list(report.failed_rows("customers")) == []


def test_validate_reads_suites_from_directory(tmp_path: Path) -> None:
    generate_suites(SCHEMA, tmp_path)
    suite = json.loads((tmp_path / "customers.json").read_text(encoding="utf-8"))
    suite["expectations"] = [e for e in suite["expectations"]
                             if e["kwargs"].get("column") != "phone"]
    (tmp_path / "customers.json").write_text(json.dumps(suite), encoding="utf-8")
    report = validate({"customers": customers()}, SCHEMA, suites=tmp_path)
    assert "phone" not in set(report.failures["column"])
    assert "email" in set(report.failures["column"])


def test_validate_refuses_broken_suite(tmp_path: Path) -> None:
    (tmp_path / "customers.json").write_text(json.dumps({"name": "customers", "expectations": [
        {"type": "expect_column_values_to_be_nonsense", "kwargs": {"column": "name"}}]}))
    with pytest.raises(SuiteError, match=r"expectations\[0\] is not a valid GX expectation"):
        validate({"customers": customers()}, SCHEMA, suites=tmp_path)
    (tmp_path / "customers.json").write_text(json.dumps({"name": "customers", "expectations": [
        {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "name",
                                                                    "regex": "(["}}]}))
    with pytest.raises(SuiteError, match=r"match_regex\(name\) could not run: unterminated"):
        validate({"customers": customers()}, SCHEMA, suites=tmp_path)
    with pytest.raises(SuiteError, match="no expectation suite for table customers"):
        validate({"customers": customers()}, SCHEMA, suites=tmp_path / "missing")


def test_validate_writes_data_docs(tmp_path: Path) -> None:
    report = validate({"customers": customers()}, SCHEMA, docs=tmp_path / "docs")
    assert report.docs == tmp_path / "docs" / "index.html"
    assert report.docs.is_file()
    assert "customers" in report.docs.read_text(encoding="utf-8")


def test_generated_suites_match_committed(tmp_path: Path) -> None:
    paths = generate_suites(SCHEMA, tmp_path)
    assert [p.name for p in paths] == ["customers.json", "contacts.json", "sales.json"]
    for path in paths:
        committed = ROOT / "expectations" / path.name
        assert path.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
            f"{committed} is stale: run python -m migrator.validate.suites expectations")


def test_generated_suite_rules() -> None:
    suite = json.loads((ROOT / "expectations" / "sales.json").read_text(encoding="utf-8"))
    rules = [(e["type"], e["kwargs"].get("column"), e["meta"]["rule"])
             for e in suite["expectations"]]
    assert ("expect_column_values_to_be_unique", "sale_id", "primary_key") in rules
    assert ("expect_column_values_to_be_between", "amount", "nonnegative") in rules
    assert ("expect_column_values_to_match_regex", "sale_date", "format:iso_date") in rules
    assert not any(rule == "foreign_key" for *_, rule in rules)


def test_import_validate_and_cli_do_not_import_gx() -> None:
    code = ("import sys, migrator.cli, migrator.validate; "
            "print([m for m in ('great_expectations', 'pandas') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
