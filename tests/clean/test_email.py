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
    column = pd.Series(["a@example.jp", "nope", "A@Example.JP", None] * 300)
    outcome = email_transform(column, Context())
    assert quick == ["nope"]  # plain lines, the second once its domain is lower-cased: no call
    assert seen == ["nope"]  # the plain address needs no second look
    assert outcome.values.count() == 600


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


_LONG = "a" * 60 + "@" + ".".join(["b" * 60] * 3) + "."  # + 10 letters: 254 characters
_LINES = [*_ONE_ADDRESS, " a@x.jp", "a@x.jp ", "a@x.jp\n", "a\n@x.jp", "a@x.jp\r", "a@x.jp\t",
          "x" * 64 + "@example.jp", "x" * 65 + "@example.jp", "a@" + "b" * 245 + ".jp",
          "a@" + "b" * 246 + ".jp", _LONG + "e" * 10, _LONG + "e" * 11, "a@x.c" + "o" * 62,
          "a@x.c" + "o" * 63, "a@b--c.jp", "a--b@c.jp", "a@x.local", "a@xlocal", "a@local.jp",
          "a@test", "a@x.Test", "a@X.jp", "a@x.JP", "'a@x.jp", "b'a@x.jp", "a{b}|c~@x.jp",
          "a@x_y.jp", "a@1x.jp", "a@x.j1", "", "\x00", 12, 3.5, "a@x.jp\x00", "ａ@x.jp",
          "a@x.jp,", "a@x.jp\u3000", "a.b.c@d.e.f.jp", "a..b@x.jp", " A@Example.CO.JP ",
          "\tUser.Name@X.jp\x0b", " 'a@X.jp", " a@X.LOCAL ", " a@B--C.JP", " a@X.jp, b@y.jp",
          " <A@X.JP> ", "\x1fA@X.JP\x1c", " A@X.J1 ", " a@X.JP \r", "  ", " @X.JP "]
_EDGES = ["", " ", "  ", "\t", "\r", "\x0b", "\x1f", "\u3000", "\xa0"]


def _per_value(value: object) -> list[object]:
    """email_transform's answer for one value, as `_quick` and `_parse` decide it."""
    quick = email_module._quick(value)
    parsed = email_module._Parsed(value=quick) if quick is not None else email_module._parse(value)
    return [parsed.value, parsed.reason, parsed.note, parsed.others]


def _outcome_rows(outcome: object) -> list[list[object]]:
    columns = [outcome.values, outcome.reasons, outcome.notes,  # type: ignore[attr-defined]
               outcome.extra["other_emails"]]  # type: ignore[attr-defined]
    return [[None if pd.isna(c.iloc[i]) else c.iloc[i] for c in columns]
            for i in range(len(columns[0]))]


def test_email_addresses_read_as_lines_are_read_as_one_by_one() -> None:
    """The substitution over all values joined decides each as `_quick` and `_parse` do,
    awkward values among plain ones, and when a value holds a newline (one by one)."""
    plain = [f"user{i}@example{i % 7}.co.jp" for i in range(50)]
    for values in (_LINES + plain, [v for v in _LINES if "\n" not in str(v)] + plain):
        column = pd.Series(values, dtype=object)
        got = _outcome_rows(email_transform(column, Context()))
        assert got == [_per_value(v) for v in values]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.from_regex(email_module._PLAIN, fullmatch=True),
                          st.builds(lambda a, b, c: a + b + c, st.sampled_from(_EDGES),
                                    st.from_regex(email_module._PLAIN, fullmatch=True),
                                    st.sampled_from(_EDGES)),
                          st.sampled_from(_LINES), st.text(max_size=12)), max_size=30))
def test_email_any_values_read_as_lines_are_read_as_one_by_one(values: list[object]) -> None:
    column = pd.Series(values, dtype=object)
    assert _outcome_rows(email_transform(column, Context())) == [_per_value(v) for v in values]
