"""Old and new forms of the same kanji (異体字), as names are typed both ways.

A company registered as 髙橋工業 is typed 高橋工業 by half its clients; 﨑 (a compatibility
ideograph NFKC leaves alone) is typed 崎. The matching key folds each old or variant
form here to the form in everyday use; the display name keeps what was typed.
"""

from __future__ import annotations

VARIANTS: dict[str, str] = {
    "髙": "高", "﨑": "崎", "嵜": "崎", "邊": "辺", "邉": "辺", "濱": "浜", "澤": "沢",
    "齋": "斎", "齊": "斉", "廣": "広", "國": "国", "櫻": "桜", "靜": "静", "德": "徳",
    "黑": "黒", "眞": "真", "壽": "寿", "嶋": "島", "嶌": "島", "冨": "富", "槇": "槙",
    "榮": "栄", "瀨": "瀬", "淺": "浅", "濵": "浜", "惠": "恵", "龜": "亀", "關": "関",
    "實": "実", "藏": "蔵", "萬": "万", "與": "与", "條": "条", "團": "団", "會": "会",
    "舘": "館", "栁": "柳", "圓": "円", "緖": "緒", "兒": "児", "增": "増",
}
"""Old or variant form → the form in everyday use (JIS X 0213 pairs people meet in names)."""

FOLD = str.maketrans(VARIANTS)
"""`text.translate(FOLD)` writes every variant in its everyday form."""
