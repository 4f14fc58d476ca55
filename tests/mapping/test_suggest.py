"""suggest_mapping: headers (Japanese, English, typos, multi-row), values, the relational split."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from migrator import ReadOptions, read_sources
from migrator.mapping import suggest_mapping
from migrator.mapping.spec import Mapping
from migrator.profile import profile
from migrator.read.detect import detect_tables
from migrator.read.model import Grid
from migrator.schema import load_schema
from migrator.tables import SourceTable
from tests.conftest import FIXTURES, SAMPLE_DATA

SCHEMA = load_schema("crm")
SAMPLES = ["顧客台帳.xlsx", "部署別顧客.xlsx", "顧客カード.xlsx", "shop_export_cp932.csv",
           "us_customers.xlsx", "売上明細.xlsx"]


def table(rows: list[list[object]]) -> SourceTable:
    (found,) = detect_tables(Grid(file="t.xlsx", sheet="S", rows=rows))
    return found


def targets(rows: list[list[object]]) -> dict[str, str | None]:
    (source,) = suggest_mapping(profile([table(rows)]), SCHEMA).sources
    return {c: t.to for c, t in source.columns.items()}


def sample_mapping(name: str) -> Mapping:
    tables = read_sources([SAMPLE_DATA / name], options=ReadOptions(include_hidden=True))
    return suggest_mapping(profile(tables), SCHEMA)


def truth(name: str, sheet: str | None) -> dict[str, str | None]:
    doc: dict[str, Any] = yaml.safe_load(
        (FIXTURES / "mapping/sample_data_truth.yaml").read_text(encoding="utf-8"))
    by_sheet = doc[name]
    return by_sheet.get(sheet, by_sheet.get("*"))  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", SAMPLES)
def test_suggest_sample_data_accuracy_is_total(name: str) -> None:
    wrong, total = [], 0
    for source in sample_mapping(name).sources:
        right = truth(name, source.sheet)
        for column, target in source.columns.items():
            total += 1
            if target.to != right[column]:
                wrong.append(f"{source.sheet}/{column}: {target.to} (right: {right[column]})")
    assert not wrong, f"{total - len(wrong)}/{total} right; wrong: {wrong}"


@pytest.mark.parametrize("name", SAMPLES)
def test_suggest_round_trips_and_checks(name: str) -> None:
    mapping = sample_mapping(name)
    assert Mapping.from_yaml(mapping.to_yaml()) == mapping
    mapping.check(SCHEMA)


@pytest.mark.parametrize(("header", "target"), [
    ("顧客名", "customers.name"), ("得意先", "customers.name"), ("取引先名", "customers.name"),
    ("ふりがな", "customers.name_kana"), ("ヨミ", "customers.name_kana"),
    ("〒", "customers.postal_code"), ("郵便番号", "customers.postal_code"),
    ("TEL", "customers.phone"), ("電話番号", "customers.phone"), ("携帯", "contacts.mobile"),
    ("携帯電話", "contacts.mobile"), ("Customer #", "customers.customer_code"),
    ("Acct No", "customers.customer_code"), ("Customer Id", "customers.customer_code"),
    ("ＴＥＬ", "customers.phone"), ("e-mail", "customers.email"),
])
def test_suggest_header_synonyms(header: str, target: str) -> None:
    assert targets([["No", header], [1, "x"]])[header] == target


def test_suggest_typo_header() -> None:
    got = targets([["FIRSNAME", "LASTNAME", "Company"], ["Ann", "Lee", "Blue Harbor LLC"]])
    assert got == {"FIRSNAME": "contacts.given_name", "LASTNAME": "contacts.family_name",
                   "Company": "customers.name"}


def test_suggest_address_parts() -> None:
    got = targets([["会社名", "都道府県", "市区町村", "番地", "建物"],
                   ["山田商事", "東京都", "渋谷区", "渋谷1-2-3", "山田ビル5F"]])
    assert [got[c] for c in ("都道府県", "市区町村", "番地", "建物")] == [
        "customers.region", "customers.city", "customers.address_line1",
        "customers.address_line2"]


def test_suggest_family_and_given_names_and_kana_parts() -> None:
    rows = [["会社名", "姓", "名", "セイ", "メイ"],
            ["山田商事", "山田", "太郎", "ヤマダ", "タロウ"]]
    (source,) = suggest_mapping(profile([table(rows)]), SCHEMA).sources
    assert source.columns["姓"].to == "contacts.family_name"
    assert source.columns["名"].to == "contacts.given_name"
    assert (source.columns["セイ"].to, source.columns["セイ"].part) == ("contacts.name_kana", 1)
    assert (source.columns["メイ"].to, source.columns["メイ"].part) == ("contacts.name_kana", 2)


def test_suggest_person_customer_name_in_two_columns() -> None:
    rows = [["会員番号", "姓", "名", "電話番号"], ["000123", "山田", "太郎", "03-5501-1201"]]
    (source,) = suggest_mapping(profile([table(rows)]), SCHEMA).sources
    assert [(source.columns[c].to, source.columns[c].part) for c in ("姓", "名")] == [
        ("customers.name", 1), ("customers.name", 2)]


def test_suggest_flat_sheet_split_into_customers_and_sales() -> None:
    got = targets([["顧客番号", "会社名", "TEL", "売上日", "商品", "数量", "単価", "金額"],
                   ["C001", "山田商事", "03-5501-1201", "2024-04-02", "トナー", 2, 6000, 12000]])
    assert got == {"顧客番号": "customers.customer_code", "会社名": "customers.name",
                   "TEL": "customers.phone", "売上日": "sales.sale_date",
                   "商品": "sales.product", "数量": "sales.quantity",
                   "単価": "sales.unit_price", "金額": "sales.amount"}


def test_suggest_sales_sheet_links_by_customer_code() -> None:
    got = targets([["伝票No", "日付", "顧客コード", "品名", "数量", "金額"],
                   ["S1", "2024-04-02", "C001", "トナー", 2, 12000]])
    assert got["顧客コード"] == "sales.customer_code" and got["伝票No"] == "sales.sale_id"


def test_suggest_unknown_header_is_null() -> None:
    assert targets([["会社名", "ランク区分XYZ"], ["山田商事", "A"]])["ランク区分XYZ"] is None


def test_suggest_confidence_for_every_column() -> None:
    (source,) = sample_mapping("shop_export_cp932.csv").sources
    assert list(source.confidence) == list(source.columns)
    assert all(0 <= v <= 1 for v in source.confidence.values())
    assert source.columns["最終購入日"].to is None and source.confidence["最終購入日"] > 0.5
@pytest.mark.parametrize("name", SAMPLES)
def test_suggest_sample_data_golden_yaml(name: str) -> None:
    golden = FIXTURES / "mapping" / f"{name}.expected.yaml"
    assert sample_mapping(name).to_yaml() == golden.read_text(encoding="utf-8")




def test_suggest_values_beat_a_lying_header() -> None:
    got = targets([["会社名", "PHONE1", "Column C"],
                   ["山田商事", "info@yamada.example.co.jp", "03-5501-1201"],
                   ["青空システム", "sales@aozora.example.jp", "06-6201-3344"],
                   ["さくら工業", "hello@sakura.example.jp", "052-201-7788"]])
    assert got["PHONE1"] == "customers.email"
    assert got["Column C"] == "customers.phone"




@pytest.mark.parametrize(("text", "expected"), [
    ("Account No.,Company,Subscription Date\nA1,Acme Inc,2024-01-02\nA2,Beta LLC,2024-02-03\n",
     {"Account No.": "customers.customer_code", "Subscription Date": "customers.customer_since"}),
    ("Cust #,Company,Signed Up\nA1,Acme Inc,2024-01-02\nA2,Beta LLC,2024-02-03\n",
     {"Signed Up": "customers.customer_since"}),
    ("法人コード,会社名,顧客登録日時\nK1,株式会社山田,2024/01/02 10:00\n"
     "K2,鈴木工業株式会社,2024/02/03 11:00\n",
     {"法人コード": "customers.customer_code", "顧客登録日時": "customers.customer_since"}),
    ("Account No.,Company,Since\nA1,Acme Inc,2024-01-02\nA2,Beta LLC,2024-02-03\n",
     {"Account No.": "customers.customer_code", "Since": "customers.customer_since"}),
    ("Customer ID,Company,Customer Since\nC1,Acme Inc,2024-01-02\nC2,Beta LLC,2024-02-03\n",
     {"Customer Since": "customers.customer_since"}),
    ("法人コード,会社名,登録日\nK1,株式会社山田,2024/01/02\nK2,鈴木工業株式会社,2024/02/03\n",
     {"法人コード": "customers.customer_code", "登録日": "customers.customer_since"}),
    ("会員番号,氏名,入会日\nM1,山田 太郎,令和6年1月2日\nM2,鈴木 花子,令和6年2月3日\n",
     {"入会日": "customers.customer_since"}),
])
def test_suggest_headers_real_files_use_for_codes_and_since(tmp_path: Any, text: str,
                                                            expected: dict[str, str]) -> None:
    path = tmp_path / "headers.csv"
    path.write_text(text, encoding="utf-8")
    source = suggest_mapping(profile(read_sources([path]))).sources[0]
    assert {c: source.columns[c].to for c in expected} == expected
