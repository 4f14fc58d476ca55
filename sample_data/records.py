"""Fictional customers as plain records; the workbook writers render them messily."""

import datetime as dt
import random
from dataclasses import dataclass

from sample_data import names


@dataclass(frozen=True)
class Company:
    """A fictional Japanese business customer, in its one true spelling."""

    code: str
    """Customer code as text with leading zeros (`000123`)."""
    stem: str
    kana: str
    kind: str
    """株式会社 or 有限会社."""
    prefix: bool
    """True for 株式会社○○ (kind before the stem), False for ○○株式会社."""
    postal: str
    prefecture: str
    city: str
    street: str
    tel: str
    fax: str
    email: str
    contact: str
    contact_kana: str
    since: dt.date
    department: str
    note: str

    @property
    def name(self) -> str:
        """The registered company name, e.g. 株式会社星見電機."""
        return f"{self.kind}{self.stem}" if self.prefix else f"{self.stem}{self.kind}"


@dataclass(frozen=True)
class Member:
    """A fictional person registered in the old shop system."""

    number: str
    name: str
    kana: str
    postal: str
    address: str
    phone: str
    birthday: dt.date
    registered: dt.date
    last_purchase: dt.date | None


def phone_number(rng: random.Random, area: str, first: str) -> str:
    """A fictional-looking 10-digit JP landline such as 03-5xxx-xxxx."""
    local_len = 6 - len(area)
    local = first + "".join(str(rng.randrange(10)) for _ in range(local_len - 1))
    return f"{area}-{local}-{rng.randrange(10000):04d}"


def _street(rng: random.Random, town: str) -> str:
    """Town, block numbers and sometimes a building and floor."""
    street = f"{town}{rng.randint(1, 4)}-{rng.randint(1, 20)}-{rng.randint(1, 15)}"
    if rng.random() < 0.5:
        street += f" {rng.choice(names.BUILDINGS)}{rng.randint(2, 9)}F"
    return street


def _company(rng: random.Random, code: int, stem: tuple[str, str, str], dept: str) -> Company:
    """One company with its address, phones, contact person and start date."""
    postal, pref, city, town, area, first = rng.choice(names.PLACES)
    family = rng.choice(names.FAMILY_NAMES)
    given = rng.choice(names.GIVEN_NAMES)
    tel = phone_number(rng, area, first)
    return Company(
        code=f"{code:06d}", stem=stem[0], kana=stem[1],
        kind="有限会社" if rng.random() < 0.15 else "株式会社", prefix=rng.random() < 0.6,
        postal=postal, prefecture=pref, city=city, street=_street(rng, town), tel=tel,
        fax=phone_number(rng, area, first) if rng.random() < 0.7 else "",
        email=f"{given[2][0]}.{family[2]}@{stem[2]}.example.co.jp",
        contact=f"{family[0]}　{given[0]}", contact_kana=f"{family[1]} {given[1]}",
        since=dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(19 * 365)),
        department=dept, note=rng.choice(names.NOTES),
    )


def make_companies(rng: random.Random, per_department: list[int], extra: int) -> list[Company]:
    """Companies grouped by sales department, then `extra` ones only the branch knows."""
    total = sum(per_department) + extra
    stems = rng.sample(names.COMPANY_STEMS, total)
    codes = sorted(rng.sample(range(1, 1000), total))
    depts = [d for d, n in zip(names.DEPARTMENTS, per_department, strict=True) for _ in range(n)]
    rng.shuffle(depts)
    depts += ["東京支店"] * extra
    return [_company(rng, c, s, d) for c, s, d in zip(codes, stems, depts, strict=True)]


def _member_address(rng: random.Random) -> tuple[str, str, str]:
    """Postal code, one-line address and phone for a shop member."""
    postal, pref, city, town, area, first = rng.choice(names.PLACES)
    address = f"{pref}{city}{_street(rng, town)}"
    if rng.random() < 0.4:
        phone = f"0{rng.choice('89')}0-{rng.randrange(10000):04d}-{rng.randrange(10000):04d}"
    else:
        phone = phone_number(rng, area, first)
    return postal, address, phone


def make_member(rng: random.Random, number: int, cp932_name: bool = False) -> Member:
    """One shop member; with cp932_name, a family name spelt with 髙 or 﨑."""
    pool = names.CP932_FAMILY_NAMES if cp932_name else names.FAMILY_NAMES
    family, given = rng.choice(pool), rng.choice(names.GIVEN_NAMES)
    postal, address, phone = _member_address(rng)
    registered = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(8 * 365))
    last = registered + dt.timedelta(days=rng.randrange(30, 900))
    return Member(
        number=f"{number:06d}", name=f"{family[0]} {given[0]}",
        kana=f"{family[1]} {given[1]}", postal=postal, address=address, phone=phone,
        birthday=dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(50 * 365)),
        registered=registered,
        last_purchase=last if last < dt.date(2024, 4, 1) and rng.random() < 0.85 else None,
    )
