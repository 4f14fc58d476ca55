"""The address split against its golden table, plus the registry."""

from __future__ import annotations

import pandas as pd

from migrator.clean.address import address_transform
from migrator.clean.base import Context
from migrator.clean.registry import get_transform
from tests.clean.golden import golden, shown

PARTS = ["region", "city", "address_line1", "address_line2", "postal_code"]


def _golden() -> pd.DataFrame:
    return golden("addresses.csv")


def test_address_golden_table() -> None:
    rows = _golden()
    assert len(rows) >= 25
    column = pd.Series(rows["input"].where(rows["input"] != "", None), dtype="object")
    outcome = address_transform(pd.concat([column, column]), Context())  # twice: the cache
    assert outcome.reasons.isna().all()  # a split never rejects
    got = pd.DataFrame({"address_line1": outcome.values, **outcome.extra}).map(shown)
    assert list(outcome.extra) == ["region", "city", "address_line2", "postal_code"]
    for i in range(2):
        part = got.iloc[i * len(rows):(i + 1) * len(rows)].set_index(rows.index)
        mismatches = [(rows.at[j, "input"], list(part.loc[j, PARTS]), list(rows.loc[j, PARTS]))
                      for j in rows.index if list(part.loc[j, PARTS]) != list(rows.loc[j, PARTS])]
        assert mismatches == []


def test_address_registry_names_the_transform() -> None:
    assert get_transform("address_split") is address_transform


def _typed_addresses(seed: int) -> list[object]:
    """Addresses typed every way: every prefecture, the municipality names that hold 市, 町,
    村 or 郡, counties and wards, buildings after numbers and block words, widths, dashes,
    spaces, postal codes, and what is not a Japanese address."""
    import random

    from migrator.clean import address
    from migrator.reference.places import PREFECTURES

    rng = random.Random(seed)
    cities = [*address.TRICKY_NAMES, *address.DESIGNATED_CITIES, "渋谷区", "西多摩郡日の出町",
              "西多摩郡 日の出町", "北区", "大阪市北区", "横浜市中区", "市", "郡", "上市", "町",
              "余市", "十日町", "大村", "郡山", "山", "", "北村山郡村山市", "余市郡余市町",
              "東村山郡 大町町"]
    places = ["梅田", "丸の内", "北1条西2丁目", "本町", "1丁目", "3番地", "5番", "7号"]
    numbers = ["1-2-3", "１－２－３", "1ー2", "1 - 2", "12", "3丁目4番5号", "1‐2−3", ""]
    buildings = ["梅田ビル5F", "ABCタワー 10階", "#201", "", "ビル"]
    spaces = ["", "", " ", "　", "  ", "\t"]
    values: list[object] = []
    for _ in range(4000):
        postal = rng.choice(["", "", "〒530-0001 ", "〒5300001 ", "530-0001 ", "〒 530-0001\u3000",
                             "５３０－０００１ ", "123-456 "])
        text = (postal + rng.choice([*PREFECTURES, "", "東京", "Tokyo"]) + rng.choice(spaces)
                + rng.choice(cities) + rng.choice(spaces) + rng.choice(places)
                + rng.choice(numbers) + rng.choice(spaces) + rng.choice(buildings))
        values.append(rng.choice([text, f" {text} ", text.upper()]))
    return values + ["", " ", "　", None, 12, 3.5, "1-2-3 Shibuya, Tokyo", "東京都", "〒530-0001",
                     "大阪府大阪市 北区梅田1-2-3", "神奈川県横浜市 あいうえお区1",
                     "大阪府大阪市北 区梅田", "大阪府大阪市あいうえお区1",
                     "大阪府大阪市 あいうえ 区1", "京都府京都市", "長野県中野町市1",
                     "埼玉県山村町2", "新潟県十日町市本町", "富山県上市町1",
                     "東京都西多摩郡日の出町1", "東京都あ区市3", "大阪府大阪市北区",
                     "大阪府大阪市区1", "大阪府大阪市北区区2", "大阪府大阪市あいうえおか区1",
                     "大阪府大阪市あいうえお区", "大阪府大阪市町田1", "大阪府大阪市市2",
                     "大阪府大阪市北 区", "大阪府大阪市北区 梅田",
                     "北海道札幌市中央区北1条西2丁目 ビル", "福岡県北九州市小倉北区1",
                     "大阪府堺市堺区", "京都府京都市上京区 1-2", "愛知県名古屋市中区栄 3丁目"]


def test_address_transform_is_split_address_per_value() -> None:
    """All addresses at once give, address by address, what split_address gives: over the
    texts joined by newlines, and one by one once a text holds a newline."""
    from migrator.clean import address
    from migrator.clean.region import is_empty

    for values in (_typed_addresses(1), [*_typed_addresses(2)[:500], "東京都\n渋谷区", 7]):
        outcome = address_transform(pd.Series(values, dtype=object), Context())
        got = pd.DataFrame({"line1": outcome.values, **outcome.extra}).map(shown)
        for value, row in zip(values, got.itertuples(index=False), strict=True):
            parts = (address.Parts(None) if is_empty(value)
                     else address.split_address(str(value)))
            want = [parts.line1, parts.region, parts.city, parts.line2, parts.postal_code]
            assert list(row) == [shown(x) for x in want], value
        assert outcome.extra["city"].notna().sum() > len(values) // 3


def test_address_prefecture_heads_tell_them_apart() -> None:
    from migrator.clean import address
    from migrator.reference.places import PREFECTURES

    assert len(address._PREFECTURE_BY_HEAD) == len(PREFECTURES)
    assert all(len(p) >= 3 for p in PREFECTURES)


def test_address_building_cut_is_the_lazy_regex() -> None:
    """_building cuts a normalised text where `(.*?(?:\\d|丁目|番地|番|号))\\s+(\\S.*)` does."""
    import random
    import re

    from migrator.clean import address

    rng = random.Random(7)
    parts = ["1", "１", "٣", "²", "丁目", "番地", "番", "号", "ビル", "a", " ", "-", "目", "地"]
    lazy = re.compile(r"(.*?(?:\d|丁目|番地|番|号))\s+(\S.*)")
    for _ in range(20_000):
        text = " ".join("".join(rng.choice(parts) for _ in range(rng.randint(0, 4))).split())
        found = lazy.fullmatch(text)
        assert address._building(text) == (
            (found.group(1), found.group(2)) if found else (text, None)), text


def test_address_unit_is_its_loop_over_names_and_characters() -> None:
    """_unit's one regex finds the municipality _unit_slowly (the first tricky name that
    ends in a suffix, else the first suffix, a pair of them kept) finds."""
    import random

    from migrator.clean import address

    rng = random.Random(8)
    parts = [*address.TRICKY_NAMES, "市", "郡", "町", "村", "区", "山", "田", "上", " ", "大",
             "十日", "余市", "町市", "村町"]
    for _ in range(20_000):
        rest = "".join(rng.choice(parts) for _ in range(rng.randint(0, 4)))
        for suffixes in ("市郡町村区", "市郡町村", "町村"):
            assert address._unit(rest, suffixes) == address._unit_slowly(rest, suffixes), rest
