"""The ways people type the same value differently: the quirks the samples hold."""

import datetime as dt
import random
import unicodedata
from functools import cache

_ZENKAKU = str.maketrans("0123456789-", "０１２３４５６７８９－")

# (era kanji, era letter, first day of the era)
_ERAS: list[tuple[str, str, dt.date]] = [
    ("令和", "R", dt.date(2019, 5, 1)),
    ("平成", "H", dt.date(1989, 1, 8)),
    ("昭和", "S", dt.date(1926, 12, 25)),
]

_KINDS = {"株式会社": ["(株)", "㈱", "（株）"], "有限会社": ["(有)", "㈲", "（有）"]}


def zenkaku(text: str) -> str:
    """Digits and hyphens as full-width characters, as typed with the IME on."""
    return text.translate(_ZENKAKU)


@cache
def _hankaku_table() -> dict[str, str]:
    """Full-width katakana → half-width, built from NFKC so no table is typed by hand."""
    table: dict[str, str] = {}
    for code in range(0xFF66, 0xFF9E):
        half = chr(code)
        full = unicodedata.normalize("NFKC", half)
        table[full] = half
        for mark, half_mark in (("\u3099", "ﾞ"), ("\u309a", "ﾟ")):
            voiced = unicodedata.normalize("NFC", full + mark)
            if len(voiced) == 1:
                table[voiced] = half + half_mark
    table["　"] = " "
    return table


def hankaku_kana(text: str) -> str:
    """Katakana as half-width kana (ﾀﾅｶ ﾀﾛｳ), the way old shop systems export it."""
    table = _hankaku_table()
    return "".join(table.get(ch, ch) for ch in text)


def wareki(day: dt.date, form: str) -> str:
    """A date in a Japanese era: form is `kanji` (令和3年4月1日), `dot` (R3.4.1) or `slash`."""
    kanji, letter, start = next(era for era in _ERAS if day >= era[2])
    year = day.year - start.year + 1
    if form == "kanji":
        year_text = "元" if year == 1 else str(year)
        return f"{kanji}{year_text}年{day.month}月{day.day}日"
    sep = "." if form == "dot" else "/"
    return f"{letter}{year}{sep}{day.month}{sep}{day.day}"


def company_variant(stem: str, kind: str, prefix: bool, rng: random.Random) -> str:
    """The company name as someone typed it: (株)/㈱/（株）, prefix or suffix, stray spaces."""
    choice = rng.randrange(5)
    short = rng.choice(_KINDS.get(kind, [kind]))
    if choice == 0:
        return f"{short}{stem}" if prefix else f"{stem}{short}"
    if choice == 1:
        return f"{stem}{short}" if prefix else f"{short}{stem}"
    if choice == 2:
        return f"{kind}　{stem}" if prefix else f"{stem} {kind}"
    if choice == 3:
        return f" {kind}{stem} " if prefix else f"{stem}{kind}  "
    return f"{kind}{stem}" if prefix else f"{stem}{kind}"


def phone_variant(phone: str, rng: random.Random) -> str:
    """A JP phone number with or without hyphens, in full-width digits or with brackets."""
    area, local, line = phone.split("-")
    choice = rng.randrange(5)
    if choice == 0:
        return phone.replace("-", "")
    if choice == 1:
        return zenkaku(phone)
    if choice == 2:
        return f"{area}({local}){line}"
    if choice == 3:
        return f"{area} {local} {line}"
    return phone


def postal_variant(postal: str, rng: random.Random) -> str | int:
    """A JP postal code as 〒123-4567, 1234567, full-width, or a number that lost its zero."""
    if postal.startswith("0") and rng.random() < 0.5:
        return int(postal.replace("-", ""))
    choice = rng.randrange(4)
    if choice == 0:
        return "〒" + postal
    if choice == 1:
        return postal.replace("-", "")
    if choice == 2:
        return zenkaku(postal)
    return postal
