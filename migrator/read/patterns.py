"""Words people type in the non-data rows of a sheet, Japanese and English.

Our own: no library knows that `営業1課 小計` ends a department block or that a
`※` line is a note, and these decide which rows are data.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"[\s\u3000]+")

SUBTOTAL = re.compile(r"小計|sub-?total|小合計")
TOTAL = re.compile(
    r"^(?:.{0,16}?)(?:総合計|合計|総計|累計|(?<![^課部店社月年期ム])計)(?:[(（].{0,16}[)）])?$"
    r"|^(?:grand)?totals?(?:[:(].{0,20})?$|^(?:.{0,16}?)(?:grand)?total:?$"
)
NOTE = re.compile(r"^(?:[※*＊†]|注[:：)）記]|(?:notes?|nb|n\.b\.)[:：.]|備考[:：]|注意[:：])")
FOOTER = re.compile(
    r"^以上$|作成者|出力日|印刷日|作成日|page\s*\d|\d+\s*/\s*\d+\s*(?:ページ|頁)|confidential|社外秘"
    r"|printed|generated|exported|copyright|©|\(c\)"
)


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """NFKC, lower case, no spaces: the key for matching labels and header cells.

    Cached: detection folds every text cell, and sheets repeat their values.
    """
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).lower()


def skip_kind(text: str) -> str | None:
    """`subtotal`, `total`, `note` or None for one folded label cell."""
    if SUBTOTAL.search(text):
        return "subtotal"
    if len(text) <= 24 and TOTAL.search(text):
        return "total"
    if NOTE.search(text):
        return "note"
    return None
