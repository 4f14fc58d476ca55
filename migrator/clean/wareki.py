"""Japanese era dates (wareki): `令和3年4月1日`, `R3.4.1`, `H.30.12.5`, `令和三年四月一日`.

Our own code because no library reads wareki in every form people type (letters, one
kanji, kanji numerals, 元年, full width), and the ones that infer dates drop them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from migrator.errors import RejectReason

TEMPLATES: dict[RejectReason, str] = {  # DateError's message when none is given
    RejectReason.INVALID_DATE: "not a date we can read; write it as 2021-04-01 or 2021/4/1",
    RejectReason.IMPOSSIBLE_DATE: "no such day in the calendar; check the month and day",
    RejectReason.WAREKI_UNPARSEABLE: (
        "an era date we cannot read; write it as 令和3年4月1日 or R3.4.1"
    ),
    RejectReason.WAREKI_OUT_OF_ERA: "{era} ran from {start}; write the date in its own era",
    RejectReason.WAREKI_LUNAR_DATE: (
        "明治 dates before 明治6年 are in the lunar calendar; write the Gregorian date"
    ),
}


class DateError(ValueError):
    """A value that is not a date, with its reason code and a sentence naming the fix."""

    def __init__(self, value: object, reason: RejectReason, message: str | None = None) -> None:
        self.reason = reason
        super().__init__(f"{value}: {message or TEMPLATES[reason]}")


@dataclass(frozen=True)
class Era:
    name: str
    """The era in kanji (`令和`)."""
    start: date
    """Its first day (Gregorian)."""
    last_year: int | None
    """The Gregorian year it ended in; dates later that year are still read (H31.5.1)."""

    @property
    def offset(self) -> int:
        return self.start.year - 1


# Meiji starts on 1868-10-23 (明治元年9月8日, the day of the proclamation, in the
# Gregorian calendar); Japan kept the lunar calendar until 明治5年12月2日, so a Meiji
# date before 明治6年1月1日 (1873-01-01) cannot be converted by arithmetic.
GREGORIAN_ADOPTED = date(1873, 1, 1)
MEIJI = Era("明治", date(1868, 10, 23), 1912)
ERAS: dict[str, Era] = {}
for _era, _letter in [
    (MEIJI, "M"),
    (Era("大正", date(1912, 7, 30), 1926), "T"),
    (Era("昭和", date(1926, 12, 25), 1989), "S"),
    (Era("平成", date(1989, 1, 8), 2019), "H"),
    (Era("令和", date(2019, 5, 1), None), "R"),
]:
    ERAS.update({_era.name: _era, _era.name[0]: _era, _letter: _era})

KANJI_DIGITS = "〇一二三四五六七八九"
_NUM = rf"\d{{1,2}}|[{KANJI_DIGITS}十]{{1,3}}"
_ERA = r"明治|大正|昭和|平成|令和|[明大昭平令MTSHR]"
LOOKS_WAREKI = re.compile(
    rf"^(?:明治|大正|昭和|平成|令和|[明大昭平令MTSHR]\.?[\d元{KANJI_DIGITS}十])"
)
WAREKI = re.compile(
    rf"^(?P<era>{_ERA})\.?(?P<y>\d{{1,2}}|元|[{KANJI_DIGITS}十]{{1,3}})"
    rf"(?:年(?P<m>{_NUM})月(?P<d>{_NUM})日?"
    r"|(?P<sep>[./-])(?P<m2>\d{1,2})(?P=sep)(?P<d2>\d{1,2}))$"
)
DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−ー"})
WEEKDAY = re.compile(
    r"\((?:[月火水木金土日](?:曜日?)?|(?:MON|TUE|WED|THU|FRI|SAT|SUN)[A-Z]*\.?)\)$"
)


def normalise(text: str) -> str:
    """Full width to ASCII, upper case, one kind of dash, no weekday in brackets."""
    text = unicodedata.normalize("NFKC", text).strip().upper().translate(DASHES)
    return WEEKDAY.sub("", text).strip() if text.endswith(")") else text


def kanji_number(text: str) -> int:
    """`12`, `十二`, `二十五`, `二〇二一`, `元` → int (元年 is year 1)."""
    if text.isdigit():
        return int(text)
    if text == "元":
        return 1
    if "十" in text:
        tens, _, ones = text.partition("十")
        return 10 * (KANJI_DIGITS.index(tens) if tens else 1) + (
            KANJI_DIGITS.index(ones) if ones else 0
        )
    return int("".join(str(KANJI_DIGITS.index(c)) for c in text))


def parse_wareki(text: str) -> date:
    """An era date (`令和3年4月1日`, `R03/04/01`, `Ｈ３１．５．１`) → date; DateError otherwise.

    A date after its era ended is read while it is in the era's last Gregorian year
    (H31.5.1 is 2019-05-01, what people kept writing); later years, dates before the
    era began and year 0 are `wareki_out_of_era`.
    """
    compact = re.sub(r"\s+", "", normalise(text))
    match = WAREKI.match(compact)
    if match is None:
        raise DateError(text, RejectReason.WAREKI_UNPARSEABLE)
    try:
        era = ERAS[match["era"]]
        year = kanji_number(match["y"])
        month = kanji_number(match["m"] or match["m2"])
        day = kanji_number(match["d"] or match["d2"])
    except ValueError as err:  # a kanji that is not a digit: 十十, 〇十
        raise DateError(text, RejectReason.WAREKI_UNPARSEABLE) from err
    return _in_era(text, era, year, month, day)


def _in_era(text: str, era: Era, year: int, month: int, day: int) -> date:
    if year < 1:
        raise DateError(text, RejectReason.WAREKI_OUT_OF_ERA, f"{era.name} starts at 元年 (year 1)")
    try:
        value = date(era.offset + year, month, day)
    except ValueError as err:
        raise DateError(text, RejectReason.IMPOSSIBLE_DATE) from err
    if era.last_year is not None and value.year > era.last_year:
        message = f"{era.name} ended in {era.last_year}; write the date in the next era"
        raise DateError(text, RejectReason.WAREKI_OUT_OF_ERA, message)
    if value < era.start:
        message = TEMPLATES[RejectReason.WAREKI_OUT_OF_ERA].format(era=era.name, start=era.start)
        raise DateError(text, RejectReason.WAREKI_OUT_OF_ERA, message)
    if era is MEIJI and value < GREGORIAN_ADOPTED:
        raise DateError(text, RejectReason.WAREKI_LUNAR_DATE)
    return value
