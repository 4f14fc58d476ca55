"""Small lists of fictional names, places and products for the sample workbooks.

Every company and person built from these lists is made up; places are real towns
with their postal codes so the addresses look right, but street numbers are random.
"""

# (kanji, katakana, romaji) stems of fictional company names.
COMPANY_STEMS: list[tuple[str, str, str]] = [
    ("星見電機", "ホシミデンキ", "hoshimi-denki"),
    ("こもれび食品", "コモレビショクヒン", "komorebi-foods"),
    ("白樺システム", "シラカバシステム", "shirakaba-sys"),
    ("若葉台印刷", "ワカバダイインサツ", "wakabadai-print"),
    ("東雲ロジテック", "シノノメロジテック", "shinonome-logitec"),
    ("月見野商事", "ツキミノショウジ", "tsukimino-shoji"),
    ("虹橋設計", "ニジハシセッケイ", "nijihashi-sekkei"),
    ("鈴蘭化成", "スズランカセイ", "suzuran-kasei"),
    ("青嵐トレーディング", "セイラントレーディング", "seiran-trading"),
    ("藤ヶ丘工業", "フジガオカコウギョウ", "fujigaoka-kogyo"),
    ("銀杏堂", "イチョウドウ", "ichodo"),
    ("水鏡ソリューションズ", "ミズカガミソリューションズ", "mizukagami-sol"),
    ("春霞企画", "ハルガスミキカク", "harugasumi-kikaku"),
    ("つばめ運輸", "ツバメウンユ", "tsubame-unyu"),
    ("柏木製作所", "カシワギセイサクショ", "kashiwagi-ss"),
    ("桜川物産", "サクラガワブッサン", "sakuragawa-bussan"),
    ("ひまわり建設", "ヒマワリケンセツ", "himawari-kensetsu"),
    ("朱雀ネットワークス", "スザクネットワークス", "suzaku-net"),
    ("若竹フーズ", "ワカタケフーズ", "wakatake-foods"),
    ("空色デザイン", "ソライロデザイン", "sorairo-design"),
    ("北星精機", "ホクセイセイキ", "hokusei-seiki"),
    ("みどり坂薬品", "ミドリザカヤクヒン", "midorizaka-yakuhin"),
    ("寿々木商店", "ススキショウテン", "susuki-shoten"),
    ("丸三テクノ", "マルサンテクノ", "marusan-techno"),
    ("大河内製紙", "オオコウチセイシ", "okochi-seishi"),
    ("波止場コーヒー", "ハトバコーヒー", "hatoba-coffee"),
    ("山吹エンジニアリング", "ヤマブキエンジニアリング", "yamabuki-eng"),
    ("七色ラボ", "ナナイロラボ", "nanairo-lab"),
    ("千鳥電設", "チドリデンセツ", "chidori-densetsu"),
    ("梢メディカル", "コズエメディカル", "kozue-medical"),
    ("小春日和舎", "コハルビヨリシャ", "koharubiyori"),
    ("風見鶏ホーム", "カザミドリホーム", "kazamidori-home"),
    ("灯台出版", "トウダイシュッパン", "todai-pub"),
    ("宵待草酒造", "ヨイマチグサシュゾウ", "yoimachigusa"),
    ("岬マリン", "ミサキマリン", "misaki-marine"),
    ("石畳不動産", "イシダタミフドウサン", "ishidatami-re"),
    ("紬屋", "ツムギヤ", "tsumugiya"),
    ("雲雀ファーム", "ヒバリファーム", "hibari-farm"),
    ("藍染工房", "アイゾメコウボウ", "aizome-kobo"),
    ("琥珀オフィス", "コハクオフィス", "kohaku-office"),
    ("橘エナジー", "タチバナエナジー", "tachibana-energy"),
    ("冬桜アパレル", "フユザクラアパレル", "fuyuzakura"),
    ("野分通信", "ノワキツウシン", "nowaki-tsushin"),
    ("蛍川建材", "ホタルガワケンザイ", "hotarugawa"),
    ("朝凪観光", "アサナギカンコウ", "asanagi-kanko"),
    ("木漏日不動産", "コモレビフドウサン", "komorebi-re"),
    ("鶴ヶ峰機工", "ツルガミネキコウ", "tsurugamine"),
    ("椿ケミカル", "ツバキケミカル", "tsubaki-chem"),
]

# (kanji, katakana, romaji) family names; the CP932-only spellings come last.
FAMILY_NAMES: list[tuple[str, str, str]] = [
    ("佐藤", "サトウ", "sato"), ("鈴木", "スズキ", "suzuki"), ("高橋", "タカハシ", "takahashi"),
    ("田中", "タナカ", "tanaka"), ("伊藤", "イトウ", "ito"), ("渡辺", "ワタナベ", "watanabe"),
    ("山本", "ヤマモト", "yamamoto"), ("中村", "ナカムラ", "nakamura"),
    ("小林", "コバヤシ", "kobayashi"), ("加藤", "カトウ", "kato"), ("吉田", "ヨシダ", "yoshida"),
    ("山田", "ヤマダ", "yamada"), ("佐々木", "ササキ", "sasaki"), ("松本", "マツモト", "matsumoto"),
    ("井上", "イノウエ", "inoue"), ("木村", "キムラ", "kimura"), ("清水", "シミズ", "shimizu"),
    ("長谷川", "ハセガワ", "hasegawa"), ("後藤", "ゴトウ", "goto"), ("前田", "マエダ", "maeda"),
]
CP932_FAMILY_NAMES: list[tuple[str, str, str]] = [
    ("髙橋", "タカハシ", "takahashi"), ("山﨑", "ヤマザキ", "yamazaki"),
    ("宮﨑", "ミヤザキ", "miyazaki"), ("髙田", "タカダ", "takada"),
]

GIVEN_NAMES: list[tuple[str, str, str]] = [
    ("太郎", "タロウ", "taro"), ("花子", "ハナコ", "hanako"), ("健一", "ケンイチ", "kenichi"),
    ("美咲", "ミサキ", "misaki"), ("大輔", "ダイスケ", "daisuke"), ("陽子", "ヨウコ", "yoko"),
    ("翔太", "ショウタ", "shota"), ("恵", "メグミ", "megumi"), ("誠", "マコト", "makoto"),
    ("由美", "ユミ", "yumi"), ("拓也", "タクヤ", "takuya"), ("直子", "ナオコ", "naoko"),
    ("和也", "カズヤ", "kazuya"), ("里奈", "リナ", "rina"), ("浩二", "コウジ", "koji"),
    ("明美", "アケミ", "akemi"), ("悠斗", "ユウト", "yuto"), ("千尋", "チヒロ", "chihiro"),
]

# (postal code, prefecture, city, town, phone area code, first digit of the local part)
PLACES: list[tuple[str, str, str, str, str, str]] = [
    ("150-0002", "東京都", "渋谷区", "渋谷", "03", "5"),
    ("105-0011", "東京都", "港区", "芝公園", "03", "5"),
    ("160-0022", "東京都", "新宿区", "新宿", "03", "5"),
    ("101-0047", "東京都", "千代田区", "内神田", "03", "5"),
    ("103-0027", "東京都", "中央区", "日本橋", "03", "5"),
    ("135-0061", "東京都", "江東区", "豊洲", "03", "5"),
    ("220-0012", "神奈川県", "横浜市西区", "みなとみらい", "045", "9"),
    ("330-0854", "埼玉県", "さいたま市大宮区", "桜木町", "048", "9"),
    ("260-0015", "千葉県", "千葉市中央区", "富士見", "043", "9"),
    ("530-0001", "大阪府", "大阪市北区", "梅田", "06", "6"),
    ("460-0008", "愛知県", "名古屋市中区", "栄", "052", "9"),
    ("812-0011", "福岡県", "福岡市博多区", "博多駅前", "092", "9"),
    ("060-0001", "北海道", "札幌市中央区", "北一条西", "011", "9"),
    ("980-0021", "宮城県", "仙台市青葉区", "中央", "022", "9"),
]

BUILDINGS: list[str] = [
    "星見ビル", "第二月見野ビル", "グリーンハイツ", "コーポ若葉", "サンライズタワー",
    "メゾン白樺", "リバーサイド東雲", "朝凪プラザ",
]

DEPARTMENTS: list[str] = ["営業1課", "営業2課", "営業3課"]

# (product name, unit price in yen)
PRODUCTS: list[tuple[str, int]] = [
    ("コピー用紙 A4", 2480), ("トナー カートリッジ", 12800), ("事務椅子", 24800),
    ("ボールペン 黒 10本入", 980), ("クリアファイル A4 100枚", 1200), ("ホッチキス", 780),
    ("付箋 75mm 10冊", 1050), ("電卓 12桁", 2980), ("ファイルボックス 5個組", 1980),
    ("LED デスクライト", 6800), ("シュレッダー", 18500), ("封筒 長3 1000枚", 3600),
]

NOTES: list[str] = [
    "毎月20日締め、翌月末払い。",
    "請求書は郵送希望。\n担当者変更あり（2023年10月）。",
    "年度末に大口発注の傾向あり。",
    "電話は午前中のみ対応可。",
    "納品時は受付で入館証を受け取ること。",
]

US_COMPANIES: list[str] = [
    "Harborview Office Supply", "Granite Peak Traders", "Blue Heron Design LLC",
    "Maple & Pine Co.", "Lantern Street Books", "Quiet Creek Bakery",
    "Copperleaf Analytics", "Old Mill Hardware", "Saltmarsh Outfitters",
    "Tall Oak Consulting", "Brightwater Labs Inc.", "Red Barn Printing",
    "Juniper Lane Florists", "Ironbridge Logistics", "Kettle Pond Tea Co.",
    "Foxglove Pharmacy", "Windward Sailmakers", "Cobblestone Dental Group",
    "Starling Robotics", "Hearthside Furniture", "Pinecone Pediatrics",
    "Tidewater Fish Market", "Silver Birch Studio", "Long Meadow Farms",
    "Beacon Hill Stationers",
]
US_FIRST: list[str] = [
    "Alice", "Brian", "Carmen", "Derek", "Elena", "Frank", "Grace", "Hector",
    "Irene", "Jamal", "Kara", "Liam", "Maya", "Noah", "Olivia", "Priya",
]
US_LAST: list[str] = [
    "Abbott", "Brennan", "Castillo", "Dunmore", "Ellery", "Fairbanks", "Galloway",
    "Hollis", "Ingram", "Jessup", "Kowalski", "Lindqvist", "Merriweather", "Navarro",
]
US_STREETS: list[str] = [
    "Elm St", "Harbor Rd", "Maple Ave", "Mill Pond Ln", "Chestnut St", "Water St",
    "Orchard Way", "Summit Blvd",
]
# (city, state, ZIP) — New England first: their ZIPs start with 0.
US_PLACES: list[tuple[str, str, str]] = [
    ("Boston", "MA", "02134"), ("Hartford", "CT", "06103"), ("Providence", "RI", "02903"),
    ("Portland", "ME", "04101"), ("Burlington", "VT", "05401"), ("Manchester", "NH", "03101"),
    ("Springfield", "MA", "01103"), ("New York", "NY", "10001"), ("Chicago", "IL", "60601"),
    ("San Francisco", "CA", "94105"), ("Austin", "TX", "78701"), ("Seattle", "WA", "98101"),
]
US_AREA_CODES: dict[str, str] = {
    "MA": "617", "CT": "860", "RI": "401", "ME": "207", "VT": "802", "NH": "603",
    "NY": "212", "IL": "312", "CA": "415", "TX": "512", "WA": "206",
}
