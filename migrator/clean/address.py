"""Address split: `東京都渋谷区渋谷1-2-3 山田ビル5F` → region, city, line 1, line 2.

Only what the string says is taken: the prefecture when the address starts with its full
name, the municipality after it, and a building only when a space after the block number
sets it apart. An address without a prefecture at the start (or an English one) is kept
whole in address_line1: there is no reliable place to cut it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

import pandas as pd

from migrator.clean.base import Columns, Context, Outcome, apply_distinct_columns
from migrator.clean.kana import collapse_line_spaces
from migrator.distinct import join_lines, nfkc
from migrator.reference.places import PREFECTURES


class Parts(NamedTuple):
    """One address, split; None where the string does not say."""

    line1: str | None
    region: str | None = None
    city: str | None = None
    line2: str | None = None
    postal_code: str | None = None


DESIGNATED_CITIES = frozenset({
    "札幌市", "仙台市", "さいたま市", "千葉市", "横浜市", "川崎市", "相模原市", "新潟市",
    "静岡市", "浜松市", "名古屋市", "京都市", "大阪市", "堺市", "神戸市", "岡山市", "広島市",
    "北九州市", "福岡市", "熊本市",
})
"""The cities with wards (政令指定都市): `大阪市北区` is one municipality."""

TRICKY_NAMES = (
    "武蔵村山市", "大和郡山市", "東村山市", "四日市市", "廿日市市", "野々市市", "十日町市",
    "北村山郡", "西村山郡", "東村山郡", "市川市", "市原市", "町田市", "大町市", "大町町",
    "村上市", "村山市", "大村市", "羽村市", "田村市", "玉村町", "上市町", "小郡市", "余市郡",
    "余市町", "市貝町", "郡山市",
)
"""Names with 市, 町, 村 or 郡 inside them, where cutting at the first one would be wrong."""

_PREFECTURE_BY_HEAD = {name[:3]: name for name in PREFECTURES}
"""Each prefecture by its first three characters, which tell them apart (test_address.py
holds it so): one lookup where a regex tried each name."""
_POSTAL = re.compile(r"〒?\s*(\d{3})-?(\d{4})\s+")
_DIGIT_DASH = re.compile(r"(?<=\d)\s*[‐‑‒–—―−ー－ｰ]\s*(?=\d)")
_WARD = re.compile(r".{1,5}?区")
_PAIRS = frozenset({"町市", "村市", "郡市", "市町", "村町"})  # 十日町市, 大村市, 上市町...


def _normalise(text: str) -> str:
    """NFKC (`１－２－３` → `1-2-3`), dashes between digits as `-`, one space at most."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", " ", _DIGIT_DASH.sub("-", text)).strip()


# _normalise over texts joined by newlines: each rewrite stops at a newline, and NFKC
# neither makes nor joins across one (a newline is a starter that composes with nothing).
# The digit is taken, not looked behind for: a search then skips to the digits.
_DASHES = "‐‑‒–—―−ー－ｰ"
_DIGIT_DASH_LINES = re.compile(rf"(\d)[^\S\n]*[{_DASHES}][^\S\n]*(?=\d)")


def _normalised_text(texts: list[str]) -> str | None:
    """`"\\n".join(_normalise(t) for t in texts)`, each rewrite run once over the texts
    joined by newlines; None where a text holds a newline."""
    joined = join_lines(texts)
    if joined is None:
        return None
    text = nfkc(joined)
    if any(dash in text for dash in _DASHES):
        text = _DIGIT_DASH_LINES.sub(r"\1-", text)
    text = collapse_line_spaces(text)
    return text if text.count("\n") == len(texts) - 1 else None


_TRICKY = "|".join(map(re.escape, TRICKY_NAMES))
_DESIGNATED = "|".join(map(re.escape, sorted(DESIGNATED_CITIES)))
_QUICK_LINE = re.compile(
    r"^(?:〒? ?(\d{3}-?\d{4}) )?"
    rf"(?:(東京都) ?+(?!{_TRICKY})(.[^市郡町村区\n]{{0,10}}[市町村区])(?![市町])"
    rf"|([^\n]{{2}}[道府県]|[^\n]{{3}}県) ?+(?!{_TRICKY})"
    rf"(?:({_DESIGNATED})(?![市町 ])(?:([^ \n]{{1,5}}?区)|(?![^\n]{{1,5}}?区))"
    r"|(.[^市郡町村\n]{0,10}[市町村])(?![市町])))"
    r"([^\n]*)$|^[^\n]*$", re.MULTILINE)
"""A normalised line whose municipality `_unit` finds at its first suffix: not a tricky
name, a county or a pair of suffixes (those lines match as a whole with no groups, for
_split_normalised to split). Its groups: the postal code; Tokyo and its municipality, or
what may be another prefecture (a name of its shape) and either a designated city with
the ward `_WARD` reads after it (none where it reads none) or another municipality; and
the rest of the line. A designated city followed by a space, or whose ward `_WARD` reads
across one, matches as another municipality, and is split one by one (`_city` reads a
ward after a space too, and `_after` counts past it). The space after the prefecture is
taken if there is one (`?+`), as `lstrip` takes it."""
_UNIT = {suffixes: re.compile(rf"({_TRICKY})|.[^{suffixes}]{{0,10}}[{suffixes}]")
         for suffixes in ("市郡町村区", "市郡町村", "町村")}
"""By the suffixes `_unit` is given: the first of TRICKY_NAMES a text starts with, else the
first suffix at its second to twelfth character."""


def _unit(rest: str, suffixes: str) -> str | None:
    """The municipality (or county) `rest` starts with: its name up to the first suffix.

    One regex match where there were a test per tricky name and per character."""
    found = _UNIT[suffixes].match(rest)
    if found is None:
        return None
    if (tricky := found.group(1)) is not None:
        if tricky[-1] in suffixes:
            return tricky
        return _unit_slowly(rest, suffixes)  # a later one may fit
    i = found.end() - 1
    if rest[i:i + 2] in _PAIRS and rest[i + 1] in suffixes:
        return rest[:i + 2]
    return rest[:i + 1]


def _unit_slowly(rest: str, suffixes: str) -> str | None:
    """`_unit` as first written: a test per tricky name, then per character."""
    for name in TRICKY_NAMES:
        if rest.startswith(name) and name[-1] in suffixes:
            return name
    for i in range(1, min(len(rest), 12)):
        if rest[i] in suffixes:
            if rest[i:i + 2] in _PAIRS and rest[i + 1] in suffixes:
                return rest[:i + 2]
            return rest[:i + 1]
    return None


def _city(rest: str, region: str) -> str | None:
    """The municipality after the prefecture: `大阪市北区`, `渋谷区`, `西多摩郡日の出町`."""
    unit = _unit(rest, "市郡町村区" if region == "東京都" else "市郡町村")
    if unit is None:
        return None
    if unit[-1] == "郡":
        town = _unit(rest[len(unit):].lstrip(), "町村")
        return None if town is None else unit + town
    if unit in DESIGNATED_CITIES:
        ward = _WARD.match(rest[len(unit):].lstrip())
        return unit + ward.group() if ward else unit
    return unit


def split_address(text: str) -> Parts:
    """One Japanese address → its parts; anything else stays whole in line 1."""
    return Parts(*_split_normalised(_normalise(text)))


_Split = tuple[str | None, str | None, str | None, str | None, str | None]
"""Parts as a plain tuple: a NamedTuple is built by a Python call."""


def _split_normalised(text: str) -> _Split:
    """split_address of a text already `_normalise`d."""
    postal = None
    # a postal code is first, after `〒` or not (a normalised text starts with no space)
    if text[:1] == "〒" or text[:1].isdecimal():
        found = _POSTAL.match(text)
        if found:
            postal, text = f"{found.group(1)}-{found.group(2)}", text[found.end():]
    region = _PREFECTURE_BY_HEAD.get(text[:3])
    if region is None or not text.startswith(region):
        return text or None, None, None, None, postal
    rest = text[len(region):].lstrip()
    city = _city(rest, region)
    if city is not None:
        rest = rest[len(city):].lstrip() if rest.startswith(city) else _after(rest, city)
    line1, line2 = _building(rest)
    return line1 or None, region, city, line2, postal


_AFTER_BLOCK = ("丁目", "番地", "番", "号")


def _building(rest: str) -> tuple[str, str | None]:
    r"""`(.*?(?:\d|丁目|番地|番|号))\s+(\S.*)`'s two groups (a fullmatch), or (rest, None),
    for a normalised `rest` (single spaces, none at the ends): cut at the first space
    after a digit or a block's word, found by `find` instead of a lazy regex."""
    space = rest.find(" ")
    while space > 0:
        if rest[space - 1].isdecimal() or rest.endswith(_AFTER_BLOCK, 0, space):
            return rest[:space], rest[space + 1:]
        space = rest.find(" ", space + 1)
    return rest, None


def _after(rest: str, city: str) -> str:
    """`rest` past `city` when a space sat between county and town (`西多摩郡 日の出町`)."""
    squeezed = 0
    for i, ch in enumerate(rest):
        squeezed += ch != " "
        if squeezed == len(city):
            return rest[i + 1:].lstrip()
    return ""


def address_transform(column: pd.Series, ctx: Context) -> Outcome:
    """Split one address column into address_line1 (the values) and extras.

    Extras: `region`, `city`, `address_line2` and `postal_code` (a `〒` code in front).
    Never rejects: a part the string does not give is NA. Each distinct value is split once.
    """
    return apply_distinct_columns(column, _address_many,
                                  ("region", "city", "address_line2", "postal_code"))


def _address_many(values: list[object]) -> Columns:
    """The parts of each distinct value, as Columns: the texts normalised all at once,
    most split by one regex over all of them (`_QUICK_LINE`), the others one by one.
    tests/clean/test_address.py holds it to split_address.

    Why: split by Python tests, a line took 3 µs; most lines are a prefecture and a
    municipality up to its first suffix, which one regex reads over all of them."""
    na = pd.NA
    line1, region, city, line2, postal = fields = [[na] * len(values) for _ in range(5)]
    # no value is missing (the distinct values of a column); a blank one normalises to
    # an empty line, which splits into no parts, as is_empty has it
    shown = [value if type(value) is str else str(value) for value in values]
    text = _normalised_text(shown)
    lines = text.split("\n") if text is not None else [_normalise(t) for t in shown]
    found = _QUICK_LINE.findall(text) if text is not None else []
    if len(found) != len(lines):
        found = [_NO_MATCH] * len(lines)
    prefectures, designated = _PREFECTURES, DESIGNATED_CITIES
    for i, (line, (code, tokyo, in_tokyo, prefecture, with_wards, ward, unit, rest)) in \
            enumerate(zip(lines, found, strict=True)):
        if (tokyo or prefecture in prefectures) and (
                with_wards or (unit or in_tokyo) not in designated):
            first, second = _building(rest.lstrip())
            if first:
                line1[i] = first
            region[i] = tokyo or prefecture
            city[i] = with_wards + ward if with_wards else in_tokyo or unit
            if second is not None:
                line2[i] = second
            if code:
                postal[i] = code if code[3] == "-" else f"{code[:3]}-{code[3:]}"
            continue
        parts = _split_normalised(line)
        for column, part in zip(fields, parts, strict=True):
            if part is not None:
                column[i] = part
    return Columns(line1, [na] * len(values), None, (region, city, line2, postal))


_NO_MATCH = ("",) * 8
_PREFECTURES = frozenset(PREFECTURES) - {"東京都"}


