"""Address split: `東京都渋谷区渋谷1-2-3 山田ビル5F` → region, city, line 1, line 2.

Only what the string says is taken: the prefecture when the address starts with its full
name, the municipality after it, and a building only when a space after the block number
sets it apart. An address without a prefecture at the start (or an English one) is kept
whole in address_line1: there is no reliable place to cut it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, NamedTuple

import pandas as pd

from migrator.clean.base import Context, Outcome, empty_reasons
from migrator.clean.region import is_empty
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

_PREFECTURE = re.compile("|".join(sorted(PREFECTURES, key=len, reverse=True)))
_POSTAL = re.compile(r"〒?\s*(\d{3})-?(\d{4})\s+")
_DIGIT_DASH = re.compile(r"(?<=\d)\s*[‐‑‒–—―−ー－ｰ]\s*(?=\d)")
_WARD = re.compile(r".{1,5}?区")
_BUILDING = re.compile(r"(.*?(?:\d|丁目|番地|番|号))\s+(\S.*)")
_PAIRS = frozenset({"町市", "村市", "郡市", "市町", "村町"})  # 十日町市, 大村市, 上市町...


def _normalise(text: str) -> str:
    """NFKC (`１－２－３` → `1-2-3`), dashes between digits as `-`, one space at most."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", " ", _DIGIT_DASH.sub("-", text)).strip()


def _unit(rest: str, suffixes: str) -> str | None:
    """The municipality (or county) `rest` starts with: its name up to the first suffix."""
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
    after = rest[len(unit):].lstrip()
    if unit.endswith("郡"):
        town = _unit(after, "町村")
        return None if town is None else unit + town
    if unit in DESIGNATED_CITIES:
        ward = _WARD.match(after)
        return unit + ward.group() if ward else unit
    return unit


def split_address(text: str) -> Parts:
    """One Japanese address → its parts; anything else stays whole in line 1."""
    text = _normalise(text)
    postal = None
    found = _POSTAL.match(text)
    if found:
        postal, text = f"{found.group(1)}-{found.group(2)}", text[found.end():]
    region = _PREFECTURE.match(text)
    if region is None:
        return Parts(line1=text or None, postal_code=postal)
    rest = text[region.end():].lstrip()
    city = _city(rest, region.group())
    if city is not None:
        rest = rest[len(city):].lstrip() if rest.startswith(city) else _after(rest, city)
    building = _BUILDING.fullmatch(rest)
    line1, line2 = (building.group(1), building.group(2)) if building else (rest, None)
    return Parts(line1 or None, region.group(), city, line2, postal)


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
    cache: dict[Any, Parts] = {}
    rows: list[Parts] = []
    for value in column.tolist():
        parts = cache.get(value)
        if parts is None:
            parts = Parts(None) if is_empty(value) else split_address(str(value))
            cache[value] = parts
        rows.append(parts)

    def series(field: str) -> pd.Series:
        return pd.Series([pd.NA if (v := getattr(p, field)) is None else v for p in rows],
                         index=column.index, dtype="object")

    extra = {name: series(field) for name, field in (
        ("region", "region"), ("city", "city"), ("address_line2", "line2"),
        ("postal_code", "postal_code"))}
    return Outcome(values=series("line1"), reasons=empty_reasons(column.index), extra=extra)
