"""The target schema: the built-in crm as DESIGN.md lists it, and one sentence per broken file."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

import migrator.schema
from migrator.errors import ErrorCategory, MigratorError
from migrator.schema import SchemaError, TargetSchema, load_schema
from tests.conftest import FIXTURES, ROOT

BROKEN = FIXTURES / "schema"

# The fields of DESIGN.md "Target schema crm", in DESIGN's order.
CUSTOMERS = [
    "customer_code", "customer_type", "name", "name_kana", "industry", "phone", "fax",
    "email", "website", "postal_code", "region", "city", "address_line1", "address_line2",
    "country", "payment_terms", "customer_since", "status", "notes",
]
CONTACTS = [
    "contact_id", "customer_code", "full_name", "family_name", "given_name", "name_kana",
    "email", "phone", "mobile", "department", "title", "birthday", "anniversary",
    "is_primary", "notes",
]
SALES = [
    "sale_id", "customer_code", "sale_date", "product", "quantity", "unit_price", "amount",
    "currency", "notes",
]

CUSTOMER_CODE_WORDS = [
    "顧客コード", "顧客番号", "顧客No", "顧客ID", "取引先コード", "得意先コード", "会員番号",
    "会員No", "会員ID", "お客様番号", "Customer ID", "Customer #", "Customer No", "Cust ID",
    "Acct No", "Account Number", "Account ID", "Client ID", "Member ID",
]

# The header words the brief names; the schema may list more, never fewer.
SYNONYMS: dict[str, list[str]] = {
    "customers.customer_code": CUSTOMER_CODE_WORDS,
    "customers.name": [
        "顧客名", "会社名", "社名", "取引先名", "取引先", "得意先", "得意先名", "法人名", "屋号",
        "企業名", "お客様名", "氏名", "Company", "Company Name", "Account Name",
        "Customer Name", "Client", "Organization", "Business Name",
    ],
    "customers.name_kana": [
        "フリガナ", "ふりがな", "ヨミ", "よみがな", "カナ", "会社名フリガナ", "顧客名カナ",
        "ﾌﾘｶﾞﾅ", "Furigana", "Kana", "Name (Kana)",
    ],
    "customers.phone": [
        "TEL", "電話", "電話番号", "代表電話", "代表TEL", "連絡先 / TEL", "Phone", "Telephone",
        "Tel", "Main Phone", "Office Phone", "Phone Number",
    ],
    "customers.fax": ["FAX", "FAX番号", "ファックス", "Fax"],
    "customers.email": [
        "メール", "メールアドレス", "E-mail", "Eメール", "mail", "Email", "Email Address",
    ],
    "customers.website": ["URL", "HP", "ホームページ", "Webサイト", "Website", "Web"],
    "customers.postal_code": [
        "〒", "郵便番号", "郵便", "Zip", "ZIP", "ZIP Code", "Zip Code", "Postal Code", "Postcode",
    ],
    "customers.region": ["都道府県", "県", "State", "Prefecture", "Province", "Region"],
    "customers.city": ["市区町村", "市町村", "City", "Town"],
    "customers.address_line1": [
        "住所", "番地", "住所1", "所在地", "町名番地", "Address", "Street", "Address 1",
        "Street Address",
    ],
    "customers.address_line2": [
        "建物", "建物名", "住所2", "ビル名", "Address 2", "Suite", "Building",
    ],
    "customers.country": ["国", "国名", "Country"],
    "customers.industry": ["業種", "Industry"],
    "customers.payment_terms": ["支払条件", "支払サイト", "締日", "Payment Terms", "Terms"],
    "customers.customer_since": [
        "取引開始日", "取引開始", "登録日", "初回取引日", "Customer Since", "Since",
        "Start Date", "Created",
    ],
    "customers.status": ["状態", "ステータス", "取引状況", "Status"],
    "customers.notes": ["備考", "メモ", "特記事項", "Notes", "Memo", "Comments", "Remarks"],
    "contacts.full_name": [
        "担当者", "担当者名", "ご担当者", "氏名", "名前", "お名前", "Contact", "Contact Name",
        "Full Name", "Name",
    ],
    "contacts.family_name": ["姓", "名字", "苗字", "Last Name", "Surname", "Family Name"],
    "contacts.given_name": ["名", "下の名前", "First Name", "Given Name"],
    "contacts.name_kana": ["担当者フリガナ", "氏名フリガナ", "セイメイ"],
    "contacts.email": ["メール", "メールアドレス", "Email"],
    "contacts.phone": ["直通", "直通電話", "TEL", "Phone"],
    "contacts.mobile": ["携帯", "携帯電話", "携帯番号", "Mobile", "Cell", "Cell Phone"],
    "contacts.department": ["部署", "部署名", "所属", "部門", "Department", "Dept"],
    "contacts.title": ["役職", "肩書", "Title", "Job Title", "Position"],
    "contacts.birthday": ["生年月日", "誕生日", "Birthday", "Date of Birth", "DOB"],
    "contacts.anniversary": ["記念日", "Anniversary"],
    "contacts.is_primary": ["主担当", "Primary"],
    "sales.sale_id": ["伝票番号", "伝票No", "売上番号", "受注番号", "Invoice No", "Order ID",
                      "Sale ID"],
    "sales.customer_code": CUSTOMER_CODE_WORDS,
    "sales.sale_date": ["売上日", "日付", "受注日", "販売日", "購入日", "Date", "Sale Date",
                        "Order Date", "Invoice Date"],
    "sales.product": ["商品", "商品名", "品名", "品目", "Product", "Item", "Description"],
    "sales.quantity": ["数量", "個数", "Qty", "Quantity"],
    "sales.unit_price": ["単価", "Unit Price", "Price"],
    "sales.amount": ["金額", "売上金額", "合計金額", "Amount", "Total", "Sales", "Line Total"],
    "sales.currency": ["通貨", "Currency"],
}

BROKEN_FIXTURES = [
    ("bad_type.yaml", "tables.customers.fields.phone.type: 'telephone' is not one of text, "
                      "code, integer, decimal, date, boolean"),
    ("unknown_fk_table.yaml", "tables.contacts.foreign_keys[0]: references unknown table "
                              "'clients'"),
    ("unknown_fk_field.yaml", "tables.contacts.foreign_keys[0]: references unknown field "
                              "'customers.code'"),
    ("fk_not_a_key.yaml", "tables.contacts.foreign_keys[0]: references customers.name, which "
                          "is neither the primary key nor unique in customers"),
    ("fk_without_table.yaml", "tables.contacts.foreign_keys[0].references: 'customer_code' "
                              "should be table.field, e.g. customers.customer_code"),
    ("yaml_syntax_error.yaml", "line 8: YAML syntax error (mapping values are not allowed "
                               "here)"),
    ("duplicate_yaml_key.yaml", "line 9: duplicate key 'phone'"),
    ("missing_tables.yaml", "missing required key 'tables'"),
    ("missing_field_type.yaml", "tables.customers.fields.phone: missing required key 'type'"),
    ("duplicate_synonym.yaml", "tables.customers.fields.phone.synonyms.en[2]: synonym 'TEL' "
                               "is listed twice for this field"),
    ("empty_synonym.yaml", "tables.customers.fields.phone.synonyms.ja[1]: must not be empty"),
    ("unknown_key.yaml", "tables.customers.fields.phone: unknown key 'requried' "
                         "(did you mean 'required'?)"),
    ("unknown_pk_field.yaml", "tables.customers.primary_key: 'code' is not a field of "
                              "customers"),
    ("pk_not_required.yaml", "tables.customers.primary_key: 'customer_code' must have "
                             "required: true to be the primary key"),
    ("unknown_match_key.yaml", "tables.customers.match_keys[1]: 'mail' is not a field of "
                               "customers"),
    ("unknown_unique_field.yaml", "tables.customers.unique[1][1]: 'branch' is not a field of "
                                  "customers"),
    ("bad_field_name.yaml", "tables.customers.fields.Phone Number: 'Phone Number' is not a "
                            "valid name (use lowercase letters, digits and _, or Japanese; it "
                            "becomes a column name)"),
    ("lineage_without_underscore.yaml", "lineage.source_file: lineage column names start "
                                        "with '_' (e.g. _source_file)"),
    ("nonnegative_text.yaml", "tables.customers.fields.name.nonnegative: applies only to "
                              "integer and decimal fields"),
    ("bad_version.yaml", "version: 2 is not supported (this migrator reads version 1)"),
    ("several_errors.yaml", "tables.customers.fields.customer_code.required: expected true "
                            "or false, got 'maybe' (and 2 more)"),
    ("not_a_mapping.yaml", "expected a mapping, got a list"),
    ("empty.yaml", "is empty"),
]

# A user's own schema, written as to_yaml writes it: defaults left out, file order kept.
SMALL = """\
version: 1
name: shop
description: A shop's members and their orders.
lineage:
  _source_row:
    type: integer
    required: true
tables:
  members:
    primary_key: member_no
    match_keys:
    - email
    fields:
      member_no:
        type: code
        required: true
        semantic: customer_code
        max_length: 8
        synonyms:
          ja:
          - 会員番号
          en:
          - Member No
      email:
        type: text
        semantic: email
        format: email
  orders:
    description: One row per order.
    primary_key: order_no
    generated:
      order_no: a sequence number when the source has none
    foreign_keys:
    - column: member_no
      references: members.member_no
    unique:
    - - member_no
      - ordered_on
    fields:
      order_no:
        type: code
        required: true
      member_no:
        type: code
        required: true
      ordered_on:
        type: date
        format: iso_date
      total:
        type: decimal
        semantic: amount
        format: decimal
        nonnegative: true
"""


@pytest.fixture(scope="module")
def crm() -> TargetSchema:
    return load_schema()


def refusal(schema: str | Path) -> str:
    """The message load_schema gives for `schema`."""
    with pytest.raises(SchemaError) as info:
        load_schema(schema)
    return str(info.value)


def test_schema_package_exports_only_its_front_door() -> None:
    assert sorted(migrator.schema.__all__) == sorted(
        ["TargetSchema", "FieldSpec", "TableSpec", "ForeignKey", "SchemaError", "ViewSpec",
         "load_schema"])


def test_load_schema_builtin_crm(crm: TargetSchema) -> None:
    assert (crm.version, crm.name) == (1, "crm")
    assert crm.description
    assert list(crm.tables) == ["customers", "contacts", "sales"]
    assert load_schema("crm") == crm


@pytest.mark.parametrize(("table", "fields"), [
    ("customers", CUSTOMERS), ("contacts", CONTACTS), ("sales", SALES),
])
def test_crm_fields_in_design_order(crm: TargetSchema, table: str, fields: list[str]) -> None:
    assert list(crm.tables[table].fields) == fields


def test_crm_keys_and_foreign_keys(crm: TargetSchema) -> None:
    assert {t: s.primary_key for t, s in crm.tables.items()} == {
        "customers": "customer_code", "contacts": "contact_id", "sales": "sale_id"}
    fks = {t: [(fk.column, fk.references) for fk in s.foreign_keys]
           for t, s in crm.tables.items()}
    assert fks == {"customers": [],
                   "contacts": [("customer_code", "customers.customer_code")],
                   "sales": [("customer_code", "customers.customer_code")]}
    fk = crm.tables["sales"].foreign_keys[0]
    assert (fk.ref_table, fk.ref_field) == ("customers", "customer_code")
    assert crm.tables["customers"].match_keys == ["name", "phone", "email", "postal_code"]
    assert crm.tables["contacts"].match_keys == ["email", "phone", "full_name"]
    assert {t: list(s.generated) for t, s in crm.tables.items()} == {
        "customers": ["customer_code"], "contacts": ["contact_id"], "sales": ["sale_id"]}
    assert "stable generated code" in crm.tables["customers"].generated["customer_code"]


def test_crm_lineage_is_not_a_field(crm: TargetSchema) -> None:
    lineage = ["_source_file", "_source_sheet", "_source_row", "_run_id"]
    assert list(crm.lineage) == lineage
    assert crm.lineage["_source_row"].type == "integer"
    assert not set(lineage) & {t.split(".")[1] for t in crm.targets()}


def test_crm_required_fields(crm: TargetSchema) -> None:
    required = {t for t in crm.targets() if crm.field(t).required}
    assert required == {
        "customers.customer_code", "customers.name",
        "contacts.contact_id", "contacts.customer_code",
        "sales.sale_id", "sales.customer_code", "sales.sale_date",
    }


def test_crm_canonical_formats(crm: TargetSchema) -> None:
    formats = {t: crm.field(t).format for t in crm.targets() if crm.field(t).format}
    assert formats["customers.phone"] == formats["contacts.mobile"] == "e164"
    assert formats["customers.email"] == formats["contacts.email"] == "email"
    assert formats["customers.postal_code"] == "jp_postal_or_us_zip"
    assert formats["customers.region"] == "prefecture_or_usps"
    assert formats["customers.country"] == "iso3166_alpha2"
    assert formats["sales.currency"] == "iso4217"
    assert formats["sales.amount"] == "decimal"
    assert formats["customers.customer_since"] == formats["contacts.birthday"] == "iso_date"
    assert crm.field("customers.customer_type").allowed == ["company", "person"]
    assert crm.field("customers.status").allowed is None
    assert [t for t in crm.targets() if crm.field(t).nonnegative] == [
        "sales.quantity", "sales.unit_price", "sales.amount"]
    assert crm.field("customers.customer_code").type == "code"
    assert crm.field("customers.postal_code").type == "code"
    assert crm.field("contacts.is_primary").type == "boolean"


def test_crm_every_field_documented_in_both_languages(crm: TargetSchema) -> None:
    for target in crm.targets():
        spec = crm.field(target)
        assert spec.description, target
        assert spec.semantic, target
        assert spec.synonyms.get("ja") and spec.synonyms.get("en"), target


@pytest.mark.parametrize(("target", "words"), SYNONYMS.items(), ids=list(SYNONYMS))
def test_crm_synonyms_include_the_words_people_use(
        crm: TargetSchema, target: str, words: list[str]) -> None:
    listed = [w for ws in crm.field(target).synonyms.values() for w in ws]
    assert [w for w in words if w not in listed] == []


def test_crm_synonyms_leave_out_words_of_other_meanings(crm: TargetSchema) -> None:
    assert "最終購入日" not in crm.field("sales.sale_date").synonyms["ja"]
    assert "小計" not in crm.field("sales.amount").synonyms["ja"]


def test_target_schema_field_lookup(crm: TargetSchema) -> None:
    assert crm.field("customers.phone").semantic == "phone"
    assert crm.field("sales.amount").type == "decimal"


def test_target_schema_field_unknown_target(crm: TargetSchema) -> None:
    with pytest.raises(SchemaError) as info:
        crm.field("customers.phon")
    assert str(info.value) == ("schema crm has no target 'customers.phon' "
                               "(did you mean customers.phone?)")
    with pytest.raises(SchemaError) as info:
        crm.field("mobile")
    assert str(info.value) == ("schema crm has no target 'mobile' "
                               "(did you mean contacts.mobile?)")
    with pytest.raises(SchemaError) as info:
        crm.field("orders.total")
    assert str(info.value) == "schema crm has no target 'orders.total'"


def test_target_schema_targets_in_file_order(crm: TargetSchema) -> None:
    targets = crm.targets()
    assert targets == ([f"customers.{f}" for f in CUSTOMERS] + [f"contacts.{f}" for f in CONTACTS]
                       + [f"sales.{f}" for f in SALES])


def test_target_schema_to_yaml_round_trips(crm: TargetSchema) -> None:
    text = crm.to_yaml()
    assert text.startswith("version: 1\nname: crm\n")
    assert "顧客コード" in text
    again = TargetSchema.from_yaml(text)
    assert again == crm
    assert again.targets() == crm.targets()


def test_target_schema_to_yaml_literal() -> None:
    schema = TargetSchema.from_yaml(SMALL, source="shop.yaml")
    assert schema.to_yaml() == SMALL
    assert schema.targets() == ["members.member_no", "members.email", "orders.order_no",
                                "orders.member_no", "orders.ordered_on", "orders.total"]


def test_load_schema_user_file(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(SMALL, encoding="utf-8")
    schema = load_schema(path)
    assert schema.name == "shop"
    assert load_schema(str(path)) == schema
    assert schema.field("members.member_no").synonyms == {"ja": ["会員番号"], "en": ["Member No"]}


def test_load_schema_relative_yml_name_is_a_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "shop.yml").write_text(SMALL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load_schema("shop.yml").name == "shop"


def test_load_schema_user_file_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + SMALL.encode("utf-8"))
    assert load_schema(path).name == "shop"


def test_load_schema_unknown_builtin() -> None:
    assert refusal("crmx") == "schema 'crmx' is not built in (built in: crm); pass a file path"


def test_load_schema_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "no_such.yaml"
    assert refusal(path) == f"{path}: does not exist"
    assert refusal("no_such.yaml") == "no_such.yaml: does not exist"


def test_load_schema_directory(tmp_path: Path) -> None:
    assert refusal(tmp_path) == f"{tmp_path}: is a directory, not a schema file"


def test_load_schema_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "cp932.yaml"
    path.write_bytes("name: 顧客\n".encode("cp932"))
    assert refusal(path) == f"{path}: is not UTF-8 text; save the schema as UTF-8"


@pytest.mark.parametrize(("name", "problem"), BROKEN_FIXTURES,
                         ids=[n for n, _ in BROKEN_FIXTURES])
def test_load_schema_broken_file(name: str, problem: str) -> None:
    path = BROKEN / name
    assert refusal(path) == f"{path}: {problem}"


def test_load_schema_every_broken_fixture_is_tested() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(n for n, _ in BROKEN_FIXTURES)


def test_schema_error_is_an_input_error() -> None:
    with pytest.raises(MigratorError) as info:
        load_schema(BROKEN / "bad_type.yaml")
    assert info.value.category == ErrorCategory.INPUT
    assert isinstance(info.value, SchemaError)
    assert info.value.file == str(BROKEN / "bad_type.yaml")
    assert info.value.path == "tables.customers.fields.phone.type"


def test_crm_yaml_ships_as_package_data() -> None:
    assert resources.files("migrator.schema").joinpath("crm.yaml").is_file()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "**/*.yaml" in pyproject["tool"]["setuptools"]["package-data"]["migrator"]
