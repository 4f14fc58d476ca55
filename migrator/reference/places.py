"""Places every stage may know: prefectures, US states, postal ranges and countries.

Kept as data, apart from the code that uses it, so a reviewer can check it against a
map and extend it without reading numpy. The profile recognises regions with it and
the clean stage writes them canonically with it.
"""

from __future__ import annotations

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

PREFECTURE_BY_CODE: dict[int, str] = {i + 1: name for i, name in enumerate(PREFECTURES)}
"""JIS X 0401 codes 1-47 (`13` is 東京都)."""

PREFECTURE_BY_ROMAJI: dict[str, str] = dict(zip(PREFECTURES_ROMAJI, PREFECTURES, strict=True))

JP_POSTAL_PREFIXES: dict[str, tuple[str, ...]] = {
    "北海道": ("00", "04", "05", "06", "07", "08", "09"), "青森県": ("03",),
    "岩手県": ("02",), "宮城県": ("98",), "秋田県": ("01",), "山形県": ("99",),
    "福島県": ("96", "97"), "茨城県": ("30", "31"), "栃木県": ("32",), "群馬県": ("37",),
    "埼玉県": ("33", "34", "35", "36"), "千葉県": ("26", "27", "28", "29"),
    "東京都": ("10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"),
    "神奈川県": ("21", "22", "23", "24", "25"), "新潟県": ("94", "95"), "富山県": ("93",),
    "石川県": ("92",), "福井県": ("91",), "山梨県": ("40",), "長野県": ("38", "39"),
    "岐阜県": ("50",), "静岡県": ("41", "42", "43"),
    "愛知県": ("44", "45", "46", "47", "48", "49"), "三重県": ("51",), "滋賀県": ("52",),
    "京都府": ("60", "61", "62"), "大阪府": ("53", "54", "55", "56", "57", "58", "59"),
    "兵庫県": ("65", "66", "67"), "奈良県": ("63",), "和歌山県": ("64",), "鳥取県": ("68",),
    "島根県": ("69",), "岡山県": ("70", "71"), "広島県": ("72", "73"),
    "山口県": ("74", "75"), "徳島県": ("77",), "香川県": ("76",), "愛媛県": ("79",),
    "高知県": ("78",), "福岡県": ("80", "81", "82", "83"), "佐賀県": ("84",),
    "長崎県": ("85",), "熊本県": ("86",), "大分県": ("87",), "宮崎県": ("88",),
    "鹿児島県": ("89",), "沖縄県": ("90",),
}
"""The first two digits of each prefecture's postal codes (Japan Post's ranges).

A few border towns share a range (大阪府島本町 has 618-, a 京都府 range), so a code that
does not match its prefecture is noted, never rejected."""

US_STATE_ABBREVIATIONS: dict[str, str] = {
    "ala": "AL", "ariz": "AZ", "ark": "AR", "calif": "CA", "cal": "CA", "colo": "CO",
    "conn": "CT", "del": "DE", "fla": "FL", "ga": "GA", "ill": "IL", "ind": "IN",
    "kan": "KS", "kans": "KS", "ky": "KY", "la": "LA", "md": "MD", "mass": "MA",
    "mich": "MI", "minn": "MN", "miss": "MS", "mo": "MO", "mont": "MT", "neb": "NE",
    "nebr": "NE", "nev": "NV", "okla": "OK", "ore": "OR", "oreg": "OR", "pa": "PA",
    "penn": "PA", "tenn": "TN", "tex": "TX", "vt": "VT", "va": "VA", "wash": "WA",
    "wis": "WI", "wisc": "WI", "wyo": "WY", "wva": "WV", "washington dc": "DC",
}
"""AP-style and common short forms (`Calif.`, `Mass.`), lower-case without dots."""

US_STATE_BY_NAME: dict[str, str] = {name.lower(): code for code, name in US_STATES.items()}

COUNTRIES: dict[str, tuple[str, ...]] = {
    "JP": ("JPN", "Japan", "日本", "日本国", "にほん", "にっぽん", "ニホン", "ニッポン"),
    "US": ("USA", "United States", "United States of America", "America", "U.S.", "U.S.A.",
           "アメリカ", "アメリカ合衆国", "米国", "合衆国"),
    "GB": ("GBR", "UK", "United Kingdom", "Great Britain", "Britain", "England", "イギリス",
           "英国", "連合王国"),
    "KR": ("KOR", "Korea", "South Korea", "Republic of Korea", "韓国", "大韓民国"),
    "KP": ("PRK", "North Korea", "北朝鮮", "朝鮮民主主義人民共和国"),
    "CN": ("CHN", "China", "PRC", "People's Republic of China", "中国", "中華人民共和国"),
    "TW": ("TWN", "Taiwan", "台湾", "臺灣"),
    "HK": ("HKG", "Hong Kong", "香港"),
    "MO": ("MAC", "Macao", "Macau", "マカオ", "澳門"),
    "SG": ("SGP", "Singapore", "シンガポール"),
    "TH": ("THA", "Thailand", "タイ"),
    "VN": ("VNM", "Vietnam", "Viet Nam", "ベトナム"),
    "PH": ("PHL", "Philippines", "フィリピン"),
    "MY": ("MYS", "Malaysia", "マレーシア"),
    "ID": ("IDN", "Indonesia", "インドネシア"),
    "IN": ("IND", "India", "インド"),
    "MN": ("MNG", "Mongolia", "モンゴル"),
    "KH": ("KHM", "Cambodia", "カンボジア"),
    "MM": ("MMR", "Myanmar", "Burma", "ミャンマー"),
    "BD": ("BGD", "Bangladesh", "バングラデシュ"),
    "PK": ("PAK", "Pakistan", "パキスタン"),
    "NP": ("NPL", "Nepal", "ネパール"),
    "LK": ("LKA", "Sri Lanka", "スリランカ"),
    "AU": ("AUS", "Australia", "オーストラリア", "豪州"),
    "NZ": ("NZL", "New Zealand", "ニュージーランド"),
    "CA": ("CAN", "Canada", "カナダ"),
    "MX": ("MEX", "Mexico", "メキシコ"),
    "BR": ("BRA", "Brazil", "ブラジル"),
    "AR": ("ARG", "Argentina", "アルゼンチン"),
    "PE": ("PER", "Peru", "ペルー"),
    "CL": ("CHL", "Chile", "チリ"),
    "FR": ("FRA", "France", "フランス", "仏国"),
    "DE": ("DEU", "Germany", "ドイツ", "独国"),
    "IT": ("ITA", "Italy", "イタリア"),
    "ES": ("ESP", "Spain", "スペイン"),
    "PT": ("PRT", "Portugal", "ポルトガル"),
    "NL": ("NLD", "Netherlands", "Holland", "オランダ"),
    "BE": ("BEL", "Belgium", "ベルギー"),
    "CH": ("CHE", "Switzerland", "スイス"),
    "AT": ("AUT", "Austria", "オーストリア"),
    "SE": ("SWE", "Sweden", "スウェーデン"),
    "NO": ("NOR", "Norway", "ノルウェー"),
    "DK": ("DNK", "Denmark", "デンマーク"),
    "FI": ("FIN", "Finland", "フィンランド"),
    "IE": ("IRL", "Ireland", "アイルランド"),
    "PL": ("POL", "Poland", "ポーランド"),
    "RU": ("RUS", "Russia", "Russian Federation", "ロシア"),
    "TR": ("TUR", "Turkey", "Türkiye", "トルコ"),
    "AE": ("ARE", "United Arab Emirates", "UAE", "アラブ首長国連邦"),
    "SA": ("SAU", "Saudi Arabia", "サウジアラビア"),
    "IL": ("ISR", "Israel", "イスラエル"),
    "EG": ("EGY", "Egypt", "エジプト"),
    "ZA": ("ZAF", "South Africa", "南アフリカ"),
    "NG": ("NGA", "Nigeria", "ナイジェリア"),
    "KE": ("KEN", "Kenya", "ケニア"),
}
"""ISO 3166-1 alpha-2 → alpha-3 and the names people type, in English and Japanese.

A hand-kept table of the countries Japanese and US customer lists name most, not all 249:
an unknown name or code is rejected rather than guessed."""
