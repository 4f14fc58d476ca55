"""Sansan 名刺データインポート: one business card per line, in Sansan's own CSV format.

Sources (../shared/CRM-FORMATS.md): Shift-JIS only with the Japanese UI [SS-C]; row 1 is
Sansan's format unchanged, data from row 2 [SS-A]; ≤ 10,000 rows per import [SS-A];
`名刺所有者ユーザID` (an existing user), `会社名` and `氏名[姓]` required, `e-mail(1)` a
valid address, `タグ` ≤ 50 characters [SS-C]; blank `名刺交換日` keeps an existing card the
newest [SS-D].

Only those column names are confirmed by a public page. Sansan's format file is the truth:
download it (管理者設定 > 名刺インポート > フォーマットのダウンロード) and pass it as
`--template`, and the header is written byte for byte from it, each column filled when its
name is one we know (see apps.py). Without it, the header below is used.
"""

from __future__ import annotations

from migrator.export.profile import Column, CrmProfile, FileSpec

OWNER = "名刺所有者ユーザID"

CARDS = FileSpec(
    name="cards",
    rows="contacts_and_customers",
    purpose="名刺 (business cards): 管理者設定 > 名刺インポート",
    columns=(
        Column(OWNER, "options.owner", required=True),
        Column("会社名", "customers.name", required=True),
        Column("部署名", "contacts.department"),
        Column("役職", "contacts.title"),
        Column("氏名[姓]", "contacts.last_name", required=True),
        Column("氏名[名]", "contacts.first_name"),
        Column("郵便番号", "customers.postal_code"),
        Column("都道府県", "customers.region"),
        Column("市区町村", "customers.city"),
        Column("町域・番地", "customers.address_line1"),
        Column("ビル名", "customers.address_line2"),
        Column("TEL(1)", "contacts.phone_or_customer", "national_phone"),
        Column("FAX(1)", "customers.fax", "national_phone"),
        Column("携帯電話", "contacts.mobile", "national_phone"),
        Column("e-mail(1)", "contacts.email", "email"),
        Column("URL(1)", "customers.website"),
        Column("名刺交換日", "options.exchanged"),
        Column("メモ", "contacts.notes"),
    ),
)

PROFILE = CrmProfile(
    name="sansan",
    title="Sansan 名刺データインポート",
    files=(CARDS,),
    encoding="shift_jis",
    encodings=("shift_jis", "cp932", "utf-8"),
    date_format="%Y/%m/%d",
    max_rows=10_000,
    links_by_name=True,
    notes=(
        "管理者設定 > 名刺インポート: choose cards.csv (and each cards-N.csv in turn).",
        "Strict Shift_JIS: characters outside JIS X 0208 (①, ㈱, 髙) were replaced or the "
        "line rejected (see changes.csv and the rejects file); Sansan has not confirmed "
        "that it reads Windows' extensions (--encoding cp932).",
        "名刺所有者ユーザID is the --owner given; it must be an existing Sansan user.",
        "Only 名刺所有者ユーザID, 会社名, 氏名[姓], e-mail(1), タグ and 名刺交換日 are named "
        "by Sansan's public pages; pass your downloaded format as --template to write its "
        "header exactly.",
        "Sansan only adds cards (never overwrites) and merges the same person of the same "
        "company (名寄せ); 名刺交換日 is left blank so an existing card stays the newest.",
    ),
)
