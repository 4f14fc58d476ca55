"""What a value of each semantic type looks like, as regular expressions over text.

`STRICT` patterns say "this value clearly is one": they decide a column from its values
alone. `LOOSE` patterns say "this value could be one" and count only when the header
names the type (a `Company` column of `Lantern Street Books`, a `City` of `Providence`).
Both are matched in full against a value with surrounding spaces allowed, and accept
full-width digits (`\\d` in Python matches `０-９`).
"""

from __future__ import annotations

from migrator.reference.companies import COMPANY_MARKERS
from migrator.reference.places import PREFECTURES

SP = r"[ \u3000]"
HY = r"[-－‐‑‒–—―−ーｰ]"
SEP = r"[ \u3000.\-－‐‑‒–—―−ーｰ]"
_GAP = rf"(?:{SEP}*[(（)）]{SEP}*|{SEP}+)"
_EXT = (rf"(?:{SP}*[(（]?(?:x|ext\.?|#|内線){SP}*\d{{1,5}}[)）]?"
        rf"|{SP}*[(（](?:代|代表|直通|直|携帯)[)）])?")
_PHONE_SEPARATED = (
    rf"(?:[(（]?[0０](?:\d[)）]?{_GAP}\d{{4}}|\d\d[)）]?{_GAP}\d{{3}}|\d{{3}}[)）]?{_GAP}\d\d"
    rf"|\d{{4}}[)）]?{_GAP}\d){_GAP}\d{{4}}"
    rf"|[(（]?[0０](?:\d\d[)）]?{_GAP}\d{{4}}|\d{{3}}[)）]?{_GAP}\d{{3}}){_GAP}\d{{3,4}}"
    rf"|[+＋]\d{{1,3}}(?:{_GAP}?[(（]?\d{{1,4}}[)）]?){{2,5}}"
    rf"|(?:1{SEP})?(?:[(（]\d{{3}}[)）]{SEP}*|\d{{3}}{SEP})\d{{3}}{SEP}\d{{4}})"
)
PHONE = rf"(?:{_PHONE_SEPARATED}|[0０]\d{{9,10}}){_EXT}"
"""03-1234-5678, 0312345678, ０３（１２３４）５６７８, +81 3 1234 5678, (212) 555-0142,
212.555.0199, +1 212 555 0100 x12. A Japanese number has 10 or 11 digits: the area
and local parts together 6 (03-1234-5678, 0467-12-3456) or 7 (090-1234-5678,
0120-123-456), then 3 or 4 more."""

_POSTAL_MARKED = rf"(?:〒{SP}*\d{{3}}{HY}?\d{{4}}|\d{{3}}{HY}\d{{4}})"
POSTAL = rf"(?:{_POSTAL_MARKED}|\d{{7}}|\d{{5}}(?:{HY}\d{{4}})?)"
"""〒150-0002, 150-0002, 1500002, １３５－００６１; US 02134 and 02134-1234."""

EMAIL = r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+"
URL = (r"(?i:(?:https?://|www\.)\S+"
       r"|(?:[a-z0-9-]+\.)+(?:com|net|org|jp|io|co|us|info|biz|dev|app)(?:/\S*)?)")

_DS = r"[-/.／－.]"
_TIME = r"(?:(?:[ T]|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_MONTH = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE = (
    rf"(?:\d{{4}}{_DS}\d{{1,2}}{_DS}\d{{1,2}}|\d{{4}}年{SP}*\d{{1,2}}月{SP}*\d{{1,2}}日"
    rf"|\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{4}}|{_MONTH}{SP}+\d{{1,2}},?{SP}+\d{{4}}"
    rf"|\d{{1,2}}{SP}+{_MONTH},?{SP}+\d{{4}}){_TIME}"
)
"""2021/4/1, 2021-04-01, 2021年4月1日, 4/1/2021, April 1, 2021, 1 Apr 2021."""

WAREKI = (
    rf"(?:明治|大正|昭和|平成|令和|[㍾㍽㍼㍻㋿]|[MTSHRmtshrＭＴＳＨＲ]\.?){SP}*(?:\d{{1,2}}|元)"
    rf"{SP}*(?:年|{_DS}){SP}*\d{{1,2}}{SP}*(?:月|{_DS}){SP}*\d{{1,2}}{SP}*日?"
)
"""令和3年4月1日, 令和元年5月1日, R3.4.1, H30/12/5, S59/10/29."""

KANA = (r"(?=.*[\u3041-\u3096\u30A1-\u30FA\uFF66-\uFF9D])"
        r"[\u3041-\u309F\u30A0-\u30FF\u31F0-\u31FF\uFF65-\uFF9F \u3000･\-－=＝]+")
"""ヤマダ タロウ, ﾔﾏﾀﾞ ﾀﾛｳ, やまだ: kana, spaces and the marks between kana only."""

COMPANY = COMPANY_MARKERS

_JA = r"\u3041-\u309F\u30A0-\u30FF\u3005-\u3007\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFFヶ"
_PREFS = "|".join(PREFECTURES)
_STREET_TYPES = (r"(?i:st|street|ave|avenue|blvd|boulevard|rd|road|dr|drive|ln|lane|way|ct"
                 r"|court|pl|place|pkwy|parkway|hwy|highway|ter|terrace|cir|circle|sq|square"
                 r"|trl|trail|loop|row|pike|broadway)")
ADDRESS = (
    rf"(?s:(?:〒?{SP}*\d{{3}}{HY}?\d{{4}}{SP}*)?(?:{_PREFS}){SP}*[{_JA}\w].*"
    rf"|[{_JA}]{{1,12}}[市区町村郡]"
    rf"|[{_JA}]*{SP}*\d{{1,4}}(?:丁目|{HY})\d{{1,3}}(?:番地?|{HY})\d{{1,4}}号?(?:{SP}+.*)?"
    rf"|[{_JA}]+{SP}*\d{{1,4}}(?:丁目|{HY}|番地?)\d{{1,4}}.*"
    rf"|\d{{1,6}}[A-Za-z]?\s+(?:[A-Za-z0-9'.]+\s+){{1,4}}{_STREET_TYPES}\b\.?(?:[\s,#].*)?)"
)
"""東京都港区芝公園1-4-12, 千代田区, さいたま市大宮区, 内神田3-7-2 第二月見野ビル4F, 1-2-3,
446 Orchard Way, 419 Summit Blvd, Suite 600. A bare `中村` also ends in 村: one surname
among many names does not make a column an address, a column of them might."""

AMOUNT = (rf"[-+−△▲]?{SP}*[¥￥$＄€£]?{SP}*(?:\d{{1,3}}(?:[,，]\d{{3}})+|0|[1-9]\d*)"
          rf"(?:[.．]\d+)?{SP}*(?:円|万円|千円|ドル|USD|JPY|EUR|[$＄])?")
"""1234, ¥1,234, 1,234円, $1,234.50; a bare number with a leading zero is a code, not money."""

DISTINCT = rf"(?:{EMAIL}|{URL}|{_PHONE_SEPARATED}{_EXT}|{_POSTAL_MARKED}|{DATE}|{WAREKI})"
"""Values no header can talk round: an e-mail is an e-mail under `会社名` too."""
_NOT_DISTINCT = rf"(?!\s*{DISTINCT}\s*$)"
_WORDY = rf"(?s:{_NOT_DISTINCT}.*[A-Za-z{_JA}\uFF21-\uFF3A\uFF41-\uFF5A\uFF66-\uFF9F].*)"
_ALNUM = "[A-Za-z0-9Ａ-Ｚａ-ｚ０-９]"
_NAME_JA = (r"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF々〆ヶ]{1,5}[ \u3000]*"
            r"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF々〆ヶ\u3041-\u3096\u30A1-\u30FAー]{1,6}")
_NAME_EN = r"[A-Z][A-Za-z'’.\-]*(?:,?\s+[A-Z][A-Za-z'’.\-]*){1,3}"
_NAME_PART = (r"[A-Z][A-Za-z'’\-]+|[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF々〆ヶ"
              r"\u3041-\u3096\u30A1-\u30FAー]{1,6}")
"""One part of a name, under a First Name / 姓 / 名 header: `Emma`, `山田`, `健`."""
_BUSINESS_WORDS = (
    r"(?i:\b(?:trading|traders|supplies|supply|systems|services|solutions|group|holdings"
    r"|industries|partners|associates|consulting|company|corporation|bakery|cafe|café"
    r"|restaurant|shop|store|books|hardware|dental|clinic|florist|outfitters|foods|motors"
    r"|labs?|studios?|design|media|works|agency|market|center|centre|hotel|farm|school"
    r"|university|bank|insurance|logistics|electric|construction|realty|properties)\b)")
PERSON = (rf"(?!.*(?:{COMPANY_MARKERS}|{_BUSINESS_WORDS}))"
          r"(?:[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF々〆ヶ]{1,4}[ \u3000]+"
          r"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF々〆ヶ\u3041-\u3096\u30A1-\u30FAー]{1,5}"
          r"|[A-Z][a-z'’\-]+(?:\s+[A-Z]\.?)?\s+[A-Z][a-z'’\-]+|[A-Z][a-z'’\-]+,\s*[A-Z][a-z'’\-]+)")
"""What only a person's name looks like: `山田 花子` (a space between family and given name),
`Emma Johnson`, `Johnson, Emma`, with no legal form and no business word."""

STRICT: dict[str, str] = {
    "email": EMAIL, "url": URL, "wareki_date": WAREKI, "date": DATE, "phone": PHONE,
    "postal_code": POSTAL, "company_name": COMPANY, "address": ADDRESS, "kana": KANA,
    "amount": AMOUNT,
}
"""Types a value can show by itself; `region` is matched against REGION_VALUES instead."""
SEARCHED = frozenset({"company_name"})
"""Strict patterns found anywhere in the value (`…株式会社`, `株式会社…`), not matched in full."""

LOOSE: dict[str, str] = {
    "phone": r"\d{9,11}",
    "postal_code": r"\d{3,7}",
    "customer_code": (rf"(?=\S{{1,24}}\s*$)(?:{_ALNUM}*\d{_ALNUM}*"
                      rf"|{_NOT_DISTINCT}(?=\S*\d){_ALNUM}[{_ALNUM[1:-1]}\-_./#－]*)"),
    "person_name": rf"(?!.*(?:{COMPANY_MARKERS}))(?:{_NAME_JA}|{_NAME_EN}|{_NAME_PART})",
    "company_name": _WORDY,
    "address": _WORDY,
    "kana": (r"(?=.*[\u3041-\u3096\u30A1-\u30FA\uFF66-\uFF9D])[\u3041-\u309F\u30A0-\u30FF"
             r"\uFF65-\uFF9F \u3000･\-－=＝A-Za-zＡ-Ｚａ-ｚ0-9０-９.&＆()（）]+"),
    "amount": rf"{_NOT_DISTINCT}[-+−△▲]?{SP}*[¥￥$＄€£]?{SP}*\d[\d,，.．]*{SP}*(?:円|万円|千円)?",
    "date": WAREKI,
    "wareki_date": DATE,
    "text": rf"(?s:{_NOT_DISTINCT}.*)",
}
"""What the header's type also accepts; a date header takes wareki dates and the other
way round (both are dates to a person)."""


def full(pattern: str) -> str:
    """`pattern` matched against the whole value, surrounding spaces allowed."""
    return rf"\s*(?:{pattern})\s*"
