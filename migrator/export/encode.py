"""Text a target's encoding cannot write: found per value, replaced by a stated table or
reported, never turned into `?`.

Why our own table and not `errors="replace"` or NFKC alone: a codec's replacement loses
the character silently, and NFKC turns `①` into `1` and `髙` into nothing it can write. A
company name is a legal name; each substitution below keeps its meaning and is logged
with its row, and a character with no entry rejects its line (a required field) or is
left out of the value (an optional one), also logged. `SUBSTITUTES` is the table the
issue asks to state; `_fallback` tries the same glyph at another code point (the
Shift_JIS wave-dash and minus pairs), then NFKC (compatibility ideographs such as
塚 U+FA10, ① ligatures), then the letter without accents (`é` → `e`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

SUBSTITUTES: dict[str, str] = {
    # company-form ligatures (CP932 has them, strict Shift_JIS does not)
    "㈱": "(株)", "㈲": "(有)", "㈹": "(代)", "㍿": "株式会社", "㊤": "(上)", "㊥": "(中)",
    "㊦": "(下)", "㊧": "(左)", "㊨": "(右)",
    # variant kanji outside JIS X 0208 → their common form
    "𠮷": "吉", "髙": "高", "﨑": "崎", "德": "徳", "𡈽": "土", "昻": "昂", "瀨": "瀬",
    "濵": "濱", "黑": "黒", "栁": "柳", "﨟": "臈", "鷗": "鴎", "剝": "剥", "頰": "頬",
    "𠀋": "丈",
    # symbols
    "№": "No.", "℡": "TEL", "™": "(TM)", "€": "EUR", "•": "・", "·": "・",
    "\u00a0": " ", "—": "―", "–": "-", "›": "＞", "‹": "＜", "«": "≪", "»": "≫",
    **{chr(0x2460 + i): f"({i + 1})" for i in range(20)},  # ① … ⑳
}
"""Character → substitute, the stated table. Characters not here go through `_fallback`."""

_SAME_GLYPH: dict[str, tuple[str, ...]] = {
    "～": ("〜",), "〜": ("～",), "－": ("−",), "−": ("－",), "∥": ("‖",), "‖": ("∥",),
    "￠": ("¢",), "¢": ("￠",), "￡": ("£",), "£": ("￡",), "￢": ("¬",), "¬": ("￢",),
}
"""One glyph, two code points: Shift_JIS 0x8160 is 〜 in JIS and ～ in Windows."""


@dataclass(frozen=True)
class Encoded:
    """A value made writable: the text, and what had to change."""

    text: str
    substituted: bool = False
    """Some characters were replaced (by SUBSTITUTES or the fallbacks)."""
    unwritable: str = ""
    """Characters with no substitute, in order of first appearance; empty when none."""


class Encoder:
    """Checks values for one encoding and a set of characters the target refuses."""

    def __init__(self, encoding: str, forbidden: str = "") -> None:
        self.encoding = encoding
        self.forbidden = frozenset(forbidden)
        self._cache: dict[str, str | None] = {}

    def writable(self, char: str) -> bool:
        if char in self.forbidden:
            return False
        try:
            char.encode(self.encoding)
        except UnicodeEncodeError:
            return False
        return True

    def fits_all(self, texts: Iterable[str]) -> bool:
        """True when every text can be written as it is (one encode for a whole column)."""
        joined = "\n".join(texts)
        return self._fits(joined) and not (self.forbidden & set(joined))

    def check(self, text: str) -> Encoded:
        """`text` as the target can write it, substituting where the table allows."""
        if not self.forbidden and self._fits(text):
            return Encoded(text)
        out, missing, changed = [], [], False
        for char in text:
            if self.writable(char):
                out.append(char)
                continue
            substitute = self._substitute(char)
            if substitute is None:
                if char not in missing:
                    missing.append(char)
                out.append(char)
            else:
                out.append(substitute)
                changed = True
        return Encoded("".join(out), changed, "".join(missing))

    def _fits(self, text: str) -> bool:
        try:
            text.encode(self.encoding)
        except UnicodeEncodeError:
            return False
        return True

    def _substitute(self, char: str) -> str | None:
        if char not in self._cache:
            self._cache[char] = self._fallback(char)
        return self._cache[char]

    def _fallback(self, char: str) -> str | None:
        candidates = [SUBSTITUTES.get(char, ""), *_SAME_GLYPH.get(char, ()),
                      _full_width(char), unicodedata.normalize("NFKC", char),
                      _unaccented(char)]
        for candidate in candidates:
            if candidate and candidate != char and all(self.writable(c) for c in candidate):
                return candidate
        return None


def _unaccented(char: str) -> str:
    """`é` → `e`: the letter without its accents, for Latin names in a Japanese code page."""
    parts = unicodedata.normalize("NFKD", char)
    return "".join(c for c in parts if not unicodedata.combining(c))


def _full_width(char: str) -> str:
    """The full-width form of a printable ASCII character (`|` → `｜`), for targets that
    refuse the ASCII one."""
    code = ord(char)
    return chr(code + 0xFEE0) if 0x21 <= code <= 0x7E else ""
