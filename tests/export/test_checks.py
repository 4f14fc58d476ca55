"""The checks every target shares, on hand-made rows: characters the encoding cannot
write, formula injection both ways, required columns, and where a rejected row goes."""

from __future__ import annotations

import pandas as pd
import pytest

from migrator import export
from migrator.export.encode import SUBSTITUTES, Encoder
from tests.export.conftest import checked_from, read_back


def _customers(**columns: list[object]) -> pd.DataFrame:
    base: dict[str, list[object]] = {"customer_code": ["C1", "C2", "C3"],
                                     "name": ["山田商事", "鈴木工業", "佐藤物産"]}
    base.update(columns)
    return pd.DataFrame(base, dtype=object)


def _contacts(**columns: list[object]) -> pd.DataFrame:
    base: dict[str, list[object]] = {"customer_code": ["C1", "C2", "C3"],
                                     "family_name": ["山田", "鈴木", "佐藤"],
                                     "given_name": ["太郎", "花子", "次郎"]}
    base.update(columns)
    return pd.DataFrame(base, dtype=object)


@pytest.mark.parametrize(("text", "encoding", "expected"), [
    ("㈱山田商事", "shift_jis", "(株)山田商事"),
    ("𠮷野家", "cp932", "吉野家"),
    ("髙橋工務店", "shift_jis", "高橋工務店"),
    ("第①工場", "shift_jis", "第(1)工場"),
    ("Café", "cp932", "Cafe"),
    ("㈱山田商事", "cp932", "㈱山田商事"),
])
def test_the_stated_table_substitutes_what_the_encoding_cannot_write(text, encoding,
                                                                       expected) -> None:
    result = Encoder(encoding).check(text)
    assert result.text == expected
    assert result.unwritable == ""
    assert result.substituted == (text != expected)
    for char, substitute in SUBSTITUTES.items():  # the table itself stays writable
        substitute.encode("shift_jis")
        with pytest.raises(UnicodeEncodeError):
            char.encode("shift_jis")


def test_a_required_name_with_no_substitute_rejects_its_customer_never_a_question_mark(
        tmp_path) -> None:
    checked = checked_from(_customers(name=["山田商事", "\U0002a6a5商店", "㈱佐藤物産"]),
                           _contacts())
    result = export(checked, "sansan", tmp_path, owner="u1")
    header, rows, _ = read_back(tmp_path / "cards.csv", "shift_jis")
    companies = [r[header.index("会社名")] for r in rows]
    assert companies == ["山田商事", "(株)佐藤物産"]
    assert "?" not in (tmp_path / "cards.csv").read_bytes().decode("shift_jis")
    rejects = pd.read_csv(result.rejects_file, dtype=str)
    assert rejects["reasons"].tolist() == ["unencodable:会社名",
                                           "unknown_reference:customer_code"]
    assert rejects["row"].tolist() == ["3", "3"]  # the customer and its contact, by lineage
    assert result.counts["customers"].rejected == 1 and result.accounting_ok
    changes = pd.read_csv(result.changes_file, dtype=str)
    assert changes[["field", "before", "after", "rule"]].values.tolist() == [
        ["会社名", "㈱佐藤物産", "(株)佐藤物産", "substitute"]]


def test_reject_mode_rejects_instead_of_substituting(tmp_path) -> None:
    checked = checked_from(_customers(name=["山田商事", "㈱鈴木工業", "佐藤物産"]), _contacts())
    result = export(checked, "kintone", tmp_path, unencodable="reject",
                    encoding="shift_jis")
    assert result.counts["customers"].rejected == 1
    assert result.counts["contacts"].rejected == 1
    header, rows, _ = read_back(tmp_path / "customers.csv", "shift_jis")
    assert [r[1] for r in rows] == ["山田商事", "佐藤物産"]


def test_an_optional_value_keeps_its_text_and_marks_the_lost_character(tmp_path) -> None:
    checked = checked_from(_customers(notes=["\U0002a6a5を仕入", None, "普通"]), _contacts())
    result = export(checked, "kintone", tmp_path)
    assert result.counts["customers"].rejected == 0
    header, rows, _ = read_back(tmp_path / "customers.csv", "cp932")
    assert rows[0][header.index("備考")] == "〓を仕入"
    changes = pd.read_csv(result.changes_file, dtype=str)
    assert changes["rule"].tolist() == ["unencodable_marked"]


def test_zoho_refuses_pipes_and_angle_brackets_so_they_become_full_width(tmp_path) -> None:
    checked = checked_from(_customers(name=["A|B", "<C>", "D"]), _contacts())
    export(checked, "zoho", tmp_path)
    header, rows, _ = read_back(tmp_path / "accounts.csv", "utf-8")
    assert [r[0] for r in rows] == ["A｜B", "＜C＞", "D"]


@pytest.mark.parametrize("name", ["salesforce", "hubspot", "zoho", "dynamics", "kintone"])
def test_formula_injection_is_neutralised_but_validated_phones_keep_their_plus(
        tmp_path, name) -> None:
    checked = checked_from(
        _customers(name=["=HYPERLINK(\"http://x\")", "@SUM(1)", "-2+3"],
                   phone=["+81312345678", "+cmd|' /C calc'!A0", None]),
        _contacts())
    result = export(checked, name, tmp_path)
    text = "".join(p.path.read_text(encoding="utf-8-sig" if name == "dynamics" else
                                    "cp932" if name == "kintone" else "utf-8")
                   for p in result.files)
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text and "'-2+3" in text
    assert "'+cmd" in text
    assert "'+81312345678" not in text and ("+81312345678" in text or "03-1234-5678" in text)
    changes = pd.read_csv(result.changes_file, dtype=str)
    guarded = changes[changes["rule"] == "formula_guard"]
    assert len(guarded) == 4  # three names and the phone that is not a phone
    assert set(changes["rule"]) == ({"formula_guard", "substitute"} if name == "zoho"
                                    else {"formula_guard"})  # Zoho: | → ｜


def test_a_contact_without_a_last_name_is_rejected_alone(tmp_path) -> None:
    contacts = _contacts(family_name=["山田", None, "佐藤"], given_name=[None, "花子", None])
    contacts["full_name"] = [None, None, None]
    contacts["email"] = [None, "hanako@suzuki.example.jp", None]
    result = export(checked_from(_customers(), contacts), "zoho", tmp_path)
    assert result.counts["contacts"].rejected == 1
    assert result.counts["customers"].rejected == 0
    rejects = pd.read_csv(result.rejects_file, dtype=str)
    assert rejects["reasons"].tolist() == ["missing_required:Last Name"]


def test_a_customer_without_contacts_still_gets_its_line_in_a_one_file_target(
        tmp_path) -> None:
    result = export(checked_from(_customers(), _contacts().iloc[:1]), "hubspot", tmp_path)
    header, rows, _ = read_back(tmp_path / "contacts_and_companies.csv", "utf-8")
    assert [r[header.index("Company Name")] for r in rows] == ["山田商事", "鈴木工業", "佐藤物産"]
    assert [r[header.index("Last Name")] for r in rows] == ["山田", "", ""]
    assert result.counts["customers"].exported == 3 and result.accounting_ok


def test_sansan_cannot_hold_a_customer_without_a_person(tmp_path) -> None:
    result = export(checked_from(_customers(), _contacts().iloc[:2]), "sansan", tmp_path,
                    owner="u1")
    assert result.counts["customers"].rejected == 1
    rejects = pd.read_csv(result.rejects_file, dtype=str)
    assert rejects["reasons"].tolist() == ["missing_required:氏名[姓]"]


def test_hubspot_domain_comes_from_the_website_or_a_company_mail_not_a_shared_one(
        tmp_path) -> None:
    checked = checked_from(
        _customers(website=["https://www.yamada.example.co.jp/about", None, None],
                   email=[None, "info@suzuki-kogyo.co.jp", "sato@gmail.com"]), _contacts())
    export(checked, "hubspot", tmp_path)
    header, rows, _ = read_back(tmp_path / "contacts_and_companies.csv", "utf-8")
    assert [r[header.index("Company Domain Name")] for r in rows] == \
        ["yamada.example.co.jp", "suzuki-kogyo.co.jp", ""]


def test_customers_sharing_a_name_stay_apart_in_salesforce_and_are_listed(tmp_path) -> None:
    checked = checked_from(_customers(name=["山田商事", "山田商事", "佐藤物産"]), _contacts())
    result = export(checked, "salesforce", tmp_path)
    header, rows, _ = read_back(tmp_path / "accounts_and_contacts.csv", "utf-8")
    assert [r[header.index("Account Site")] for r in rows] == ["C1", "C2", ""]
    assert result.shared_names == 2
    shared = pd.read_csv(result.shared_names_file, dtype=str)
    assert shared[["group", "customer_code", "_source_row"]].values.tolist() == [
        ["1", "C1", "2"], ["1", "C2", "3"]]
    assert "2 customers share a name" in (tmp_path / "README.txt").read_text(encoding="utf-8")


def test_kintone_quotes_values_holding_the_delimiter_or_quotes_and_doubles_them(
        tmp_path) -> None:
    checked = checked_from(_customers(name=['山田商事, 本社', '"鈴木" 工業', "佐藤物産"]),
                           _contacts())
    export(checked, "kintone", tmp_path)
    raw = (tmp_path / "customers.csv").read_bytes().decode("cp932").split("\r\n")
    assert raw[1].startswith('C1,"山田商事, 本社",')
    assert raw[2].startswith('C2,"""鈴木"" 工業",')
    assert raw[3].startswith("C3,佐藤物産,")


def test_a_line_past_salesforces_record_limit_is_refused_in_one_sentence(tmp_path) -> None:
    from dataclasses import replace

    from migrator.errors import ExportError
    from migrator.export import PROFILES
    from migrator.export.build import build
    from migrator.export.writer import write_file

    checked = checked_from(_customers(industry=["x" * 500, "y", "z"]), _contacts())
    profile = replace(PROFILES["salesforce"], max_line_bytes=400)  # 400 KB in the wizard
    spec, lines = build(profile, checked.frames).lines[0]
    with pytest.raises(ExportError, match=r"line 2 of accounts_and_contacts is \d+ bytes"):
        write_file(profile, spec, lines, tmp_path)
    assert PROFILES["salesforce"].max_line_bytes == 400_000
    assert PROFILES["salesforce"].max_columns == 90
    assert len(PROFILES["salesforce"].files[0].columns) <= 90
