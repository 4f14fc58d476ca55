"""The profile stage on source tables built in the test: each value family on its own,
Japanese and English, then the flags, the JSON keys and every sample_data column."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from migrator import ReadOptions, read_sources
from migrator.lineage import LINEAGE_COLUMNS
from migrator.profile import ColumnProfile, Profile, profile, profile_table
from migrator.read.model import Cell, to_series
from migrator.tables import SkippedRow, SkipReason, SourceTable
from tests.conftest import SAMPLE_DATA


def table(columns: dict[str, list[Cell]]) -> SourceTable:
    """A source table as the reader builds it: exact values, then the lineage columns."""
    frame = pd.DataFrame({name: to_series(values) for name, values in columns.items()})
    rows = len(frame)
    frame["_source_file"] = "t.xlsx"
    frame["_source_sheet"] = "S"
    frame["_source_row"] = list(range(2, rows + 2))
    letters = [chr(ord("A") + i) for i in range(len(columns))]
    return SourceTable(file="t.xlsx", sheet="S", frame=frame, header_rows=[1],
                       columns_at=letters, skipped=[SkippedRow(1, SkipReason.TITLE)])


def column(header: str, values: list[Cell]) -> ColumnProfile:
    (result,) = profile_table(table({header: values})).columns
    return result


# Values alone decide these: the header "列1" says nothing.
VALUE_FAMILIES: list[tuple[str, list[Cell]]] = [
    ("phone", ["03-1234-5678", "0312345678", "090-1234-5678", "０３（１２３４）５６７８",
               "03(5702)1204", "048 925 0796"]),
    ("phone", ["+81 3 1234 5678", "(212) 555-0142", "212.555.0199", "+1 212 555 0100 x12"]),
    ("postal_code", ["〒150-0002", "150-0002", "1500002", "１３５－００６１"]),
    ("postal_code", ["02134", "02134-1234", "10001", "94105-2210"]),
    ("wareki_date", ["令和3年4月1日", "R3.4.1", "H30/12/5", "平成31年4月30日", "令和元年5月1日"]),
    ("date", ["2021/4/1", "2021-04-01", "4/1/2021", "2021年4月1日"]),
    ("date", [dt.date(2021, 4, 1), dt.datetime(2022, 5, 6, 10, 30), None]),
    ("kana", ["ヤマダ タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ", "やまだ", "スズキ　ハナコ"]),
    ("company_name", ["株式会社藍染工房", "寿々木商店株式会社", "(株)柏木製作所", "㈱野分通信",
                      "梢メディカル有限会社", "山吹合同会社"]),
    ("company_name", ["Brightwater Labs Inc.", "Old Mill LLC", "Harbor Freight Co., Ltd.",
                      "Acme Corp."]),
    ("region", ["東京都", "大阪府", "北海道", "沖縄県"]),
    ("region", ["CA", "NY", "Massachusetts", "DC"]),
    ("address", ["東京都港区芝公園1-4-12", "千代田区", "さいたま市大宮区", "内神田3-7-2 第二ビル4F",
                 "1-2-3"]),
    ("address", ["446 Orchard Way", "419 Summit Blvd, Suite 600", "41 Elm St"]),
    ("amount", [1200, 3500.5, 80]),
    ("amount", ["¥1,234", "1,234円", "$1,234.50", "12,000"]),
    ("email", ["t.takahashi@example.co.jp", "Irene.Castillo@example.org"]),
    ("url", ["https://example.co.jp/", "www.example.com", "http://example.org/about"]),
    ("text", ["営業1課", "請求書は郵送希望。", "電話は午前中のみ"]),
]


@pytest.mark.parametrize(("expected", "values"), VALUE_FAMILIES,
                         ids=[f"{t}-{i}" for i, (t, _) in enumerate(VALUE_FAMILIES)])
def test_profile_semantic_from_values(expected: str, values: list[Cell]) -> None:
    assert column("列1", values).semantic.type == expected


# The header decides these, the values agreeing loosely.
HEADER_FAMILIES: list[tuple[str, str, list[Cell], float]] = [
    ("氏名", "person_name", ["山田 太郎", "佐藤　花子", "長谷川大輔"], 0.8),
    ("担当者", "person_name", ["山田 太郎", "佐藤　花子"], 0.8),
    ("Contact Name", "person_name", ["John Smith", "Irene Castillo"], 0.8),
    ("顧客コード", "customer_code", ["C00012", "C00013", "C00014"], 1.0),
    ("顧客番号", "customer_code", ["000123", "000124", "000125", "000123"], 1.0),
    ("Customer ID", "customer_code", ["A-001", "A-002", "A-003"], 1.0),
    ("ZIP", "postal_code", [2134, 10001, 94105], 0.8),
    ("Company", "company_name", ["Lantern Street Books", "Old Mill Hardware"], 0.8),
    ("City", "address", ["Providence", "Burlington"], 0.8),
    ("Customer Since", "date", [dt.date(2020, 1, 3), dt.date(2021, 2, 4)], 1.0),
]


@pytest.mark.parametrize(("header", "expected", "values", "confidence"), HEADER_FAMILIES,
                         ids=[h for h, *_ in HEADER_FAMILIES])
def test_profile_semantic_from_header(header: str, expected: str, values: list[Cell],
                                      confidence: float) -> None:
    result = column(header, values)
    assert result.semantic.asdict() == {"type": expected, "confidence": confidence}
    assert "header_mismatch" not in result.flags


def test_profile_codes_without_code_header_are_text() -> None:
    assert column("伝票番号", ["2404-0001", "2404-0002"]).semantic.type == "text"
    assert column("ID", ["C1", "C1", "C2", "C3"]).semantic.type == "text"  # not unique enough


def test_profile_column_statistics_exact() -> None:
    values: list[Cell] = ["03-1234-5678", "03-1234-5678", "０３（１２３４）５６７８", None,
                          "0312345678", "048-925-0796", "03-1111-2222", None, "092-984-0339"]
    assert column("TEL", values).asdict() == {
        "name": "TEL", "column": "A", "inferred_type": "string", "null_share": 0.2222,
        "distinct": 6,
        "top_values": [{"value": "03-1234-5678", "count": 2},
                       {"value": "０３（１２３４）５６７８", "count": 1},
                       {"value": "0312345678", "count": 1}, {"value": "048-925-0796", "count": 1},
                       {"value": "03-1111-2222", "count": 1}],
        "shapes": {"99-9999-9999": 3, "999-999-9999": 2, "９９（９９９９）９９９９": 1,
                   "9{10}": 1},
        "semantic": {"type": "phone", "confidence": 1.0},
        "flags": ["full_width_digits", "leading_zeros_at_risk"],
        "personal": {"kind": "phone", "evidence": ["semantic phone 100%", "header 'TEL'"]},
    }


@pytest.mark.parametrize(("value", "shape"), [
    ("150-0002", "999-9999"), ("03-1234-5678", "99-9999-9999"), ("ABC-1234", "AAA-9999"),
    ("〒150-0002", "〒999-9999"), ("ｶﾄｳ", "ｶｶｶ"), ("0312345678", "9{10}"), ("やまだ", "ひひひ"),
    ("ヤマダ タロウ", "カカカ カカカ"), ("髙橋　大輔", "漢漢\u3000漢漢"), ("１２３", "９９９"),
    ("user@example.com", "aaaa@a{7}.aaa"), ("R3.4.1", "A9.9.9"), ("Ｔｅｌ", "Ａａａ"),
    (1234, "9999"), (1234.5, "9999.9"), (1234.0, "9999.9"), (-7, "-9"), (1e-05, "9a-99"),
    (dt.date(2021, 4, 1), "9999-99-99"), (dt.datetime(2021, 4, 1, 9, 30), "9999-99-99A99:99:99"),
])
def test_profile_shape_of_value(value: Cell, shape: str) -> None:
    assert column("値", [value]).shapes == {shape: 1}


@pytest.mark.parametrize(("values", "kind"), [
    (["a", "0312345678"], "string"), ([1, 2], "integer"), ([1, 2.5], "decimal"),
    ([dt.date(2021, 1, 1)], "date"), ([dt.date(2021, 1, 1), dt.datetime(2021, 1, 2)], "datetime"),
    ([dt.time(9, 30)], "time"), ([True, False], "boolean"), ([1, "a"], "mixed"),
    ([dt.date(2021, 1, 1), 44603], "mixed"), ([None, None], "empty"),
])
def test_profile_inferred_type(values: list[Cell], kind: str) -> None:
    assert column("値", values).inferred_type == kind


def test_profile_top_values_ties_in_first_order_dates_iso_long_cut() -> None:
    long = "長" * 70
    values: list[Cell] = [long, dt.date(2021, 4, 1), "b", "b", dt.date(2021, 4, 1), 7, "a", None]
    assert column("値", values).top_values == [
        {"value": "2021-04-01", "count": 2}, {"value": "b", "count": 2},
        {"value": "長" * 59 + "…", "count": 1}, {"value": "7", "count": 1},
        {"value": "a", "count": 1}]


def test_profile_emails_under_phone_header_mismatch() -> None:
    result = column("PHONE1", ["a@example.com", "b@example.org", "c@example.co.jp"])
    assert result.semantic.asdict() == {"type": "email", "confidence": 0.75}
    assert result.flags == ["header_mismatch"]


@pytest.mark.parametrize(("header", "values", "flag"), [
    ("TEL", ["０３－１２３４－５６７８", "03-1234-5678"], "full_width_digits"),
    ("TEL", ["0312345678", "03-1234-5678"], "leading_zeros_at_risk"),
    ("顧客コード", ["000123", "000124"], "leading_zeros_at_risk"),
    ("ZIP", [2134, 10001], "leading_zeros_at_risk"),
    ("郵便番号", ["060-0001", 600001], "leading_zeros_at_risk"),
    ("値", [1, "a"], "mixed_types"),
    ("フリガナ", ["ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ"], "half_width_kana"),
    ("会社名", [" 株式会社藍染工房", "銀杏堂株式会社"], "whitespace"),
    ("担当", ["山田  太郎", "佐藤 花子"], "whitespace"),
    ("氏名", ["山田 太郎", "佐藤\u3000花子"], "whitespace"),
    ("顧客コード", ["C1", "C2", "C3", "C3"], "duplicates_in_key"),
    ("備考", ["x"] + [None] * 10, "mostly_empty"),
])
def test_profile_flag_raised(header: str, values: list[Cell], flag: str) -> None:
    assert flag in column(header, values).flags


@pytest.mark.parametrize(("header", "values", "flag"), [
    ("金額", [1200, 3400], "leading_zeros_at_risk"),
    ("担当者", ["山田\u3000太郎", "佐藤\u3000花子"], "whitespace"),
    ("顧客番号", ["000123"] * 4 + ["000124"] * 4, "duplicates_in_key"),  # sales lines
    ("値", [1, 2.5], "mixed_types"),
    ("備考", ["x"] + [None] * 9, "mostly_empty"),
])
def test_profile_flag_not_raised(header: str, values: list[Cell], flag: str) -> None:
    assert flag not in column(header, values).flags


def test_profile_empty_column() -> None:
    assert column("メールアドレス", [None, None, None]).asdict() == {
        "name": "メールアドレス", "column": "A", "inferred_type": "empty", "null_share": 1.0,
        "distinct": 0, "top_values": [], "shapes": {},
        "semantic": {"type": "text", "confidence": 0.0}, "flags": ["mostly_empty"],
        "personal": {"kind": "email", "evidence": ["header 'メールアドレス'"]},
    }


def test_profile_table_asdict_has_design_keys(tmp_path: Path) -> None:
    result = profile_table(table({"TEL": ["03-1234-5678"], "会社名": ["株式会社藍染工房"]}))
    doc = result.asdict()
    assert list(doc) == ["file", "sheet", "layout", "header_rows", "data_rows", "skipped",
                         "columns"]
    assert doc["skipped"] == [{"row": 1, "reason": "title"}]
    assert [list(c) for c in doc["columns"]] == [
        ["name", "column", "inferred_type", "null_share", "distinct", "top_values", "shapes",
         "semantic", "flags", "personal"]] * 2
    assert not set(LINEAGE_COLUMNS) & {c["name"] for c in doc["columns"]}
    path = tmp_path / "profile.json"
    Profile([result]).to_json(path)
    assert json.loads(path.read_text(encoding="utf-8"))["tables"][0] == doc


SAMPLE_SEMANTICS: dict[str, dict[str, dict[str, str]]] = {
    "顧客台帳.xlsx": {"顧客台帳": {
        "顧客コード": "customer_code", "会社名": "company_name", "フリガナ": "kana",
        "連絡先 / TEL": "phone", "連絡先 / FAX": "phone", "連絡先 / メール": "email",
        "住所 / 郵便番号": "postal_code", "住所 / 都道府県": "region", "住所 / 市区町村": "address",
        "住所 / 番地": "address", "担当者": "person_name", "取引開始日": "date", "部署": "text"}},
    "部署別顧客.xlsx": {sheet: {
        "取引先名": "company_name", "電話番号": "phone", "〒": "postal_code", "住所": "address",
        "住所 (2)": "address", "担当": "person_name",
        "メールアドレス": "text" if sheet == "旧データ" else "email"}  # 旧データ: all empty
        for sheet in ("営業1課", "営業2課", "旧データ", "東京支店")},
    "顧客カード.xlsx": {"": {
        "顧客コード": "customer_code", "会社名": "company_name", "フリガナ": "kana",
        "郵便番号": "postal_code", "住所": "address", "TEL": "phone", "FAX": "phone",
        "担当者": "person_name", "部署": "text", "メール": "email", "取引開始日": "date",
        "備考": "text"}},
    "shop_export_cp932.csv": {"": {
        "会員番号": "customer_code", "氏名": "person_name", "ﾌﾘｶﾞﾅ": "kana",
        "郵便番号": "postal_code", "住所": "address", "電話番号": "phone",
        "生年月日": "wareki_date", "登録日": "wareki_date", "最終購入日": "wareki_date"}},
    "us_customers.xlsx": {"Customers": {
        "Customer ID": "customer_code", "Company": "company_name",
        "Contact Name": "person_name", "Email": "email", "Phone": "phone", "Street": "address",
        "City": "address", "State": "region", "ZIP": "postal_code", "Customer Since": "date"}},
    "売上明細.xlsx": {"売上明細": {
        "伝票番号": "text", "売上日": "date", "顧客番号": "customer_code", "商品名": "text",
        "数量": "amount", "単価": "amount", "金額": "amount"}},
}


def _sample_semantics(file: str) -> dict[str, dict[str, tuple[str, float]]]:
    tables = read_sources([SAMPLE_DATA / file], options=ReadOptions(include_hidden=True))
    return {t.sheet or "": {c.name: (c.semantic.type, c.semantic.confidence)
                            for c in profile_table(t).columns} for t in tables}


@pytest.mark.parametrize("file", list(SAMPLE_SEMANTICS))
def test_profile_sample_data_semantic_types(file: str) -> None:
    got = _sample_semantics(file)
    assert {s: {c: t for c, (t, _) in cols.items()} for s, cols in got.items()} \
        == SAMPLE_SEMANTICS[file]
    confidences = [conf for cols in got.values() for (kind, conf) in cols.values()]
    assert min(c for c in confidences if c > 0) >= 0.8


def test_profile_sample_data_flags_what_the_readme_promises() -> None:
    def flags(file: str, sheet: str, name: str) -> list[str]:
        tables = read_sources([SAMPLE_DATA / file])
        (t,) = [t for t in tables if (t.sheet or "") == sheet]
        (c,) = [c for c in profile_table(t).columns if c.name == name]
        return c.flags

    assert "full_width_digits" in flags("部署別顧客.xlsx", "営業1課", "電話番号")
    assert {"mixed_types", "leading_zeros_at_risk"} <= set(
        flags("部署別顧客.xlsx", "東京支店", "〒"))
    assert "half_width_kana" in flags("shop_export_cp932.csv", "", "ﾌﾘｶﾞﾅ")
    assert "leading_zeros_at_risk" in flags("shop_export_cp932.csv", "", "会員番号")
    assert {"mixed_types", "leading_zeros_at_risk"} <= set(flags("us_customers.xlsx", "Customers",
                                                                 "ZIP"))



@pytest.mark.parametrize(("header", "values", "kind"), [
    ("生年月日", ["昭和50年3月1日", "H2.4.5", "1990/01/02"], "birthday"),
    ("Date of Birth", ["1980-04-01", "1975-12-24"], "birthday"),
    ("結婚記念日", ["2010-06-01", "2015-10-10"], "anniversary"),
    ("家族構成", ["妻・長男", "夫"], "family"),
    ("ﾌﾘｶﾞﾅ", ["ヤマダ タロウ", "スズキ ハナコ"], "kana"),
    ("備考", ["携帯 090-1234-5678 に連絡", "特になし"], "contact_in_text"),
    ("Notes", ["call me: jo@example.org", "VIP"], "contact_in_text"),
    ("担当者", ["山田 太郎", "鈴木 花子"], "name"),
])
def test_profile_flags_personal_data_with_its_evidence(header: str, values: list[Cell],
                                                       kind: str) -> None:
    personal = column(header, values).personal
    assert personal is not None and personal.kind == kind
    assert personal.evidence  # a reviewer sees why


@pytest.mark.parametrize(("header", "values"), [
    ("会社名", ["株式会社山田商事", "鈴木工業株式会社"]),
    ("商品名", ["トナー", "コピー用紙"]),
    ("備考", ["毎月20日締め", "請求書は郵送"]),
    ("金額", [1200, 3400]),
])
def test_profile_company_product_and_plain_notes_are_not_personal(header: str,
                                                                  values: list[Cell]) -> None:
    assert column(header, values).personal is None


def test_profile_personal_data_reaches_the_json_text_and_html() -> None:
    from migrator.profile.html import render_html

    prof = profile(read_sources([SAMPLE_DATA / "shop_export_cp932.csv"]))
    doc = prof.asdict()
    kinds = {c["name"]: (c["personal"] or {}).get("kind") for c in doc["tables"][0]["columns"]}
    assert kinds == {"会員番号": None, "氏名": "name", "ﾌﾘｶﾞﾅ": "kana", "郵便番号": "address",
                     "住所": "address", "電話番号": "phone", "生年月日": "birthday",
                     "登録日": None, "最終購入日": None}
    assert "personal: birthday" in str(prof)
    page = render_html(doc)
    assert page.count('class="chip personal"') == 6 and "columns of personal data" in page
