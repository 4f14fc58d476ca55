"""Words the profile recognises: header hints, prefectures and states, company markers.

Kept apart from the matching code so that a reviewer can read (and extend) the
vocabulary without reading numpy.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

PREFECTURES: tuple[str, ...] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)
"""The 47 prefectures, in the JIS X 0401 order."""

PREFECTURES_ROMAJI: tuple[str, ...] = (
    "Hokkaido", "Aomori", "Iwate", "Miyagi", "Akita", "Yamagata", "Fukushima", "Ibaraki",
    "Tochigi", "Gunma", "Saitama", "Chiba", "Tokyo", "Kanagawa", "Niigata", "Toyama",
    "Ishikawa", "Fukui", "Yamanashi", "Nagano", "Gifu", "Shizuoka", "Aichi", "Mie", "Shiga",
    "Kyoto", "Osaka", "Hyogo", "Nara", "Wakayama", "Tottori", "Shimane", "Okayama",
    "Hiroshima", "Yamaguchi", "Tokushima", "Kagawa", "Ehime", "Kochi", "Fukuoka", "Saga",
    "Nagasaki", "Kumamoto", "Oita", "Miyazaki", "Kagoshima", "Okinawa",
)

US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire",
    "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "DC": "District of Columbia",
}
"""USPS codes of the 50 states and DC, with their names."""


def _region_values() -> frozenset[str]:
    """Every spelling of a region matched exactly: 東京都/東京, CA/California/CALIFORNIA/ca."""
    out: set[str] = set()
    for pref in PREFECTURES:
        out.add(pref)
        if pref != "北海道":
            out.add(pref[:-1])  # 東京都 → 東京: people drop the suffix
    names = list(US_STATES.values()) + list(PREFECTURES_ROMAJI)
    for word in list(US_STATES) + names:
        out |= {word, word.upper(), word.lower(), word.title()}
    return frozenset(out)


REGION_VALUES: frozenset[str] = _region_values()

COMPANY_MARKERS = (
    r"(?=[株有合一公社財医学宗特NＮ(（㈱㈲㈾㈴])"  # a cheap first-character test: 3x faster
    r"(?:(?:株式|有限|合同|合資|合名)会社|(?:一般|公益)?(?:社団|財団)法人"
    r"|(?:医療|学校|宗教|社会福祉|特定非営利活動|NPO)法人"
    r"|[(（]\s*[株有同資名]\s*[)）]|[㈱㈲㈾㈴])"
    r"|[\s,、](?i:inc|llc|l\.l\.c|ltd|limited|corp|corporation|co|company|incorporated|plc"
    r"|llp|gmbh|k\.k|holdings|group)\b\.?"
)
"""Legal-form words anywhere in a value: 株式会社 before or after, (株), ㈱, Inc., Co., Ltd."""


@dataclass(frozen=True)
class HeaderHint:
    """What a column's header says its values are."""

    type: str
    """A semantic type (or `text` for headers such as 備考 that promise free text)."""
    needs_unique: bool = False
    """Generic code headers (`ID`, `コード`) hint at a customer code only when values are
    (nearly) unique; `顧客コード` does not need that."""


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
    ("person_name", r"氏名|名前|担当|代表者|^姓|^名$|<name>|<contact|<person|<owner>"),
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
                return HeaderHint(kind)
        if _GENERIC_CODE.search(part):
            return HeaderHint("customer_code", needs_unique=True)
    return None


def _fold(text: str) -> str:
    """NFKC + casefold: `ＴＥＬ` → `tel`, `ﾌﾘｶﾞﾅ` → `フリガナ`."""
    return unicodedata.normalize("NFKC", text).casefold().strip()
