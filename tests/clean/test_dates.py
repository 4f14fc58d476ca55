"""The date transform against its golden table, plus 1904 serials, notes and the registry."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest

from migrator.clean import dates as dates_module
from migrator.clean.base import Context
from migrator.clean.dates import DateError, date_transform, parse_date, parse_wareki
from migrator.clean.registry import get_transform
from tests.clean.golden import record_calls
from tests.conftest import FIXTURES

GOLDEN = FIXTURES / "clean" / "dates.csv"


@dataclass(frozen=True)
class Row:
    line: int
    input: str
    kind: str
    day_first: bool
    expected: date | None
    reason: str | None

    @property
    def value(self) -> Any:
        """The cell as the reader would hand it over."""
        builders = {
            "str": str,
            "int": int,
            "float": float,
            "date": date.fromisoformat,
            "datetime": datetime.fromisoformat,
            "bool": lambda text: text == "True",
            "none": lambda text: None,
        }
        return builders[self.kind](self.input)


def _golden() -> list[Row]:
    with GOLDEN.open(encoding="utf-8", newline="") as f:
        return [
            Row(
                line=n,
                input=r["input"],
                kind=r["kind"],
                day_first=r["day_first"] == "true",
                expected=date.fromisoformat(r["expected"]) if r["expected"] else None,
                reason=r["reason"] or None,
            )
            for n, r in enumerate(csv.DictReader(f), start=2)
        ]


ROWS = _golden()


def _na(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def test_dates_golden_table_is_big_and_consistent() -> None:
    assert len(ROWS) >= 60
    for row in ROWS:
        assert not (row.expected and row.reason), f"line {row.line} has both"


@pytest.mark.parametrize("day_first", [False, True], ids=["month_first", "day_first"])
def test_dates_golden_table_through_transform(day_first: bool) -> None:
    rows = [r for r in ROWS if r.day_first == day_first]
    series = pd.Series([r.value for r in rows], dtype="object", index=range(100, 100 + len(rows)))
    outcome = date_transform(series, Context(day_first=day_first))
    assert outcome.values.index.equals(series.index)
    assert outcome.reasons.index.equals(series.index)
    assert outcome.values.dtype == object
    problems = []
    for row, value, reason in zip(rows, outcome.values, outcome.reasons, strict=True):
        got_value = None if _na(value) else value
        got_reason = None if _na(reason) else reason
        if got_value is not None and type(got_value) is not date:
            problems.append(f"line {row.line} {row.input!r}: {type(got_value).__name__}")
        if (got_value, got_reason) != (row.expected, row.reason):
            problems.append(
                f"line {row.line} {row.input!r}: got {got_value} {got_reason}, "
                f"want {row.expected} {row.reason}"
            )
    assert problems == []


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.line}:{r.kind}:{r.input}")
def test_dates_golden_table_through_parse_date(row: Row) -> None:
    ctx = Context(day_first=row.day_first)
    if row.expected is not None:
        assert parse_date(row.value, ctx) == row.expected
    elif row.reason is not None:
        with pytest.raises(DateError) as raised:
            parse_date(row.value, ctx)
        assert raised.value.reason == row.reason
    else:
        with pytest.raises(DateError, match="empty"):
            parse_date(row.value, ctx)


def test_dates_parse_wareki_forms() -> None:
    assert parse_wareki("令和元年5月1日") == date(2019, 5, 1)
    assert parse_wareki("Ｈ３１．５．１") == date(2019, 5, 1)
    with pytest.raises(DateError) as raised:
        parse_wareki("2021/4/1")
    assert raised.value.reason == "wareki_unparseable"
    with pytest.raises(DateError) as raised:
        parse_wareki("H32.1.1")
    assert raised.value.reason == "wareki_out_of_era"
    assert str(raised.value) == "H32.1.1: 平成 ended in 2019; write the date in the next era"


def test_dates_excel_1904_serials() -> None:
    series = pd.Series([0, 42735, 42735.5, -1, 60], dtype="object")
    outcome = date_transform(series, Context(date1904=True))
    assert list(outcome.values[:3]) == [date(1904, 1, 1), date(2021, 1, 1), date(2021, 1, 1)]
    assert outcome.values[4] == date(1904, 3, 1)
    assert outcome.reasons[3] == "invalid_date"
    assert outcome.reasons[:3].isna().all()
    assert parse_date(42735, Context(date1904=True)) == date(2021, 1, 1)


def test_dates_notes_dropped_time_only() -> None:
    series = pd.Series(
        [
            datetime(2021, 4, 1, 10, 30),
            datetime(2021, 4, 1),
            pd.Timestamp("2021-04-02 00:00:05"),
            44197.75,
            "2021/4/1 9:05",
            "2021/4/1 0:00",
            date(2021, 4, 1),
        ]
    )
    outcome = date_transform(series, Context())
    assert outcome.notes is not None
    assert list(outcome.notes.fillna("")) == [
        "dropped the time 10:30:00",
        "",
        "dropped the time 00:00:05",
        "dropped the time 18:00:00",
        "dropped the time 09:05:00",
        "",
        "",
    ]
    assert outcome.values[2] == date(2021, 4, 2)


def test_dates_datetime64_column() -> None:
    series = pd.Series(pd.to_datetime(["2021-04-01 12:00", None, "2021-04-02 00:00"]))
    outcome = date_transform(series, Context())
    assert outcome.values[0] == date(2021, 4, 1)
    assert _na(outcome.values[1]) and _na(outcome.reasons[1])
    assert outcome.values[2] == date(2021, 4, 2)
    assert outcome.notes is not None and outcome.notes[0] == "dropped the time 12:00:00"


def test_dates_empty_values_have_no_reason() -> None:
    series = pd.Series([None, np.nan, "", "  ", "\u3000", pd.NA, pd.NaT], dtype="object")
    outcome = date_transform(series, Context())
    assert outcome.values.isna().all()
    assert outcome.reasons.isna().all()
    empty = date_transform(pd.Series([], dtype="object"), Context())
    assert len(empty.values) == 0 and len(empty.reasons) == 0


def test_dates_bool_never_collapses_into_serial_one() -> None:
    series = pd.Series([1, True, 1.0, False, 0], dtype="object")
    outcome = date_transform(series, Context())
    assert list(outcome.reasons.fillna("")) == [
        "",
        "invalid_date",
        "",
        "invalid_date",
        "invalid_date",
    ]
    assert outcome.values[0] == outcome.values[2] == date(1900, 1, 1)


def test_dates_parses_each_distinct_value_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = record_calls(monkeypatch, dates_module, "_read")
    plain_calls: list[str] = []
    real = dates_module._PLAIN

    class Recording:
        def fullmatch(self, text: str) -> object:
            plain_calls.append(text)
            return real.fullmatch(text)

    monkeypatch.setattr(dates_module, "_PLAIN", Recording())
    series = pd.Series(["R3.4.1", "2021/4/1", 44197, None] * 2500, dtype="object")
    outcome = date_transform(series, Context())
    assert sorted(plain_calls) == ["2021/4/1", "R3.4.1"]  # text: the plain-date test first
    assert sorted(map(str, calls)) == ["44197", "R3.4.1"]  # then _read where it is no match
    assert (outcome.values.iloc[:3] == [date(2021, 4, 1)] * 2 + [date(2021, 1, 1)]).all()


def test_dates_error_message_names_value_and_fix() -> None:
    with pytest.raises(DateError) as raised:
        parse_date("21/4/1")
    assert raised.value.reason == "invalid_date"
    assert str(raised.value) == (
        "21/4/1: not a date we can read; write it as 2021-04-01 or 2021/4/1"
    )


@pytest.mark.parametrize("name", ["date", "wareki_date"])
def test_dates_registered(name: str) -> None:
    transform = get_transform(name)
    assert transform is date_transform
    outcome = transform(pd.Series(["令和3年4月1日", "x"]), Context())
    assert outcome.values[0] == date(2021, 4, 1)
    assert outcome.reasons[1] == "invalid_date"


def test_date_dmy_transform_reads_day_first() -> None:
    from migrator.clean.registry import get_transform

    out = get_transform("date_dmy")(pd.Series(["1/4/2021", "13/4/2021"], dtype=object), Context())
    assert out.values.tolist() == [date(2021, 4, 1), date(2021, 4, 13)]


def _typed_dates(seed: int) -> list[object]:
    """Dates typed every way, ASCII and full width, with impossible days and near misses."""
    import random

    rng = random.Random(seed)
    full = str.maketrans("0123456789/.-", "０１２３４５６７８９／．－")
    values: list[object] = []
    for _ in range(3000):
        y, m, d = rng.randint(0, 10000), rng.randint(0, 13), rng.randint(0, 32)
        sep = rng.choice("/.-")
        for text in (f"{y:04d}{sep}{m}{sep}{d}", f"{y:04d}{sep}{m:02d}{sep}{d:02d}",
                     f"{y}年{m}月{d}日", f"{y:04d}年{m:02d}月{d:02d}", f"{y:04d}/{m}-{d}",
                     f"{m}/{d}/{y:04d}", f"{y:04d}{m:02d}{d:02d}", f" {y:04d}/{m}/{d} ",
                     f"{y:04d}/{m}/{d} 10:30", f"{y:04d}/{m}/{d}(月)", f"{y:04d}ー{m}ー{d}",
                     f"{y:04d} / {m} / {d}", f"{y:05d}/{m}/{d}", f"R{m}.{d}.{y % 10}"):
            values += [text, text.translate(full)]
    return [*values, "", "令和元年5月1日", "2021/4/1\n", "٢٠٢١/4/1"]


@pytest.mark.parametrize("day_first", [False, True])
def test_date_transform_quick_path_is_cell_per_value(day_first: bool) -> None:
    """Plain dates read without `_cell` give what `_cell` gives, value by value."""
    from migrator.clean import dates as dates_module

    ctx = Context(day_first=day_first)
    values = _typed_dates(int(day_first))
    outcome = date_transform(pd.Series(values, dtype=object), ctx)
    got = list(zip(outcome.values, outcome.reasons, outcome.notes, strict=True))
    for value, row in zip(values, got, strict=True):
        want = dates_module._cell(value, ctx)
        assert [None if pd.isna(x) else x for x in row] == [
            None if pd.isna(x) else x for x in want], value
