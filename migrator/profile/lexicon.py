"""Header words the profile recognises, Japanese and English, per semantic type.

Kept apart from the matching code so that a reviewer can read (and extend) the
vocabulary without reading numpy. Places and legal forms are in migrator.reference.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class HeaderHint:
    """What a column's header says its values are."""

    type: str
    """A semantic type (or `text` for headers such as 備考 that promise free text)."""
    needs_unique: bool = False
    """Generic code headers (`ID`, `コード`) hint at a customer code only when values are
    (nearly) unique; `顧客コード` does not need that."""
    or_person: bool = False
    """A customer's name (`Customer Name`, `顧客名`): a company's, or a person's when the
    values are written as people's names."""


_HINTS: tuple[tuple[str, str], ...] = (
    ("customer_code", r"(?:顧客|会員|取引先|得意先|客)\s*(?:コード|番号|no\.?|id|#|cd)"
                      r"|<(?:customer|cust\.?|member|client|acct|account)\s*"
                      r"(?:id|#|no\.?|number|code|cd)>"),
    ("email", r"メール|<e-?mail|<mail"),
    ("url", r"<url>|ホームページ|<web\s*site|^web$|^hp$|サイト"),
    ("phone", r"<tel|電話|<phone|<fax|ファックス|ファクス|携帯|<mobile|<cell"),
    ("postal_code", r"〒|郵便|<zip|<postal|<post\s*code"),
    ("kana", r"フリガナ|ふりがな|カナ|ヨミ|よみがな|読み|<furigana|<kana>|<reading"),
    ("region", r"都道府県|^県$|県名|^州$|<state>|<province|<prefecture|<region>"),
    ("date", r"日付|年月日|日時|日$|<date|<since>|<day>|birthday|誕生|<dob>|<created|<updated"
             r"|期限"),
    ("amount", r"金額|単価|価格|値段|料金|売上|費用|代金|額$|合計|小計|税|<amount|<price"
               r"|<cost>|<total|<revenue|<sales>"),
    ("text", r"備考|メモ|摘要|商品|品名|品目|部署|部門|役職|業種|内容|件名|コメント|<notes?>"
             r"|<memo|<comment|<remark|<description|<product|<item|<department|<dept>"
             r"|<title>|<industry"),
    ("company_name", r"会社|社名|法人|取引先|得意先|顧客名|企業|屋号|<company|<organi[sz]ation"
                     r"|<corp|<business|<firm>|<account\s*name|<customer\s*name"),
    ("person_name", r"氏名|名前|担当|代表者|^姓|^名$|^氏$|名字|苗字|<name>|<contact|<person"
                    r"|<owner>|<surname|<forename|<lname>|<fname>|^first$|^last$"),
    ("address", r"住所|所在地|番地|市区町村|市町村|区市町村|建物|丁目|<address|<street|<city>"
                r"|<town>|<addr|<building|<suite|<apt>"),
)
"""Ordered: the first family that matches wins (`メールアドレス` is email, not address;
`会社名カナ` is kana, not company; `売上日` is a date, not an amount)."""



def _compile(pattern: str) -> re.Pattern[str]:
    """`<` and `>` mark where an English word starts and ends: not next to a Latin letter,
    so `TEL1` and `連絡先TEL` are phones and `hotel` is not."""
    return re.compile(pattern.replace("<", "(?<![a-z])").replace(">", "(?![a-z])"))


_COMPILED = tuple((kind, _compile(pattern)) for kind, pattern in _HINTS)
_EITHER_PARTY = _compile(r"顧客名|お客様名|<customer\s*name|<client\s*name")
_GENERIC_CODE = _compile(r"コード|<code>|^id$|<id$|^no\.?$|^#$")


def header_hint(header: str) -> HeaderHint | None:
    """The semantic type a header names, Japanese or English; None when it names none.

    A multi-row header (`住所 / 郵便番号`) is read from its last part up: the lower
    row is the more specific. Full-width letters and half-width kana are folded first.
    """
    parts = [_fold(p) for p in str(header).split(" / ")]
    for part in reversed(parts):
        for kind, pattern in _COMPILED:
            if pattern.search(part):
                return HeaderHint(kind, or_person=kind == "company_name"
                                  and _EITHER_PARTY.search(part) is not None)
        if _GENERIC_CODE.search(part):
            return HeaderHint("customer_code", needs_unique=True)
    return None


def _fold(text: str) -> str:
    """NFKC + casefold: `ＴＥＬ` → `tel`, `ﾌﾘｶﾞﾅ` → `フリガナ`."""
    return unicodedata.normalize("NFKC", text).casefold().strip()
