"""Generated tables large enough to pass every target's row or byte limit: each file is
split into parts that each stay within the limit, are as full as the limit allows, repeat
the header, and together hold every line once."""

from __future__ import annotations

import pandas as pd
import pytest

from migrator import export
from migrator.export import PROFILES
from tests.export.conftest import checked_from, read_back

N = 50_001
"""Customers, each with one contact: past Salesforce's 50,000 rows and Sansan's 10,000,
and (at ~200 bytes a line) past Zoho's 5 MB and Dynamics' 8 MB."""


@pytest.fixture(scope="module")
def generated():
    customers = pd.DataFrame({
        "customer_code": [f"C{i:07d}" for i in range(N)],
        "name": [f"株式会社テスト商事{i}" for i in range(N)],
        "phone": [f"+8131234{i % 10000:04d}" for i in range(N)],
        "postal_code": "100-0001", "region": "東京都", "city": "千代田区",
        "address_line1": [f"千代田1-{i % 100}-{i % 7}" for i in range(N)],
        "notes": "毎月20日締め、翌月末払い。請求書は郵送希望。担当者変更あり。",
    }, dtype=object)
    contacts = pd.DataFrame({
        "customer_code": customers["customer_code"], "family_name": "山田",
        "given_name": "太郎", "email": [f"t{i}@yamada.example.jp" for i in range(N)],
        "birthday": "1980-04-01"}, dtype=object)
    return checked_from(customers, contacts)


@pytest.mark.parametrize(("name", "spec", "parts"), [
    ("salesforce", "accounts_and_contacts", 2),
    ("zoho", "accounts", 2),
    ("dynamics", "accounts", 2),
    ("sansan", "cards", 6),
])
def test_files_past_the_limit_are_split_into_full_parts_within_it(generated, tmp_path, name,
                                                                  spec, parts) -> None:
    profile = PROFILES[name]
    result = export(generated, name, tmp_path, owner="u1")
    written = [f for f in result.files if f.spec == spec]
    assert len(written) == parts
    assert [f.path.name for f in written] == [f"{spec}-{i}.csv" for i in range(1, parts + 1)]
    expected = next(s for s in profile.files if s.name == spec).headers
    lines: list[list[str]] = []
    for number, f in enumerate(written):
        header, rows, _ = read_back(f.path, profile.encoding)
        assert header == expected
        assert len(rows) == f.rows and f.bytes == f.path.stat().st_size
        assert profile.max_rows is None or f.rows <= profile.max_rows
        assert profile.max_bytes is None or f.bytes <= profile.max_bytes
        if number < parts - 1:  # full: the next part's first line would not have fitted
            following = written[number + 1].path.read_bytes().split(b"\r\n")[1] + b"\r\n"
            assert (f.rows == profile.max_rows
                    or f.bytes + len(following) > profile.max_bytes)
        lines += rows
    assert len(lines) == N
    assert len({tuple(r) for r in lines}) == N  # every line once
    assert result.accounting_ok and result.counts["contacts"].exported == N


def test_kintone_splits_past_100000_rows(tmp_path) -> None:
    count = 100_001
    customers = pd.DataFrame({"customer_code": [f"K{i}" for i in range(count)],
                              "name": [f"顧客{i}" for i in range(count)]}, dtype=object)
    result = export(checked_from(customers, customers.iloc[:0]), "kintone", tmp_path)
    parts = [f for f in result.files if f.spec == "customers"]
    assert [f.rows for f in parts] == [100_000, 1]
    header, rows, _ = read_back(parts[1].path, "cp932")
    assert header[:2] == ["顧客コード", "会社名"] and rows == [
        [f"K{count - 1}", f"顧客{count - 1}", *[""] * (len(header) - 2)]]


def test_max_rows_splits_smaller_than_the_crm_limit(generated, tmp_path) -> None:
    assert PROFILES["hubspot"].max_rows == 1_048_576  # HubSpot's paid-plan limit [HS-A]
    result = export(generated, "hubspot", tmp_path, max_rows=20_000)
    assert [f.rows for f in result.files] == [20_000, 20_000, 10_001]
    assert all(f.path.read_bytes().startswith(b"First Name,") for f in result.files)


def test_a_second_export_replaces_every_part_of_the_first(generated, tmp_path) -> None:
    export(generated, "hubspot", tmp_path, max_rows=20_000)
    small = checked_from(generated.frames["customers"].iloc[:5].drop(columns=[
        "_source_file", "_source_sheet", "_source_row"]),
        generated.frames["contacts"].iloc[:5].drop(columns=[
            "_source_file", "_source_sheet", "_source_row"]))
    result = export(small, "hubspot", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.txt",
                                                        "contacts_and_companies.csv"]
    assert result.files[0].rows == 5
