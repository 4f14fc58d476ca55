"""The phone transform against its golden table, plus notes, empties, caching and the registry."""

from __future__ import annotations

import importlib

import pandas as pd
import phonenumbers as pn
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.clean.base import Context
from migrator.clean.phone import LEADING_ZERO_NOTE, UNASSIGNED_NOTE, phone_transform, valid_share
from migrator.clean.registry import get_transform
from tests.clean.golden import golden, mismatches, record_calls, shown

phone_module = importlib.import_module("migrator.clean.phone")


def _golden() -> pd.DataFrame:
    return golden("phones.csv")


def test_phone_golden_table_is_big_enough() -> None:
    golden = _golden()
    assert len(golden) >= 50
    assert set(golden["region"]) == {"JP", "US"}
    assert set(golden["kind"]) == {"str", "int"}


@pytest.mark.parametrize("region", ["JP", "US"])
def test_phone_golden_table(region: str) -> None:
    rows = _golden().query("region == @region")
    # One Series per region, so duplicates go through the per-distinct cache.
    outcome = phone_transform(rows["value"], Context(region=region))
    assert mismatches(rows, {"expected": outcome.values,
                             "is_mobile": outcome.extra["is_mobile"],
                             "reason": outcome.reasons}) == []


def test_phone_int_restores_leading_zero_with_a_note() -> None:
    column = pd.Series([312345678, "03-1234-5678", 312345678.0, 9012345678])
    outcome = phone_transform(column, Context(region="JP"))
    assert outcome.values.tolist() == ["+81312345678"] * 3 + ["+819012345678"]
    assert outcome.notes is not None
    assert outcome.notes.map(shown).tolist() == [
        LEADING_ZERO_NOTE,
        "",
        LEADING_ZERO_NOTE,
        LEADING_ZERO_NOTE,
    ]


def test_phone_unassigned_range_is_kept_with_a_note() -> None:
    column = pd.Series(["011-967-5275", "+81 11 967 5275", "03-5501-1201", 119675275])
    outcome = phone_transform(column, Context(region="JP"))
    assert outcome.values.tolist() == ["+81119675275", "+81119675275", "+81355011201",
                                       "+81119675275"]
    assert outcome.reasons.isna().all()
    assert outcome.notes is not None
    assert outcome.notes.map(shown).tolist() == [
        UNASSIGNED_NOTE, UNASSIGNED_NOTE, "", f"{LEADING_ZERO_NOTE}; {UNASSIGNED_NOTE}"]
    assert outcome.extra["is_mobile"].isna().tolist() == [True, True, False, True]


def test_phone_assigned_refuses_an_unassigned_range() -> None:
    column = pd.Series(["011-967-5275", "03-5501-1201", 119675275])
    outcome = get_transform("phone_assigned")(column, Context(region="JP"))
    assert outcome.values.map(shown).tolist() == ["", "+81355011201", ""]
    assert outcome.reasons.map(shown).tolist() == ["invalid_phone", "", "invalid_phone"]


def test_phone_valid_share_needs_the_trunk_zero_where_one_is_dialled() -> None:
    us = pd.Series(["207-555-0162", "(617) 555-0143", "603.555.0117", None, "207-555-0162"])
    assert valid_share(us, "US") == 1.0
    assert valid_share(us, "JP") == 0.0  # 207-555-0162 is a JP pager, typed without its 0
    jp = pd.Series(["03-5501-1201", "06-6201-3344", "011-967-5275"])
    assert valid_share(jp, "JP") == pytest.approx(2 / 3)
    assert valid_share(jp, "US") == 0.0
    assert valid_share(pd.Series([None], dtype=object), "JP") == 0.0


def test_phone_int_in_us_needs_no_note() -> None:
    outcome = phone_transform(pd.Series([2125550142]), Context(region="US"))
    assert outcome.values.tolist() == ["+12125550142"]
    assert outcome.notes is not None
    assert outcome.notes.isna().all()


def test_phone_float_column_with_gaps() -> None:
    column = pd.Series([351234567.0, float("nan")])
    outcome = phone_transform(column, Context(region="JP"))
    assert outcome.values.map(shown).tolist() == ["+81351234567", ""]
    assert outcome.reasons.isna().all()


def test_phone_empty_is_na_without_reason() -> None:
    column = pd.Series([None, float("nan"), pd.NA, "", "   ", "　"], dtype="object")
    outcome = phone_transform(column, Context())
    assert outcome.values.isna().all()
    assert outcome.reasons.isna().all()
    assert outcome.extra["is_mobile"].isna().all()


def test_phone_outcome_is_aligned_and_typed() -> None:
    column = pd.Series(["090-1234-5678", "03-1234"], index=[10, 7])
    outcome = phone_transform(column, Context())
    assert list(outcome.values.index) == [10, 7]
    assert list(outcome.reasons.index) == [10, 7]
    assert str(outcome.extra["is_mobile"].dtype) == "boolean"
    assert outcome.extra["is_mobile"].tolist() == [True, pd.NA]
    assert outcome.reasons.map(shown).tolist() == ["", "invalid_phone"]


def test_phone_parses_each_distinct_value_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each distinct value is read once: by the plain-number reader, and by `_parse` only
    where that reader cannot decide it."""
    seen = record_calls(monkeypatch, phone_module, "_parse")
    quick_seen: list[object] = []
    real = phone_module._quick_reader

    def reader(region: str) -> object:
        read = real(region)

        def recording(values: list[object]) -> object:
            quick_seen.extend(values)
            return read(values)
        return recording

    monkeypatch.setattr(phone_module, "_quick_reader", reader)
    column = pd.Series(["03-5123-4567", "090-1234-5678", None, "abc"] * 250)
    outcome = phone_transform(column, Context())
    assert sorted(map(str, quick_seen)) == ["03-5123-4567", "090-1234-5678", "abc"]
    assert seen == ["abc"]
    assert outcome.values.count() == 500
    assert (outcome.reasons == "invalid_phone").sum() == 250


def test_phone_is_registered() -> None:
    assert get_transform("phone") is phone_transform


_REGIONS = ["JP", "GB", "DE", "FR", "AU", "CN", "KR", "NZ", "IN"]


@settings(max_examples=600, deadline=None)
@given(region=st.sampled_from(_REGIONS),
       digits=st.from_regex(r"0(1|[1-9]\d{1,3})\d{5,9}", fullmatch=True),
       separators=st.lists(st.sampled_from(["", "-", " ", "(", ")", "."]), min_size=12,
                           max_size=12))
def test_phone_national_fast_path_agrees_with_parse(region: str, digits: str,
                                                    separators: list[str]) -> None:
    """Where the trunk-0 shortcut decides a number, phonenumbers.parse gives the same one."""
    typed = digits[:2] + "".join(d + sep for d, sep in zip(digits[2:], separators,
                                                          strict=False))
    typed += digits[2 + len(separators):]
    found = phone_module._national(typed, region)
    if found is None:
        return
    number, kind = found
    parsed = pn.parse(typed, region)
    assert (parsed.country_code, parsed.national_number) == (number.country_code,
                                                             number.national_number)
    assert bool(parsed.italian_leading_zero) == bool(number.italian_leading_zero)
    assert pn.number_type(parsed) == kind != pn.PhoneNumberType.UNKNOWN


def test_phone_national_fast_path_takes_the_usual_forms_only() -> None:
    assert phone_module._national("03-1234-5678", "JP") is not None
    assert phone_module._national("090-1234-5678", "JP") is not None
    assert phone_module._national("020 7946 0018", "GB") is not None
    for typed, region in (("010-1-212-555-0100", "JP"),  # 010 is Japan's international prefix
                          ("0812345678", "KR"),  # 081 is a carrier code there, not a trunk 0
                          ("(03)1234-5678", "JP"), ("212-555-0100", "US"),
                          ("03-0000-0000", "JP")):  # not valid: parse() decides
        assert phone_module._national(typed, region) is None, typed


@pytest.mark.parametrize("region", ["JP", "US", "GB", "DE", "FR", "CN", "KR", "AU", "IT",
                                    "BR", "IN", "SG"])
def test_number_type_is_phonenumbers_own_answer(region: str) -> None:
    """One regex per region gives number_type() exactly: every type's example number, and
    random digits of every length, some sharing an example's leading digits."""
    import random

    import phonenumbers as pn

    from migrator.clean.phone import number_type

    rng = random.Random(region)
    examples = [e.national_number for t in range(12)
                if (e := pn.example_number_for_type(region, t)) is not None]
    digits = [str(rng.randint(10 ** (n - 1), 10 ** n - 1)) for n in range(4, 13)
              for _ in range(150)]
    digits += [str(e)[:k] + str(rng.randint(0, 10 ** 6))[: len(str(e)) - k]
               for e in examples for k in range(1, len(str(e))) for _ in range(5)]
    numbers = [pn.PhoneNumber(country_code=pn.country_code_for_region(region),
                              national_number=int(d)) for d in digits + [str(e) for e in examples]]
    kinds = [pn.number_type(n) for n in numbers]
    assert [number_type(n) for n in numbers] == kinds
    assert len(set(kinds)) >= 3  # valid numbers of several types among them, and invalid ones


def _awkward_phones(region: str, seed: int) -> list[object]:
    """Numbers of every type the region has, typed every way people type them, and wrong."""
    import random

    rng = random.Random(f"{region}{seed}")
    examples = [str(e.national_number) for t in range(12)
                if (e := pn.example_number_for_type(region, t)) is not None]
    cc = pn.country_code_for_region(region)
    full = str.maketrans("0123456789-()", "０１２３４５６７８９－（）")
    values: list[object] = []
    for _ in range(400):
        national = rng.choice(examples)
        keep = rng.randint(1, len(national))
        digits = national[:keep] + "".join(rng.choice("0123456789")
                                           for _ in range(len(national) - keep))
        digits = digits[: rng.choice([len(digits) - 1, len(digits), len(digits)])] + \
            rng.choice(["", "", "", "7"])
        cut = sorted(rng.sample(range(1, max(len(digits), 3)), 2))
        sep = rng.choice(["-", "-", " ", ".", "/", "ー", "－", "", "  "])
        dashed = "0" + digits[: cut[0]] + sep + digits[cut[0]: cut[1]] + sep + digits[cut[1]:]
        values += [
            "0" + digits, dashed, dashed.translate(full), f"+{cc}-{digits}",
            f"+{cc} {dashed[1:]}", f"({'0' + digits[:cut[0]]}){digits[cut[0]:]}",
            f" {dashed} ", f"{dashed} 内線{rng.randint(1, 999)}", f"{dashed} ext. 12",
            f"TEL: {dashed}", f"{dashed}x", f"0{dashed}", "00" + digits, "010" + digits,
            f"0{rng.randint(1, 99)}{digits}", "0" + digits + "a", f"0{digits}\u3000",
            int(digits), f"0{digits[:2]}--{digits[2:]}",
            "0" + digits[:-1] + "٣", "1" + digits, dashed + "-", "0-" + digits]
    values += ["(212) 555-0100", "+1 212 555 0100", "+44 20 7946 0018", "020 7946 0018",
               "0003768123456", "0002123456", "", "-", "0", "01", "0" * 12, None, True, 3.5]
    return values


@pytest.mark.parametrize("region", ["JP", "GB", "DE", "FR", "KR", "CN", "AU", "US", "IT"])
@pytest.mark.parametrize("seed", range(3))
def test_phone_quick_reader_agrees_with_parse(region: str, seed: int) -> None:
    """Where the plain-number reader decides a cell, `_parse` decides it the same way, over
    every type's numbers, +CC forms, full-width, extensions, prefixes and invalid digits."""
    quick = phone_module._quick_reader(region)
    values = _awkward_phones(region, seed)
    decided = 0
    # all at once (the cells joined by newlines), and one by one once a cell holds one
    for batch in (values, [*values, "03-1234-5678\n", "\n0312345678"]):
        rows = [None] * len(batch) if quick is None else quick(batch)
        assert len(rows) == len(batch)
        for value, row in zip(batch, rows, strict=True):
            if row is not None:
                decided += 1
                assert row == phone_module._row(phone_module._parse(value, region)), value
    if region in ("JP", "DE", "FR"):  # a trunk 0 and a country code of their own
        assert decided > len(values) // 5
    if region in ("GB", "US", "IT"):  # a code shared with other regions, or no trunk 0
        assert quick is None


@pytest.mark.parametrize("region", ["JP", "GB", "US"])
def test_phone_transform_matches_parse_per_value(region: str) -> None:
    """The whole column, cleaned at once, equals `_parse` on each cell."""
    values = _awkward_phones(region, 7)
    column = pd.Series(values, dtype=object)
    for assigned_only in (False, True):
        transform = phone_module.assigned_phone_transform if assigned_only else phone_transform
        outcome = transform(column, Context(region=region))
        expected = [phone_module._row(phone_module._EMPTY if v is None else
                                      phone_module._parse(v, region, assigned_only))
                    for v in values]
        got = list(zip(outcome.values, outcome.reasons, outcome.notes,
                       outcome.extra["is_mobile"], strict=True))
        for (value, reason, note, mobile), want, raw in zip(got, expected, values, strict=True):
            assert (None if pd.isna(value) else value, None if pd.isna(reason) else reason,
                    None if pd.isna(note) else note,
                    None if pd.isna(mobile) else bool(mobile)) == want, raw


@pytest.mark.parametrize("region", ["JP", "DE", "FR", "CN", "IN", "NL", "TW", "KR"])
def test_phone_lines_read_at_once_as_one_by_one(region: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The quick reader's one regular expression over all lines gives each line what
    reading it alone gives, None included; where the region's trunk prefix cannot be
    proved a bare 0 for those lines (KR: `0(8…)?`), it is not used."""
    metadata = pn.PhoneMetadata.metadata_for_region(region)
    assert (phone_module._line_reader(metadata) is None) == (region == "KR")
    values = [v for seed in range(3) for v in _awkward_phones(region, seed)]
    at_once = phone_module._quick_reader(region)(values)
    phone_module._quick_reader.cache_clear()
    monkeypatch.setattr(phone_module, "_line_reader", lambda metadata: None)
    try:
        one_by_one = phone_module._quick_reader(region)(values)
    finally:
        phone_module._quick_reader.cache_clear()
    assert at_once == one_by_one
    assert sum(row is not None for row in at_once) > len(values) // 10


@pytest.mark.parametrize(("pattern", "bare"), [
    ("0", True), ("(000[2569]\\d{4,6})$|(?:(?:003768)0?)|0", True), ("(183[12])|0", True),
    ("0|180020", True), ("0(8(?:[1-46-8]|5\\d\\d))?", False), ("(?:0|90)(\\d{10})?", False),
    ("0?", False), ("[01]|0", False), ("(", False)])
def test_phone_trunk_prefix_is_a_bare_zero_only_where_proved(pattern: str, bare: bool) -> None:
    assert phone_module._bare_zero_trunk(pattern) is bare
