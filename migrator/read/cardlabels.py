"""The labels people print on customer cards, Japanese and English, grouped by field.

Our own: a card names its fields with whatever word its author chose (`TEL`, `電話番号`,
`Phone`); grouping the synonyms lets cards of different templates share one column and
tells where one card ends and the next begins (a second company name).
"""

from __future__ import annotations

from migrator.read.model import Cell
from migrator.read.patterns import fold

# One string per field: the synonyms, separated by "|". The first two groups are the
# card's keys: a repeated key starts a new card on the same sheet.
_GROUPS: tuple[str, ...] = (
    "顧客コード|顧客番号|顧客no|顧客no.|顧客id|取引先コード|会員番号|得意先コード|customer id"
    "|customer no|customer number|customer code|account no"
    "|account number|client id",
    "会社名|社名|法人名|顧客名|取引先名|得意先名|屋号|名称|company|company name"
    "|customer name|account name|organization|business name",
    "氏名|名前|お名前|name|full name",
    "フリガナ|ふりがな|ヨミ|よみがな|カナ|会社名フリガナ|氏名フリガナ|kana",
    "郵便番号|〒|zip|zip code|postal code|postcode|zip/postal code",
    "住所|所在地|本社所在地|address|street|street address",
    "住所1|address 1|address line 1",
    "住所2|address 2|address line 2",
    "都道府県|state|province|prefecture",
    "市区町村|city",
    "番地",
    "建物名|building",
    "country|国",
    "tel|tel.|電話|電話番号|代表電話|phone|phone no|phone number|telephone"
    "|main phone",
    "fax|fax番号|fax no|fax number",
    "携帯|携帯電話|携帯番号|mobile|mobile phone|cell|cell phone",
    "メール|メールアドレス|e-mail|email|email address|mail",
    "url|hp|ホームページ|webサイト|website|web site|web",
    "担当者|担当者名|ご担当者|担当|contact|contact name|contact person|attn",
    "部署|部署名|所属|department|dept",
    "役職|肩書|title|position",
    "業種|業務内容|industry",
    "従業員数|employees",
    "資本金|capital",
    "設立|established",
    "取引開始日|取引開始|初回取引日|customer since|since|start date"
    "|client since",
    "登録日|registered|signed up",
    "生年月日|誕生日|birthday|date of birth",
    "支払条件|payment terms|terms",
    "締日",
    "支払日",
    "備考|メモ|特記事項|notes|note|memo|remarks|comments",
    "ランク|rank",
    "区分|type|category",
    "営業担当|sales rep|account manager",
    "紹介者|referred by",
)
KEY_GROUPS = frozenset({0, 1})
"""The code and company-name groups: one of them twice means a second card."""

_GROUP_OF: dict[str, int] = {
    fold(word): i
    for i, line in enumerate(_GROUPS)
    for word in line.split("|")
}
_MAX_LABEL = 24
_TRAILING = ":：.．"


def label_group(value: Cell) -> int | None:
    """The field group of a card label cell (`"TEL:"` → the phone group), or None."""
    if not isinstance(value, str) or len(value) > _MAX_LABEL:
        return None
    key = fold(value).rstrip(_TRAILING)
    group = _GROUP_OF.get(key)
    if group is None and key.endswith(")") and "(" in key:
        group = _GROUP_OF.get(key[: key.index("(")])  # "TEL(代表)", "Phone (main)"
    return group


def label_text(value: str) -> str:
    """The label as a column name: stripped of spaces and a trailing colon."""
    return value.strip().rstrip(_TRAILING).strip()
