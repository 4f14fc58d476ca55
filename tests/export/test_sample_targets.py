"""Every target, from sample_data through the whole pipeline: the files read back in the
CRM's encoding with its header, its value formats and its limits; the accounting holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from migrator import export
from migrator.export import PROFILES
from migrator.safety import FORMULA_LEADS
from tests.export.conftest import read_back

GOLDEN = Path(__file__).parent / "golden" / "sample_exports.yaml"
JP_OR_INTERNATIONAL = r"0\d{1,4}-\d{1,4}-\d{3,4}|\+1 \d{3}-\d{3}-\d{4}( ext\. \d+)?"
"""A Japanese number in national form, a US one in international form."""
EXPECTED = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def exported(sample_checked, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    return {name: export(sample_checked, name, out / name, owner="sansan-admin")
            for name in PROFILES}


@pytest.mark.parametrize("name", list(PROFILES))
def test_each_target_writes_the_golden_files_in_import_order(exported, name: str) -> None:
    result = exported[name]
    assert [(f.path.name, f.rows) for f in result.files] == \
        [tuple(f) for f in EXPECTED[name]["files"]]
    assert {t: [c.read, c.exported, c.merged, c.rejected]
            for t, c in result.counts.items()} == EXPECTED[name]["accounting"]
    assert result.accounting_ok
    assert result.left_out == {"sales": 120}


@pytest.mark.parametrize("name", list(PROFILES))
def test_each_file_reads_back_in_its_encoding_with_the_profile_header(exported,
                                                                      name: str) -> None:
    profile = PROFILES[name]
    for written in exported[name].files:
        spec = next(s for s in profile.files if s.name == written.spec)
        header, rows, bom = read_back(written.path, profile.encoding)
        assert header == spec.headers
        assert bom == (profile.encoding == "utf-8-sig")
        assert len(rows) == written.rows
        assert all(len(r) == len(header) for r in rows)
        assert written.bytes == written.path.stat().st_size
        raw = written.path.read_bytes()
        assert raw.endswith(b"\r\n") and raw.count(b"\r\n") >= written.rows + 1
        if profile.max_rows:
            assert written.rows <= profile.max_rows
        if profile.max_bytes:
            assert written.bytes <= profile.max_bytes
        if profile.max_columns:
            assert len(header) <= profile.max_columns


@pytest.mark.parametrize("name", list(PROFILES))
def test_required_columns_are_filled_on_every_line(exported, name: str) -> None:
    profile = PROFILES[name]
    for written in exported[name].files:
        spec = next(s for s in profile.files if s.name == written.spec)
        header, rows, _ = read_back(written.path, profile.encoding)
        for column in spec.columns:
            if column.required:
                at = header.index(column.header)
                assert all(r[at] for r in rows), (name, column.header)
            if column.max_length:
                at = header.index(column.header)
                assert all(len(r[at]) <= column.max_length for r in rows)


def _column(exported, name: str, file: str, header: str) -> list[str]:
    written = next(f for f in exported[name].files if f.spec == file)
    head, rows, _ = read_back(written.path, PROFILES[name].encoding)
    return [r[head.index(header)] for r in rows]


@pytest.mark.parametrize(("name", "file", "header", "pattern"), [
    ("salesforce", "accounts_and_contacts", "Birthdate", r"\d{4}-\d{2}-\d{2}"),
    ("zoho", "contacts", "Date of Birth", r"(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])/\d{4}"),
    ("dynamics", "contacts", "Birthday", r"\d{4}-\d{2}-\d{2}"),
    ("kintone", "customers", "取引開始日", r"\d{4}-\d{2}-\d{2}"),
    ("kintone", "contacts", "誕生日", r"\d{4}-\d{2}-\d{2}"),
    ("salesforce", "accounts_and_contacts", "Phone", r"\+[1-9]\d{6,14}(;ext=\d+)?"),
    ("kintone", "customers", "電話番号", JP_OR_INTERNATIONAL),
    ("sansan", "cards", "TEL(1)", JP_OR_INTERNATIONAL),
])
def test_values_are_in_the_targets_format(exported, name, file, header, pattern) -> None:
    values = [v for v in _column(exported, name, file, header) if v]
    assert values, f"{name} {header} holds no value to check"
    bad = [v for v in values if not re.fullmatch(pattern, v)]
    assert bad == []


def test_zoho_contacts_name_an_account_of_the_accounts_file(exported) -> None:
    accounts = set(_column(exported, "zoho", "accounts", "Account Name"))
    assert set(_column(exported, "zoho", "contacts", "Account Name")) <= accounts
    dynamics = set(_column(exported, "dynamics", "accounts", "Account Name"))
    assert set(_column(exported, "dynamics", "contacts", "Company Name")) <= dynamics
    codes = set(_column(exported, "kintone", "customers", "顧客コード"))
    assert set(_column(exported, "kintone", "contacts", "顧客コード")) <= codes


def test_no_cell_starts_like_a_formula_except_validated_phones(exported) -> None:
    phones = {"Phone", "Fax", "Business Phone", "Mobile Phone", "Phone Number",
              "Mobile Phone Number", "Company Phone", "Mobile", "Main Phone", "電話番号",
              "FAX番号", "携帯電話", "TEL(1)", "FAX(1)"}
    seen_phone = 0
    for name, result in exported.items():
        for written in result.files:
            header, rows, _ = read_back(written.path, PROFILES[name].encoding)
            for row in rows:
                for column, value in zip(header, row, strict=True):
                    if value[:1] in FORMULA_LEADS:
                        assert column in phones and re.fullmatch(r"\+[\d ;=ext.\-]+", value)
                        seen_phone += 1
    assert seen_phone > 0


def test_readme_names_the_files_in_import_order_and_what_was_left_out(exported) -> None:
    text = (exported["zoho"].out / "README.txt").read_text(encoding="utf-8")
    assert text.index("1. accounts.csv") < text.index("2. contacts.csv")
    assert "sales: 120 rows" in text
    assert "rejects-zoho.csv" not in text  # the bad phones loaded empty: nothing rejected
    assert "customers: 163 = 103 + 60 + 0" in text


def test_export_rejects_keep_the_runs_lineage(tmp_path) -> None:
    """With `on_error: reject` on the phones, the 4 bad phones reject their customers (and
    the contacts read from the same rows): the export's rejects file names where each was."""
    import pandas as pd

    from migrator import Mapping, prepare
    from tests.conftest import strict_phones
    from tests.export.conftest import SAMPLE, SAMPLE_FILES

    strict = prepare(SAMPLE_FILES, mapping=strict_phones(Mapping.load(SAMPLE / "mapping.yaml")))
    result = export(strict, "kintone", tmp_path / "kintone")
    assert {t: [c.read, c.exported, c.merged, c.rejected] for t, c in result.counts.items()} \
        == {"customers": [163, 99, 60, 4], "contacts": [163, 99, 60, 4]}
    rejects = pd.read_csv(result.rejects_file, dtype=str, keep_default_na=False)
    assert len(rejects) == 8
    assert set(rejects["file"]) <= {"部署別顧客.xlsx", "shop_export_cp932.csv"}
    assert rejects["row"].str.fullmatch(r"\d+").all()
