"""The email transform against its golden table, plus notes, empties, caching and the registry."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest
from email_validator import validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.clean.base import Context
from migrator.clean.email import email_transform
from migrator.clean.registry import get_transform
from tests.clean.golden import golden, mismatches, record_calls, shown

email_module = importlib.import_module("migrator.clean.email")


def _golden() -> pd.DataFrame:
    return golden("emails.csv")


def test_email_golden_table() -> None:
    rows = _golden()
    assert len(rows) >= 25
    # The whole table as one Series, so the per-distinct cache is what runs.
    outcome = email_transform(rows["input"].astype("object"), Context())
    assert mismatches(rows, {"expected": outcome.values,
                             "other_emails": outcome.extra["other_emails"],
                             "reason": outcome.reasons}) == []


def test_email_notes_name_the_count_not_the_addresses() -> None:
    column = pd.Series(
        ["a@example.jp, b@example.jp; c@example.jp", "bad@, ok@example.jp", "a@example.jp"]
    )
    outcome = email_transform(column, Context())
    assert outcome.notes is not None
    assert outcome.notes.map(shown).tolist() == [
        "kept the first of 3 addresses",
        "kept the first valid of 2 addresses",
        "",
    ]
    assert outcome.extra["other_emails"].map(shown).tolist() == [
        "b@example.jp;c@example.jp",
        "bad@",
        "",
    ]


def test_email_empty_is_na_without_reason() -> None:
    column = pd.Series([None, float("nan"), pd.NA, "", "  ", "\n"], dtype="object")
    outcome = email_transform(column, Context())
    assert outcome.values.isna().all()
    assert outcome.reasons.isna().all()
    assert outcome.extra["other_emails"].isna().all()


def test_email_non_text_is_invalid() -> None:
    outcome = email_transform(pd.Series([12, 3.5], dtype="object"), Context())
    assert outcome.reasons.tolist() == ["invalid_email", "invalid_email"]
    assert outcome.values.isna().all()


def test_email_outcome_is_aligned() -> None:
    column = pd.Series(["A@Example.JP", "nope"], index=["x", "y"])
    outcome = email_transform(column, Context())
    assert outcome.values.map(shown).to_dict() == {"x": "A@example.jp", "y": ""}
    assert outcome.reasons.map(shown).to_dict() == {"x": "", "y": "invalid_email"}


def test_email_validates_each_distinct_value_once(monkeypatch: pytest.MonkeyPatch) -> None:
    quick = record_calls(monkeypatch, email_module, "_quick")
    seen = record_calls(monkeypatch, email_module, "_parse")
    column = pd.Series(["a@example.jp", "nope", None] * 300)
    outcome = email_transform(column, Context())
    assert sorted(map(str, quick)) == ["a@example.jp", "nope"]
    assert seen == ["nope"]  # the plain address needs no second look
    assert outcome.values.count() == 300


def test_email_is_registered() -> None:
    assert get_transform("email") is email_transform


_TRICKY = ["a@ab--cd.com", "a@example.local", "a@x.test", "a@sub.onion", "A.B@EXAMPLE.CO.JP",
           "x" * 65 + "@example.jp", "a@" + "b" * 64 + ".jp", "a@1.com", "a@b.c0m",
           "Postmaster@Example.com", "a..b@x.com", ".a@x.com", "a.@x.com", "a@-x.com",
           "a@x-.com", "a@x.c", "a@x." + "c" * 64, "a@" + ".".join(["b" * 60] * 5) + ".jp",
           "o'brien+tag@mail.example.org", "a@localhost", "a@x.invalid", "a@arpa.jp"]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.from_regex(email_module._PLAIN, fullmatch=True), st.sampled_from(_TRICKY)))
def test_email_plain_fast_path_agrees_with_email_validator(address: str) -> None:
    """Where the regex decides an address alone, email-validator gives the same answer."""
    fast = email_module._plain(address)
    if fast is None:
        return
    result = validate_email(address, check_deliverability=False)  # raises if it disagrees
    assert fast == f"{address.rpartition('@')[0]}@{result.domain.lower()}"


def test_email_plain_fast_path_leaves_the_unusual_to_email_validator() -> None:
    decided = {a: email_module._plain(a) for a in _TRICKY}
    assert decided["A.B@EXAMPLE.CO.JP"] == "A.B@example.co.jp"
    assert decided["o'brien+tag@mail.example.org"] == "o'brien+tag@mail.example.org"
    for address in ("a@ab--cd.com", "a@example.local", "a@x.test", "a@sub.onion",
                    "x" * 65 + "@example.jp", "a..b@x.com", "a@-x.com", "a@localhost"):
        assert decided[address] is None, address


_ONE_ADDRESS = _TRICKY + ["'a@x.jp", "a@x.jp'", "<a@x.jp>", "mailto:a@x.jp", "MAILTO:A@X.JP",
                          "(a@x.jp)", "「a@x.jp」", "a@例え.JP", "a@xn--r8jz45g.jp", "no-at-sign",
                          "\"a b\"@x.jp", "a@x.arpa", "a@arpa", "a@b.localhost", "a@b.test.jp"]


@pytest.mark.parametrize("value", _ONE_ADDRESS)
def test_email_one_address_shortcut_matches_the_list_path(value: str) -> None:
    """A trailing `,` sends the same single address through the general list path."""
    assert email_module._parse(value) == email_module._parse(value + ",")


@pytest.mark.parametrize("value", [*_ONE_ADDRESS, " a@x.jp ", "ａ＠ｘ．ｊｐ", " A@Example.CO.JP　",
                                   "a@x.jp,b@y.jp", "a@x.jp b@y.jp", "", "  ", "@", "a@", "@x.jp",
                                   "a@x.jp\n", "a@X.JP;", "mailto:a@x.jp"])
def test_email_quick_read_is_parse(value: str) -> None:
    """Where the one-plain-address read decides a cell, `_parse` decides it the same way."""
    quick = email_module._quick(value)
    if quick is not None:
        assert email_module._parse(value) == email_module._Parsed(value=quick)
    column = email_transform(pd.Series([value], dtype=object), Context())
    parsed = email_module._parse(value)
    assert [None if pd.isna(x) else x for x in (
        column.values[0], column.reasons[0], column.notes[0], column.extra["other_emails"][0])] \
        == [parsed.value, parsed.reason, parsed.note, parsed.others]


def test_email_quick_read_takes_plain_addresses() -> None:
    assert email_module._quick(" A@Example.CO.JP　") == "A@example.co.jp"
    assert email_module._quick("ａ＠ｘ．ｊｐ") == "a@x.jp"
    assert email_module._quick("a@x.jp,b@y.jp") is None  # a list: _parse's work
