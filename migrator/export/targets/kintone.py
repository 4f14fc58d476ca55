"""kintone: a customer-list app and a contact app, each imported from its own CSV.

Every kintone app has its own fields, so the header comes from the user's app (`--app`: a
YAML of field names, or the form-fields JSON that kintone's REST API returns, see
migrator/export/apps.py); without one, the default below describes two apps made by
kintone's "create an app from a file" from these very files: 顧客 (customers) and 担当者
(contacts, whose 顧客コード is a lookup into 顧客; a lookup needs a source app that forbids
duplicates, so 顧客コード there is set to "prohibit duplicate values").

Sources (../shared/CRM-FORMATS.md): CSV ≤ 100 MB and ≤ 100,000 rows per file, first 1,000
columns [KT-A]; Shift-JIS, UTF-8 and others selectable on import, the BOM only on export
[KT-C, KT-F]; a header of field *names* maps itself [KT-E]; values with the delimiter or
quotes quoted and doubled [KT-C]; lookups link records [KT-B].
"""

from __future__ import annotations

from migrator.export.profile import Column, CrmProfile, FileSpec

CUSTOMERS = FileSpec(
    name="customers",
    rows="customers",
    purpose="顧客 (customer list) app: import this first",
    columns=(
        Column("顧客コード", "customers.customer_code", required=True),
        Column("会社名", "customers.name", required=True),
        Column("会社名カナ", "customers.name_kana"),
        Column("業種", "customers.industry"),
        Column("電話番号", "customers.phone", "national_phone"),
        Column("FAX番号", "customers.fax", "national_phone"),
        Column("メールアドレス", "customers.email", "email"),
        Column("Webサイト", "customers.website"),
        Column("郵便番号", "customers.postal_code"),
        Column("都道府県", "customers.region"),
        Column("市区町村", "customers.city"),
        Column("住所", "customers.address_line1"),
        Column("建物名", "customers.address_line2"),
        Column("国", "customers.country"),
        Column("取引開始日", "customers.customer_since", "date"),
        Column("支払条件", "customers.payment_terms"),
        Column("状態", "customers.status"),
        Column("備考", "customers.notes"),
    ),
)
CONTACTS = FileSpec(
    name="contacts",
    rows="contacts",
    purpose="担当者 (contacts) app: import after the customers; 顧客コード is its lookup",
    columns=(
        Column("顧客コード", "contacts.customer_code", required=True),
        Column("担当者名", "contacts.full_name"),
        Column("姓", "contacts.last_name", required=True),
        Column("名", "contacts.first_name"),
        Column("フリガナ", "contacts.name_kana"),
        Column("部署", "contacts.department"),
        Column("役職", "contacts.title"),
        Column("メールアドレス", "contacts.email", "email"),
        Column("電話番号", "contacts.phone", "national_phone"),
        Column("携帯電話", "contacts.mobile", "national_phone"),
        Column("誕生日", "contacts.birthday", "date"),
        Column("備考", "contacts.notes"),
    ),
)

PROFILE = CrmProfile(
    name="kintone",
    title="kintone file import (顧客 and 担当者 apps)",
    files=(CUSTOMERS, CONTACTS),
    encoding="cp932",
    encodings=("cp932", "shift_jis", "utf-8"),
    date_format="%Y-%m-%d",
    max_rows=100_000,
    max_bytes=100 * 1_000_000,
    max_columns=1_000,
    notes=(
        "In each app: Actions > Import from File; pick the file, the encoding named above "
        "and the comma delimiter, keep \"first row is the header\"; the columns map to "
        "fields of the same name. Import customers before contacts (the lookup needs them).",
        "Shift_JIS here is Windows' Shift_JIS (cp932, what Excel writes, with ① ㈱ 髙); "
        "pass --encoding shift_jis for strict JIS X 0208 or --encoding utf-8.",
        "Dates are yyyy-MM-dd (the form kintone writes on export); phones of the row's "
        "country in national form (03-1234-5678), others international.",
    ),
)
