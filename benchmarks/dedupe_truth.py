"""Customer rows with known true duplicates: the answer key a dedupe stage is scored against.

Each true customer (a Japanese company, or about 15 % US ones) is typed once, or 2-4
times by different departments (`営業1課.xlsx`, `東京支店.xlsx`, ...), each time the way
people type: (株)/㈱/株式会社 before or after or dropped, stray spaces, full-width digits,
phones as `03(5501)1201`, readings in hiragana or half-width kana, 〒, 丁目番地号, old
kanji (髙/﨑/邊/濱/澤/齋), a typo in about 5 % of the duplicates, a department's own
customer code. Hard negatives catch a matcher that merges too eagerly: namesakes in
another city, branches (`山田商事 大阪支店`, a customer of its own), and neighbours
sharing a building's postal code and address and a phone's area code and exchange.
Every value is fictional: e-mails on example.co.jp / example.jp / example.com, US phones
in 555-0100..0199 (4,400 numbers over 44 area codes, so at 1,000,000 rows each is shared
by about 20 US customers: by itself it links nothing). Japanese phones are valid numbers
for phonenumbers; postal codes start as their prefecture's do.

At 1,000,000 rows: about 690,000 true customers, 434,000 true pairs, in some 22 s.

    python -m benchmarks.dedupe_truth --rows 10000 --out customers.csv
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jaconv
import numpy as np
import pandas as pd

SEED = 20240401
S = np.dtypes.StringDType()
Arrays = dict[str, np.ndarray]


def _pairs(spec: str) -> tuple[np.ndarray, np.ndarray]:
    words = [w.split(":") for w in spec.split()]
    return np.array([w[0] for w in words], dtype=S), np.array([w[1] for w in words], dtype=S)


WORDS, WORDS_KANA = _pairs("""
山田:ヤマダ 青空:アオゾラ 桜川:サクラガワ 北斗:ホクト 高橋:タカハシ 山崎:ヤマザキ 渡辺:ワタナベ
浜田:ハマダ 沢田:サワダ 斎藤:サイトウ 高木:タカギ 長崎:ナガサキ 田辺:タナベ 横浜:ヨコハマ
北沢:キタザワ 中村:ナカムラ 小林:コバヤシ 加藤:カトウ 吉田:ヨシダ 佐藤:サトウ 鈴木:スズキ
田中:タナカ 伊藤:イトウ 松本:マツモト 井上:イノウエ 木村:キムラ 林:ハヤシ 清水:シミズ 森:モリ
池田:イケダ 橋本:ハシモト 石川:イシカワ 前田:マエダ 藤田:フジタ 岡田:オカダ 後藤:ゴトウ
村上:ムラカミ 近藤:コンドウ 坂本:サカモト 遠藤:エンドウ 青木:アオキ 西村:ニシムラ 福田:フクダ
太田:オオタ 三浦:ミウラ 藤井:フジイ 岡本:オカモト 松田:マツダ 中川:ナカガワ 中野:ナカノ
原田:ハラダ 小野:オノ 竹内:タケウチ 金子:カネコ 和田:ワダ 中山:ナカヤマ 石井:イシイ
上田:ウエダ 森田:モリタ 原:ハラ 柴田:シバタ 酒井:サカイ 工藤:クドウ 宮崎:ミヤザキ
高野:タカノ 岩崎:イワサキ 川崎:カワサキ 宮沢:ミヤザワ 柳沢:ヤナギサワ 浜松:ハママツ
高砂:タカサゴ 広瀬:ヒロセ 朝日:アサヒ 日の出:ヒノデ 光:ヒカリ 若葉:ワカバ 緑:ミドリ
新光:シンコウ 明星:ミョウジョウ 白鳥:ハクチョウ 銀河:ギンガ 星野:ホシノ 昭和:ショウワ
平和:ヘイワ 大東:ダイトウ 東亜:トウア 三光:サンコウ 丸山:マルヤマ 千代田:チヨダ 大栄:ダイエイ
協和:キョウワ 共栄:キョウエイ 第一:ダイイチ 中央:チュウオウ 松竹:ショウチク 桜:サクラ
菊水:キクスイ 春日:カスガ 若松:ワカマツ 白山:ハクサン 黒潮:クロシオ 北陸:ホクリク 湊:ミナト
飛鳥:アスカ 葵:アオイ 楓:カエデ 椿:ツバキ 鶴見:ツルミ 亀井:カメイ 松風:マツカゼ 晴海:ハルミ
大空:オオゾラ 若竹:ワカタケ 清流:セイリュウ 紅葉:モミジ 常盤:トキワ 北星:ホクセイ
南海:ナンカイ 西海:サイカイ 東邦:トウホウ 三和:サンワ 栄光:エイコウ""")
BUSINESS, BUSINESS_KANA = _pairs("""
商事:ショウジ 工業:コウギョウ システム:システム 物産:ブッサン 化成:カセイ 企画:キカク
製作所:セイサクショ 電機:デンキ 建設:ケンセツ 運輸:ウンユ 食品:ショクヒン 産業:サンギョウ
興業:コウギョウ 精機:セイキ 設計:セッケイ 印刷:インサツ 不動産:フドウサン 電設:デンセツ
技研:ギケン 薬品:ヤクヒン 通商:ツウショウ 商会:ショウカイ 工務店:コウムテン 硝子:ガラス
鋼業:コウギョウ 水産:スイサン 農園:ノウエン 観光:カンコウ 交通:コウツウ 物流:ブツリュウ
倉庫:ソウコ 情報:ジョウホウ ソフト:ソフト テック:テック 商店:ショウテン 化学:カガク
機械:キカイ 繊維:センイ 貿易:ボウエキ 電子:デンシ 製菓:セイカ 酒造:シュゾウ""")
JP_FORMS = {"株式会社": ("(株)", "（株）", "㈱"), "有限会社": ("(有)", "（有）", "㈲"),
            "合同会社": ("(同)", "（同）", "(同)")}
OLD_KANJI = str.maketrans("高崎辺浜沢斎", "髙﨑邊濱澤齋")
TYPO_POOL = sorted({c for w in WORDS.tolist() for c in w})
# prefecture, city, short name and its reading (for 支店), area code, postal heads, weight
JP_CITIES = [line.split() for line in """
東京都 千代田区 東京 トウキョウ 03 100.101.102 6
東京都 港区 東京 トウキョウ 03 105.106.107.108 6
東京都 新宿区 新宿 シンジュク 03 160.161.169 5
東京都 渋谷区 渋谷 シブヤ 03 150.151 4
東京都 品川区 品川 シナガワ 03 140.141.142 3
大阪府 大阪市北区 大阪 オオサカ 06 530.531 5
大阪府 大阪市中央区 大阪 オオサカ 06 540.541.542 4
神奈川県 横浜市西区 横浜 ヨコハマ 045 220 3
神奈川県 横浜市中区 横浜 ヨコハマ 045 231 2
愛知県 名古屋市中区 名古屋 ナゴヤ 052 460 4
愛知県 名古屋市中村区 名古屋 ナゴヤ 052 450.453 2
北海道 札幌市中央区 札幌 サッポロ 011 060.064 3
福岡県 福岡市博多区 福岡 フクオカ 092 812 3
福岡県 福岡市中央区 福岡 フクオカ 092 810 2
宮城県 仙台市青葉区 仙台 センダイ 022 980.981 2
京都府 京都市中京区 京都 キョウト 075 604 2
兵庫県 神戸市中央区 神戸 コウベ 078 650.651 2
広島県 広島市中区 広島 ヒロシマ 082 730 2
埼玉県 さいたま市大宮区 大宮 オオミヤ 048 330 2
千葉県 千葉市中央区 千葉 チバ 043 260 2
新潟県 新潟市中央区 新潟 ニイガタ 025 950.951 1
静岡県 静岡市葵区 静岡 シズオカ 054 420 1
熊本県 熊本市中央区 熊本 クマモト 096 860 1
岡山県 岡山市北区 岡山 オカヤマ 086 700 1
石川県 金沢市 金沢 カナザワ 076 920 1
沖縄県 那覇市 那覇 ナハ 098 900 1""".strip().splitlines()]
JP_COLUMN = [np.array([c[i] for c in JP_CITIES], dtype=S) for i in range(5)]
JP_HEADS = np.array([[h[j % len(h)] for j in range(12)] for h in
                     (c[5].split(".") for c in JP_CITIES)], dtype=S)
TOWNS = np.array("本町 中央 栄町 錦 丸の内 大手町 緑町 旭町 幸町 若葉町 東町 西町 南町 北町 桜町 "
                 "松原 新町 元町 港町 宮前".split(), dtype=S)
# state, city, ZIP head, area codes, weight
US_CITIES = [
    ("NY", "New York", "100", "212 646 332", 4), ("NY", "Brooklyn", "112", "718 347 929", 2),
    ("CA", "Los Angeles", "900", "213 323 310", 3), ("CA", "San Francisco", "941", "415 628", 2),
    ("CA", "San Jose", "951", "408 669", 1), ("IL", "Chicago", "606", "312 773 872", 3),
    ("TX", "Houston", "770", "713 832 281", 2), ("TX", "Austin", "787", "512 737", 1),
    ("TX", "Dallas", "752", "214 469 972", 2), ("WA", "Seattle", "981", "206", 2),
    ("MA", "Boston", "021", "617 857", 2), ("GA", "Atlanta", "303", "404 470", 2),
    ("FL", "Miami", "331", "305 786", 1), ("CO", "Denver", "802", "303 720", 1),
    ("OR", "Portland", "972", "503 971", 1), ("PA", "Philadelphia", "191", "215 267", 1),
    ("AZ", "Phoenix", "850", "602 480", 1), ("MN", "Minneapolis", "554", "612", 1),
    ("NJ", "Newark", "071", "973 862", 1), ("CT", "Hartford", "061", "860 959", 1)]
US_AREAS = np.array([[a[j % len(a)] for j in range(6)] for a in
                     (c[3].split() for c in US_CITIES)], dtype=S)
STATES = {"NY": "New York", "CA": "California", "IL": "Illinois", "TX": "Texas",
          "WA": "Washington", "MA": "Massachusetts", "GA": "Georgia", "FL": "Florida",
          "CO": "Colorado", "OR": "Oregon", "PA": "Pennsylvania", "AZ": "Arizona",
          "MN": "Minnesota", "NJ": "New Jersey", "CT": "Connecticut"}
EN_FIRST, EN_SECOND, EN_FAMILY, EN_BUSINESS, STREETS = (np.array(w.split(), dtype=S) for w in (
    "Acme Blue Summit Pioneer Cedar Golden Maple Silver Granite Liberty Eagle Northstar Redwood "
    "Atlas Beacon Crescent Evergreen Falcon Frontier Horizon Keystone Lakeside Meridian Oak "
    "Pacific Prairie Quantum Riverside Sterling Sunrise Titan Union Vista Westfield Willow Apex "
    "Bright Coastal Delta Empire Forge Glacier Highland Iron Jade Lumen Mosaic Noble Orchard "
    "Pine Sage Tidewater Amber Copper Harvest Ivory Juniper Larch Onyx Polaris",
    "Harbor Ridge Valley Bridge River Stone Point Field Creek Lake Grove Hill Bay Park Peak Rock "
    "Wood Gate Spring Brook Crest Mill Port Star Line Works Path Shore Trail Haven Canyon Meadow "
    "Forest Island Summit Coast Plains Falls Harbour Mesa",
    "Smith Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson Thompson White "
    "Harris Clark Lewis Walker Hall Allen Young King Wright Hill Scott Green Adams Baker Nelson "
    "Carter Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart "
    "Morris Reed Cook Morgan Bell Murphy Bailey Cooper Howard Ward Brooks",
    "Trading Logistics Systems Foods Supply Partners Labs Industries Electric Software "
    "Consulting Design Imports Manufacturing Analytics Media Health Energy Builders Textiles "
    "Tools Motors Marine Farms Printing Realty Pharma Metals Plastics Networks",
    "Main Oak Maple Pine Cedar Elm Washington Lake Hill Park Market Broad Church Mill Spring "
    "River Center Union Water High"))
EN_FORMS = {"Inc.": ("Inc.", "Inc", "Incorporated", ", Inc."), "LLC": ("LLC", "L.L.C.", ", LLC"),
            "Co., Ltd.": ("Co., Ltd.", "Co. Ltd.", "Co., Ltd", "Company Limited"),
            "Corp.": ("Corp.", "Corp", "Corporation", ", Corp.")}
SUFFIXES = np.array([("St", "Street"), ("Ave", "Avenue"), ("Blvd", "Boulevard"), ("Rd", "Road"),
                     ("Dr", "Drive")], dtype=S)
DEPARTMENTS = (("営業1課.xlsx", "顧客一覧", "E1"), ("営業2課.xlsx", "得意先", "E2"),
               ("東京支店.xlsx", "取引先マスタ", "TK"), ("us_customers.xlsx", "Customers", "US"))
JP_LOCALS = np.array("info sales eigyo soumu contact office jimu".split(), dtype=S)
US_LOCALS = np.array("info sales contact office hello orders billing".split(), dtype=S)
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
TO_HIRAGANA = {c: c - 0x60 for c in range(ord("ァ"), ord("ヶ") + 1)}


def _cat(*parts: object) -> np.ndarray:
    """Element-wise concatenation of string arrays, int arrays and scalars."""
    def text(part: object) -> Any:
        array = part if isinstance(part, str) else np.asarray(part)
        return array if isinstance(array, str) or array.dtype == S else array.astype(S)

    out = text(parts[0])
    for part in parts[1:]:
        out = np.strings.add(out, text(part))
    return np.asarray(out, dtype=S)


def _translate(values: np.ndarray, table: dict[int, int] | dict[int, str]) -> np.ndarray:
    """str.translate on every element (numpy's stubs want a str table; str.translate's dict
    is what numpy passes on)."""
    return np.strings.translate(values, table)  # type: ignore[call-overload]


def _pick(rng: np.random.Generator, n: int, weights: list[float]) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    return np.strings.zfill(np.asarray(values).astype(S), width)


def _spaces(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    """"" on most rows; a half- or full-width space on `share` of them."""
    return np.where(rng.random(n) < share, np.where(rng.random(n) < 0.5, " ", "\u3000"), "")


def _render(rng: np.random.Generator, forms: list[tuple[float, np.ndarray | None]]) -> np.ndarray:
    """One of the forms per row, drawn by weight; a None form leaves the cell empty."""
    n = len(next(f for _, f in forms if f is not None))
    style, out = _pick(rng, n, [w for w, _ in forms]), np.full(n, None, dtype=object)
    for k, (_, form) in enumerate(forms):
        if form is not None:
            out[style == k] = form[style == k]
    return out


def _cluster_sizes(rng: np.random.Generator, n: int) -> np.ndarray:
    """Rows per true customer: 70 % once, 30 % 2-4 times, summing to exactly n."""
    sizes = np.empty(0, dtype=np.int64)
    while sizes.sum() < n:
        k = int(n / 1.45) + 16
        more = np.where(rng.random(k) < 0.30, rng.choice([2, 3, 4], k, p=[.6, .3, .1]), 1)
        sizes = np.concatenate([sizes, more])
    cum = np.cumsum(sizes)
    cut = int(np.searchsorted(cum, n))
    sizes = sizes[: cut + 1].copy()
    sizes[-1] -= cum[cut] - n
    return sizes


def _distinct(rng: np.random.Generator, k: int, *sizes: int) -> list[np.ndarray]:
    """k index tuples over the given radices, all different while the space lasts."""
    ids = rng.choice(math.prod(sizes), size=k, replace=k > math.prod(sizes))
    out = []
    for size in reversed(sizes):
        out.append(ids % size)
        ids = ids // size
    return out[::-1]


def _jp_names(rng: np.random.Generator, k: int) -> Arrays:
    """Stems of one, two (distinct) or three words, a business word, a legal form."""
    w, b = len(WORDS), len(BUSINESS)
    kind, empty = _pick(rng, k, [1, 69, 30]), np.full(k, "", dtype=S)
    w1, r2, r3, biz = (rng.integers(0, n, k) for n in (w, w - 1, w - 1, b))
    w1[kind == 1], r2[kind == 1], biz[kind == 1] = _distinct(rng, int((kind == 1).sum()),
                                                             w, w - 1, b)
    w2 = (w1 + 1 + r2) % w
    w3 = (w2 + 1 + r3) % w
    romaji = np.array([jaconv.kata2alphabet(v) for v in WORDS_KANA.tolist()], dtype=S)
    biz_romaji = np.array([jaconv.kata2alphabet(v) for v in BUSINESS_KANA.tolist()], dtype=S)

    def stem(words: np.ndarray) -> np.ndarray:
        return _cat(words[w1], np.where(kind >= 1, words[w2], empty),
                    np.where(kind == 2, words[w3], empty))

    return {"stem": stem(WORDS), "stem_kana": stem(WORDS_KANA), "biz": BUSINESS[biz],
            "biz_kana": BUSINESS_KANA[biz], "slug": _cat(stem(romaji), "-", biz_romaji[biz]),
            "form": np.array(list(JP_FORMS), dtype=S)[_pick(rng, k, [90, 8, 2])],
            "prefix": rng.random(k) < 0.45,
            "domain": np.where(rng.random(k) < 0.8, ".example.co.jp", ".example.jp").astype(S)}


def _en_names(rng: np.random.Generator, k: int) -> Arrays:
    """`Blue Harbor Trading`, `Smith & Jones Logistics`, `Acme Trading`, with Inc./LLC/..."""
    fam, kind = len(EN_FAMILY), _pick(rng, k, [1, 51, 48])
    first, second, biz, fam1, r2 = (rng.integers(0, n, k) for n in (
        len(EN_FIRST), len(EN_SECOND), len(EN_BUSINESS), fam, fam - 1))
    pair, two = kind == 1, kind == 2
    first[pair], second[pair], biz[pair] = _distinct(rng, int(pair.sum()), len(EN_FIRST),
                                                     len(EN_SECOND), len(EN_BUSINESS))
    fam1[two], r2[two], biz[two] = _distinct(rng, int(two.sum()), fam, fam - 1, len(EN_BUSINESS))
    stem = np.where(kind == 0, EN_FIRST[first], _cat(EN_FIRST[first], " ", EN_SECOND[second]))
    stem = np.where(kind == 2, _cat(EN_FAMILY[fam1], " & ", EN_FAMILY[(fam1 + 1 + r2) % fam]),
                    stem)
    biz = _cat(" ", EN_BUSINESS[biz])
    slug = np.strings.replace(np.strings.lower(_cat(stem, biz)), " & ", "-")
    empty = np.full(k, "", dtype=S)
    return {"stem": stem, "stem_kana": empty, "biz": biz, "biz_kana": empty,
            "slug": np.strings.replace(slug, " ", "-"), "prefix": np.zeros(k, dtype=bool),
            "form": np.array(list(EN_FORMS), dtype=S)[_pick(rng, k, [50, 20, 15, 15])],
            "domain": np.full(k, ".example.com", dtype=S)}


def _exchange(rng: np.random.Generator, area: np.ndarray) -> np.ndarray:
    """03-XXXX-XXXX or 045-XXX-XXXX, first digit 2/3/5/6/7/8 (valid in every area used)."""
    k = len(area)
    head = np.array(list("235678"), dtype=S)[rng.integers(0, 6, k)]
    return np.where(np.strings.str_len(area) == 2, _cat(head, _digits(rng.integers(0, 1000, k), 3)),
                    _cat(head, _digits(rng.integers(0, 100, k), 2)))


def _jp_places(rng: np.random.Generator, k: int) -> Arrays:
    city = _pick(rng, k, [float(c[6]) for c in JP_CITIES])
    head = JP_HEADS[city, rng.integers(0, JP_HEADS.shape[1], k)]
    return {"city_idx": city, "region": JP_COLUMN[0][city], "city": JP_COLUMN[1][city],
            "area": JP_COLUMN[4][city], "exch": _exchange(rng, JP_COLUMN[4][city]),
            "sub": _digits(rng.integers(0, 10000, k), 4),
            "street": TOWNS[rng.integers(0, len(TOWNS), k)], "no1": rng.integers(1, 10, k),
            "no2": rng.integers(1, 31, k), "no3": rng.integers(1, 21, k),
            "postal": _cat(head, "-", _digits(rng.integers(0, 10000, k), 4))}


def _us_places(rng: np.random.Generator, k: int) -> Arrays:
    city = _pick(rng, k, [c[4] for c in US_CITIES])
    area = US_AREAS[city, rng.integers(0, US_AREAS.shape[1], k)]
    return {"city_idx": city, "region": np.array([c[0] for c in US_CITIES], dtype=S)[city],
            "city": np.array([c[1] for c in US_CITIES], dtype=S)[city],
            "area": area, "exch": np.full(k, "555", dtype=S),
            "sub": _cat("01", _digits(rng.integers(0, 100, k), 2)),
            "street": STREETS[rng.integers(0, len(STREETS), k)], "no1": rng.integers(1, 9999, k),
            "no2": rng.integers(0, 30, k) * 100, "no3": rng.integers(1000, 10000, k),
            "suffix": rng.integers(0, len(SUFFIXES), k),
            "postal": _cat(np.array([c[2] for c in US_CITIES], dtype=S)[city],
                           _digits(rng.integers(0, 100, k), 2))}


NAME_FIELDS = ("stem", "stem_kana", "biz", "biz_kana", "form", "prefix", "slug", "domain")
PLACE_FIELDS = ("city_idx", "region", "city", "street", "no1", "no2", "suffix", "postal", "area",
                "exch")


def _hard_negatives(rng: np.random.Generator, c: Arrays, jp: np.ndarray) -> None:
    """Namesakes in another city, branches (`大阪支店`) and building neighbours, in place."""
    k = len(jp)
    order = rng.permutation(jp)
    moved, branches = order[: k // 25], order[k // 50: k // 25]
    src = rng.choice(order[k // 25:], len(moved))
    for field in NAME_FIELDS:
        c[field][moved] = c[field][src]
    city = (c["city_idx"][src] + 1 + rng.integers(0, len(JP_CITIES) - 1, len(moved))) % len(
        JP_CITIES)
    c["city_idx"][moved] = city
    for field, column in (("region", 0), ("city", 1), ("area", 4)):
        c[field][moved] = JP_COLUMN[column][city]
    c["postal"][moved] = _cat([JP_CITIES[i][5][:3] for i in city.tolist()],
                              np.strings.slice(c["postal"][moved], 3, None))
    c["exch"][moved] = _exchange(rng, c["area"][moved])
    where = c["city_idx"][branches]
    c["branch"][branches] = _cat(JP_COLUMN[2][where], "支店")
    c["branch_kana"][branches] = _cat(JP_COLUMN[3][where], "シテン")
    us_fields = tuple(f for f in PLACE_FIELDS if f != "no2")  # a US neighbour: another suite
    for group, fields in ((order[k // 25:], PLACE_FIELDS), (np.flatnonzero(c["us"]), us_fields)):
        near = rng.permutation(group)[: len(group) * 3 // 100]
        there = rng.choice(group, len(near))
        for field in fields:
            c[field][near] = c[field][there]


def _customers(rng: np.random.Generator, m: int) -> Arrays:
    """One canonical record per true customer, Japanese and US."""
    c: Arrays = {"us": rng.random(m) < 0.15}
    for idx, names, places in ((np.flatnonzero(~c["us"]), _jp_names, _jp_places),
                               (np.flatnonzero(c["us"]), _en_names, _us_places)):
        for field, v in (names(rng, len(idx)) | places(rng, len(idx))).items():
            c.setdefault(field, np.zeros(m, dtype=v.dtype) if v.dtype != S else np.full(m, "", S))
            c[field][idx] = v
    c["branch"], c["branch_kana"] = np.full(m, "", S), np.full(m, "", S)
    _hard_negatives(rng, c, np.flatnonzero(~c["us"]))
    slug = _cat(c["slug"], np.where(c["branch"] != "", "-branch", "")).astype(object)
    seen = pd.Series(slug).groupby(slug).cumcount().to_numpy()
    c["slug"] = np.where(seen > 0, _cat(slug, seen + 1), slug.astype(S))
    c["local"] = rng.integers(0, len(JP_LOCALS), m)
    c["code"] = _cat("C", _digits(rng.permutation(m) + 1, 7))
    return c


def _typo(text: str, seed: int) -> str:
    """One character replaced or dropped, or (Latin) two swapped: a slip of the hand."""
    pick = np.random.default_rng(seed)
    i = int(pick.integers(0, max(len(text) - 1, 1)))
    if text.isascii() and len(text) > 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if len(text) > 2 and pick.random() < 0.3:
        return text[:i] + text[i + 1:]
    return text[:i] + TYPO_POOL[int(pick.integers(0, len(TYPO_POOL)))] + text[i + 1:]


def _stem(rng: np.random.Generator, r: Arrays, rank: np.ndarray) -> np.ndarray:
    """The stem with old kanji on 30 % of rows that have a new one, a typo on 5 % of copies."""
    n = len(rank)
    stem = r["stem"].copy()
    new = np.logical_or.reduce([np.strings.find(stem, ch) >= 0 for ch in "高崎辺浜沢斎"])
    old = new & (rng.random(n) < 0.3)
    stem[old] = _translate(stem[old], OLD_KANJI)
    typo = (rank > 0) & (rng.random(n) < 0.05)
    seeds = rng.integers(0, 2**31, int(typo.sum())).tolist()
    if seeds:
        stem[typo] = [_typo(t, x) for t, x in zip(stem[typo].tolist(), seeds, strict=True)]
    return stem


def _jp_name(rng: np.random.Generator, r: Arrays, rank: np.ndarray) -> np.ndarray:
    """Legal form in place, on the other side, bracketed, circled or dropped; stray spaces."""
    n = len(rank)
    base = _cat(_stem(rng, r, rank), _spaces(rng, n, 0.08), r["biz"])
    branch = np.where(r["branch"] != "", _cat(_spaces(rng, n, 0.7), r["branch"]), "")
    gap, edge = _spaces(rng, n, 0.1), _spaces(rng, n, 0.03)

    def named(form: np.ndarray, before: np.ndarray) -> np.ndarray:
        name = np.where(before, _cat(form, gap, base), _cat(base, gap, form))
        name = _cat(name, branch)  # 株式会社山田商事 大阪支店, 山田商事株式会社 大阪支店
        return np.where(rng.random(n) < 0.5, _cat(edge, name), _cat(name, edge))

    short = [np.array([JP_FORMS[f][k] for f in r["form"].tolist()], dtype=S) for k in range(3)]
    before = r["prefix"]
    return _render(rng, [(50, named(r["form"], before)), (5, named(r["form"], ~before)),
                         *((10, named(form, before)) for form in short),
                         (15, _cat(edge, base, branch))])


def _en_name(rng: np.random.Generator, r: Arrays, rank: np.ndarray) -> np.ndarray:
    """Inc./Inc/Incorporated, Co., Ltd. spellings, `&` or `and`, upper or lower case."""
    n = len(rank)
    stem = _stem(rng, r, rank)
    base = _cat(np.where(rng.random(n) < 0.25, np.strings.replace(stem, " & ", " and "), stem),
                r["biz"])
    variant = np.where(rng.random(n) < 0.6, 0, rng.integers(1, 4, n))
    form = np.array([EN_FORMS[f][v % len(EN_FORMS[f])] for f, v in
                     zip(r["form"].tolist(), variant.tolist(), strict=True)], dtype=S)
    name = np.where(np.strings.startswith(form, ","), _cat(base, form), _cat(base, " ", form))
    name = np.where(rng.random(n) < 0.15, base, name)
    return _render(rng, [(90, name), (7, np.strings.upper(name)), (3, np.strings.lower(name))])


def _kana(rng: np.random.Generator, r: Arrays, rank: np.ndarray) -> np.ndarray:
    """The reading in katakana, hiragana or half-width katakana, or left empty."""
    kana = _cat(r["stem_kana"], _spaces(rng, len(rank), 0.05), r["biz_kana"], r["branch_kana"])
    half = np.array([jaconv.z2h(k, kana=True, ascii=False, digit=False) for k in kana.tolist()],
                    dtype=S)
    return _render(rng, [(55, kana), (15, _translate(kana, TO_HIRAGANA)), (10, half),
                         (20, None)])


def _phone(rng: np.random.Generator, r: Arrays, rank: np.ndarray) -> np.ndarray:
    """`03-5501-1201`, `0355011201`, `03(5501)1201`, full-width, or empty."""
    a, e, s = r["area"], r["exch"], r["sub"]
    dashed = _cat(a, "-", e, "-", s)
    return _render(rng, [(45, dashed), (15, _cat(a, e, s)), (10, _cat(a, "(", e, ")", s)),
                         (10, _translate(dashed, FULL_WIDTH)), (20, None)])


def _us_phone(rng: np.random.Generator, r: Arrays, rank: np.ndarray) -> np.ndarray:
    """`(212) 555-0142`, `212-555-0142`, `212.555.0142`, `+1 212 555 0142`, digits, or empty."""
    a, e, s = r["area"], r["exch"], r["sub"]
    return _render(rng, [(40, _cat("(", a, ") ", e, "-", s)), (20, _cat(a, "-", e, "-", s)),
                         (10, _cat(a, ".", e, ".", s)), (5, _cat("+1 ", a, " ", e, " ", s)),
                         (5, _cat(a, e, s)), (20, None)])


def _email(rng: np.random.Generator, r: Arrays, rank: np.ndarray) -> np.ndarray:
    """The company's address, another one at its domain, upper-cased letters, or empty."""
    locals_ = US_LOCALS if r["us"].all() else JP_LOCALS
    other = (r["local"] + 1 + rng.integers(0, len(locals_) - 1, len(rank))) % len(locals_)
    domain = _cat("@", r["slug"], r["domain"])
    address = _cat(locals_[r["local"]], domain)
    return _render(rng, [(55, address), (15, _cat(locals_[other], domain)),
                         (5, np.strings.upper(address)), (5, np.strings.capitalize(address)),
                         (20, None)])


def _postal(rng: np.random.Generator, r: Arrays, rank: np.ndarray) -> np.ndarray:
    """`123-4567` with 〒, without hyphen, full-width, or empty."""
    p = r["postal"]
    return _render(rng, [(45, p), (15, _cat("〒", p)), (15, np.strings.replace(p, "-", "")),
                         (10, _translate(p, FULL_WIDTH)), (15, None)])


def _zip(rng: np.random.Generator, r: Arrays, rank: np.ndarray) -> np.ndarray:
    """`02134`, `02134-1234`, `2134` (Excel dropped the zero), or empty."""
    z = r["postal"]
    return _render(rng, [(55, z), (15, _cat(z, "-", r["no3"])), (10, np.strings.lstrip(z, "0")),
                         (20, None)])


def _region(rng: np.random.Generator, r: Arrays, rank: np.ndarray) -> np.ndarray:
    """東京都 or 東京 (suffix dropped), NY / New York / ny, or empty."""
    reg = r["region"]
    if r["us"].all():
        name = np.array([STATES[x] for x in reg.tolist()], dtype=S)
        return _render(rng, [(65, reg), (20, name), (5, np.strings.lower(reg)), (10, None)])
    short = np.where(reg == "北海道", reg, np.strings.slice(reg, 0, -1))
    return _render(rng, [(70, reg), (20, short), (10, None)])


def _city(rng: np.random.Generator, r: Arrays, rank: np.ndarray) -> np.ndarray:
    return _render(rng, [(85, r["city"]), (15, None)])


def _address(rng: np.random.Generator, r: Arrays, rank: np.ndarray) -> np.ndarray:
    """`本町1-2-3`, `本町1丁目2番地3号`, `本町1丁目2番3号`, full-width, with the city, or empty."""
    t, a, b, g = r["street"], r["no1"], r["no2"], r["no3"]
    dashed = _cat(t, a, "-", b, "-", g)
    return _render(rng, [(40, dashed), (15, _cat(t, a, "丁目", b, "番地", g, "号")),
                         (10, _cat(t, a, "丁目", b, "番", g, "号")),
                         (15, _translate(dashed, FULL_WIDTH)),
                         (10, _cat(r["city"], dashed)), (10, None)])


def _street(rng: np.random.Generator, r: Arrays, rank: np.ndarray) -> np.ndarray:
    """`350 Oak St, Suite 200`, `350 Oak Street, Ste 200`, `350 Oak St, #200`, or empty."""
    n = len(rank)
    suffix = SUFFIXES[r["suffix"], (rng.random(n) < 0.3).astype(int)]  # St or Street
    word = np.array(["Suite ", "Ste ", "#"], dtype=S)[_pick(rng, n, [60, 25, 15])]
    suite = np.where(r["no2"] > 0, _cat(", ", word, r["no2"]), "")
    return _render(rng, [(90, _cat(r["no1"], " ", r["street"], " ", suffix, suite)), (10, None)])


Render = Callable[[np.random.Generator, Arrays, np.ndarray], np.ndarray]
COLUMNS: dict[str, tuple[Render, Render | None]] = {
    "name": (_jp_name, _en_name), "name_kana": (_kana, None), "phone": (_phone, _us_phone),
    "email": (_email, _email), "postal_code": (_postal, _zip), "region": (_region, _region),
    "city": (_city, _city), "address_line1": (_address, _street)}
"""Each column's (Japanese, US) renderer: a customer's value as one department typed it."""


def _departments(rng: np.random.Generator, us: np.ndarray, cluster: np.ndarray,
                 rank: np.ndarray) -> np.ndarray:
    """A department per copy, never twice for one customer: Japanese customers in 営業1課,
    営業2課 or 東京支店 (a fourth copy in us_customers.xlsx), US ones there first."""
    rot = rng.integers(0, 3, len(us))[cluster]
    return np.where(us[cluster], np.array([3, 2, 0, 1])[rank],
                    np.where(rank < 3, (rank + rot) % 3, 3))


def _codes(rng: np.random.Generator, c: Arrays, cluster: np.ndarray,
           dept: np.ndarray) -> np.ndarray:
    """The master code, the department's own code (`TK-004211`), or empty."""
    perms = np.stack([rng.permutation(len(c["us"])) + 1 for _ in DEPARTMENTS])
    prefix = np.array([d[2] for d in DEPARTMENTS], dtype=S)[dept]
    return _render(rng, [(40, c["code"][cluster]),
                         (35, _cat(prefix, "-", _digits(perms[dept, cluster], 6))), (25, None)])


def generate(n: int, seed: int = SEED) -> pd.DataFrame:
    """n customer rows as departments typed them, with `true_cluster` (same customer, same id).

    Deterministic for a seed. Rows are shuffled, so copies of a customer are not adjacent;
    `_source_row` counts from 2 (under a header row) within each department's file.
    """
    rng = np.random.default_rng(seed)
    sizes = _cluster_sizes(rng, n)
    c = _customers(rng, len(sizes))
    order = rng.permutation(n)
    cluster = np.repeat(np.arange(len(sizes)), sizes)[order]
    rank = (np.arange(n) - np.repeat(np.cumsum(sizes) - sizes, sizes))[order]
    dept = _departments(rng, c["us"], cluster, rank)
    us = c["us"][cluster]
    parts = [(mask, {k: v[cluster[mask]] for k, v in c.items()}) for mask in (~us, us)]
    data: dict[str, object] = {"customer_code": _codes(rng, c, cluster, dept)}
    for column, renders in COLUMNS.items():
        data[column] = values = np.full(n, None, dtype=object)
        for (mask, r), render in zip(parts, renders, strict=True):
            if render is not None and mask.any():
                values[mask] = render(rng, r, rank[mask])
    frame = pd.DataFrame(data)
    frame["_source_file"] = np.array([d[0] for d in DEPARTMENTS], dtype=object)[dept]
    frame["_source_sheet"] = np.array([d[1] for d in DEPARTMENTS], dtype=object)[dept]
    frame["_source_row"] = frame.groupby("_source_file").cumcount().to_numpy() + 2
    frame["true_cluster"] = cluster
    return frame


def label_pairs(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row positions (i, j), i < j, with equal labels: one numpy step per group size."""
    order = np.argsort(labels, kind="stable")
    _, starts, counts = np.unique(labels[order], return_index=True, return_counts=True)
    left, right = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)]
    for size in np.unique(counts[counts > 1]).tolist():
        rows = order[starts[counts == size][:, None] + np.arange(size)]
        i, j = np.triu_indices(size, 1)
        left.append(np.minimum(rows[:, i], rows[:, j]).ravel())
        right.append(np.maximum(rows[:, i], rows[:, j]).ravel())
    return np.concatenate(left), np.concatenate(right)


def true_pairs(frame: pd.DataFrame) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, of row positions that are one true customer."""
    i, j = label_pairs(frame["true_cluster"].to_numpy())
    return set(zip(i.tolist(), j.tolist(), strict=True))


def pairwise_scores(predicted_pairs: set[tuple[int, int]],
                    true_pairs: set[tuple[int, int]]) -> tuple[float, float]:
    """(precision, recall) of predicted same-customer pairs; 1.0 where there is nothing to
    be right or wrong about."""
    small, large = sorted((predicted_pairs, true_pairs), key=len)
    hits = sum(1 for pair in small if pair in large)
    return (hits / len(predicted_pairs) if predicted_pairs else 1.0,
            hits / len(true_pairs) if true_pairs else 1.0)


def cluster_scores(predicted: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """pairwise_scores of two labellings from group sizes alone, without building a pair.

    A missing predicted label (NaN) is a row of its own.
    """
    pred = pd.Series(predicted, dtype="float64")
    pred = pred.fillna(pd.Series(-1.0 - np.arange(len(pred)), index=pred.index))
    both = pd.DataFrame({"p": pred.to_numpy(), "t": np.asarray(truth)})

    def pairs(keys: list[str]) -> int:
        sizes = both.groupby(keys).size().to_numpy(dtype=np.int64)
        return int((sizes * (sizes - 1) // 2).sum())

    hits, guessed, real = pairs(["p", "t"]), pairs(["p"]), pairs(["t"])
    return (hits / guessed if guessed else 1.0, hits / real if real else 1.0)


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dedupe_truth")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, required=True, help="FILE.parquet or FILE.csv")
    args = parser.parse_args(argv)
    frame, out = generate(args.rows, args.seed), args.out
    if out.suffix == ".parquet" and importlib.util.find_spec("pyarrow") is None:
        out = out.with_suffix(".csv")
        print(f"pyarrow is not installed: writing {out} instead", file=sys.stderr)
    if out.suffix == ".parquet":
        frame.to_parquet(out, index=False)
    else:
        frame.to_csv(out, index=False)
    sizes = frame["true_cluster"].value_counts()
    pairs = len(label_pairs(frame["true_cluster"].to_numpy())[0])
    print(f"{len(frame):,} rows, {len(sizes):,} true customers ({(sizes > 1).mean():.0%} typed "
          f"more than once), {pairs:,} true pairs -> {out}")
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
