"""shop_export_cp932.csv: members exported from an old shop system in Shift_JIS (CP932)."""

import dataclasses
import datetime as dt
import random
from pathlib import Path
from typing import Any

from sample_data.records import Member, make_member
from sample_data.variants import hankaku_kana, wareki
from sample_data.xlsx import Table, save_csv

FILE = "shop_export_cp932.csv"
ENCODING = "cp932"
COLUMNS = ["会員番号", "氏名", "ﾌﾘｶﾞﾅ", "郵便番号", "住所", "電話番号", "生年月日", "登録日",
           "最終購入日"]
# Registration dates pinned for the first members, so each era spelling is present.
PINNED: list[tuple[dt.date, str]] = [
    (dt.date(2021, 4, 1), "kanji"), (dt.date(2021, 4, 1), "dot"),
    (dt.date(2018, 12, 5), "slash"), (dt.date(2019, 4, 30), "kanji"),
    (dt.date(2019, 5, 1), "kanji"),
]
FORMS = ["kanji", "dot", "slash", "western"]
ONE_MONTH = dt.timedelta(days=30)


def _date(day: dt.date | None, form: str) -> str:
    """A date as the shop system printed it: a wareki form or 2024/03/15."""
    if day is None:
        return ""
    return day.strftime("%Y/%m/%d") if form == "western" else wareki(day, form)


def _address(member: Member, index: int, rng: random.Random) -> str:
    """The address, some with a circled-digit building number or a comma in it."""
    street = member.address.split(" ")[0]
    if index % 9 == 4:
        return f"{street} コーポ若葉①-{rng.randint(101, 305)}"
    if index == 11:
        return f"{street}, 星見ビル 3F"
    return member.address


def _row(member: Member, index: int, form: str, rng: random.Random) -> list[Any]:
    """One CSV line; postal codes with or without 〒, phones with or without hyphens."""
    postal = "〒" + member.postal if rng.random() < 0.5 else member.postal.replace("-", "")
    phone = member.phone if rng.random() < 0.7 else member.phone.replace("-", "")
    return [
        member.number, member.name.replace(" ", rng.choice([" ", "　"])),
        hankaku_kana(member.kana), postal, _address(member, index, rng), phone,
        _date(member.birthday, rng.choice(FORMS)), _date(member.registered, form),
        _date(member.last_purchase, rng.choice(FORMS)),
    ]


def _members(rng: random.Random, count: int) -> list[Member]:
    """Members with rising zero-padded numbers; the first few with pinned dates."""
    numbers = sorted(rng.sample(range(1, 2000), count))
    members = [make_member(rng, n, cp932_name=i % 8 == 2) for i, n in enumerate(numbers)]
    for i, (day, _) in enumerate(PINNED):
        last = members[i].last_purchase
        if last is not None:
            last = max(last, day + ONE_MONTH)
        members[i] = dataclasses.replace(members[i], registered=day, last_purchase=last)
    return members


def write_shop(out: Path, rng: random.Random, count: int = 30) -> list[dict[str, Any]]:
    """Write the CP932 CSV with CRLF line ends and return its expected entry."""
    table = Table(FILE, None, COLUMNS)
    table.header(COLUMNS)
    for index, member in enumerate(_members(rng, count)):
        form = PINNED[index][1] if index < len(PINNED) else rng.choice(FORMS[:3])
        table.data(_row(member, index, form, rng))
    save_csv(table.lines, out / FILE, ENCODING)
    return [{**table.expected(), "encoding": ENCODING}]
