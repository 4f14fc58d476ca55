"""Clean 1,000,000 customer rows with each transform, against a plain per-cell apply.

The column is made of a few thousand distinct messy values repeated, as real ledgers
are (the same prefectures, dates and companies again and again); our transforms read
each distinct value once. The per-cell baseline calls the same transform on one value
at a time (`series.map`), on a sample, and is reported as rows per second; it pays a
one-value Series per call, so the ratio overstates what a hand-written scalar apply
would lose. With every value distinct, our rate falls to the scalar parser's rate.

    python -m benchmarks clean [--rows N] [--distinct K]
    python -m benchmarks clean --all-distinct [--rows N]   # every value distinct

With `--all-distinct` each transform gets N values that are all different (phones,
emails, dates, names no one repeats), the case where reading each distinct value once
saves nothing; the target is 200,000 distinct values per second per transform (the
median of CALLS calls).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from migrator.clean.base import Context
from migrator.clean.registry import get_transform

RESULTS = Path(__file__).resolve().parent / "results"
_SAMPLE = 2_000


def _values(kind: str, rng: random.Random, n: int) -> list[object]:
    makers: dict[str, Callable[[int], object]] = {
        "date": lambda i: rng.choice([f"令和{rng.randint(1, 6)}年{rng.randint(1, 12)}月"
                                      f"{rng.randint(1, 28)}日", f"H{rng.randint(1, 30)}."
                                      f"{rng.randint(1, 12)}.{rng.randint(1, 28)}",
                                      f"20{rng.randint(10, 24)}/{rng.randint(1, 12)}/"
                                      f"{rng.randint(1, 28)}"]),
        "width": lambda i: f"ＡＢＣ商事{i}　ﾃｽﾄ",
        "postal_code": lambda i: rng.choice([
            f"〒{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}",
            f"{rng.randint(1000000, 9999999)}"]),
        "email": lambda i: f" user{i}@Example.CO.JP ",
        "phone": lambda i: rng.choice([
            f"03-5{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}",
            f"090{rng.randint(1000, 9999)}{rng.randint(1000, 9999)}"]),
        "company_name": lambda i: rng.choice([f"(株)サンプル{i}", f"サンプル{i}㈱",
                                              f"株式会社 サンプル{i}"]),
        "kana": lambda i: f"ｻﾝﾌﾟﾙ ｶﾌﾞｼｷｶﾞｲｼｬ{i % 97}",
    }
    return [makers[kind](i) for i in range(n)]


def measure(kind: str, rows: int, distinct: int, seed: int = 11) -> dict[str, float]:
    rng = random.Random(seed)
    pool = _values(kind, rng, distinct)
    column = pd.Series([pool[rng.randrange(distinct)] for _ in range(rows)], dtype="object")
    transform, ctx = get_transform(kind), Context()
    t0 = time.perf_counter()
    transform(column, ctx)
    ours = time.perf_counter() - t0
    sample = column.iloc[:_SAMPLE]
    t0 = time.perf_counter()
    sample.map(lambda v: transform(pd.Series([v], dtype="object"), ctx).values.iat[0])
    per_cell = time.perf_counter() - t0
    return {"rows_per_s": rows / ours, "per_cell_rows_per_s": _SAMPLE / per_cell,
            "speedup": (rows / ours) / (_SAMPLE / per_cell), "seconds": ours}


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks clean")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--distinct", type=int, default=5_000)
    parser.add_argument("--all-distinct", action="store_true",
                        help="every value distinct (N distinct values, default 100,000 rows)")
    args = parser.parse_args(argv)
    if args.all_distinct:
        return all_distinct(args.rows if args.rows != 1_000_000 else 100_000)
    kinds = ["date", "width", "postal_code", "email", "phone", "company_name", "kana"]
    report = {k: measure(k, args.rows, args.distinct) for k in kinds}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "clean.json").write_text(json.dumps(report, indent=2))
    print(f"clean {args.rows:,} rows ({args.distinct:,} distinct values per column)")
    for kind, r in report.items():
        print(f"  {kind:<13} {r['rows_per_s']:>12,.0f} rows/s  per-cell apply "
              f"{r['per_cell_rows_per_s']:>9,.0f} rows/s  ({r['speedup']:,.0f}x)")
    return report


_SURNAMES = ["高橋", "前田", "小林", "佐藤", "鈴木", "田中", "渡辺", "伊藤", "山本", "中村"]
_GIVEN = ["拓也", "美咲", "悠斗", "陽菜", "大輔", "結衣", "翔太", "真由", "健", "葵"]
_KANJI_DIGITS = "〇一二三四五六七八九"


def _more_values(kind: str, rng: random.Random, i: int) -> object:
    """The transforms `_values` has no maker for, typed as ledgers hold them."""
    number = "".join(_KANJI_DIGITS[int(d)] for d in str(i // 100))
    family, given = _SURNAMES[i % 10], _GIVEN[i // 10 % 10]
    makers: dict[str, Callable[[], object]] = {
        "person_name": lambda: rng.choice([f"{family}　{given}{number}",
                                           f"{family} {given}{number} 様", f"Taro{i} Yamada"]),
        "address_split": lambda: rng.choice([
            f"東京都千代田区丸の内{i // 1000}-{i % 1000}-{rng.randint(1, 30)}",
            f"〒530-0001 大阪府大阪市北区梅田{i % 1000}－{i // 1000} 梅田ビル{rng.randint(1, 30)}F",
            f"北海道札幌市中央区北{i % 50}条西{i // 50}丁目"]),
        "amount": lambda: rng.choice([f"¥{i * 7 + 1:,}", f"{i * 7 + 2:,}円", f"▲{i * 7 + 3:,}",
                                      f"{i * 7 + 4}"]),
        "phone_assigned": lambda: rng.choice([
            f"03-5{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}",
            f"090{rng.randint(1000, 9999)}{rng.randint(1000, 9999)}"]),
    }
    return makers[kind]()


CALLS = 3
"""Calls per transform with `--all-distinct`, on fresh columns of the same values: the
median is reported (the machine is shared, and one call's rate moved by a fifth between
runs), and the first call's rate beside it (it pays one-time costs: compiled patterns,
metadata loaded on first use)."""

CLOSED = {"region": "its 47 prefectures and their spellings", "country": "the countries"}
"""Transforms whose values come from a closed list: no 100,000 of them are distinct."""


def _distinct(kind: str, rows: int) -> list[object]:
    """`rows` values of `kind`, all different (the generic makers repeat dates and kana)."""
    import datetime as dt

    if kind in ("date", "date_dmy"):
        formats = (["%Y/%m/%d", "%Y年%m月%d日", "%Y-%m-%d"] if kind == "date"
                   else ["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"])
        return [(dt.date(1900, 1, 1) + dt.timedelta(days=i)).strftime(formats[i % 3])
                for i in range(rows)]
    if kind == "kana":
        digits = "ｱｲｳｴｵｶｷｸｹｺ"
        return [f"ｻﾝﾌﾟﾙ {''.join(digits[int(d)] for d in str(i))}" for i in range(rows)]
    if kind in ("person_name", "address_split", "amount", "phone_assigned"):
        rng = random.Random(11)
        values = list(dict.fromkeys(_more_values(kind, rng, i) for i in range(rows * 2)))[:rows]
    else:
        values = list(dict.fromkeys(_values(kind, random.Random(11), rows * 3)))[:rows]
    assert len(values) == rows, (kind, len(values))
    return values


def all_distinct(rows: int) -> dict[str, dict[str, Any]]:
    """Each transform on `rows` values that are all different; distinct values per second.

    Every registered transform, but the aliases (`wareki_date` is `date`) and those whose
    values come from a closed list (CLOSED)."""
    from migrator.clean.registry import TRANSFORMS

    kinds = ["date", "date_dmy", "width", "postal_code", "email", "phone", "phone_assigned",
             "company_name", "person_name", "kana", "address_split", "amount"]
    covered = {*kinds, *CLOSED, "wareki_date"}
    assert covered == set(TRANSFORMS), set(TRANSFORMS) ^ covered  # a new transform: add it
    report: dict[str, dict[str, Any]] = {}
    for kind in kinds:
        values = _distinct(kind, rows)
        transform, ctx = get_transform(kind), Context()
        calls = []
        for _ in range(CALLS):
            column = pd.Series(values, dtype="object")
            t0 = time.perf_counter()
            transform(column, ctx)
            calls.append(time.perf_counter() - t0)
        seconds = statistics.median(calls)
        report[kind] = {"distinct": len(values), "seconds": seconds,
                        "distinct_per_s": len(values) / seconds,
                        "calls_seconds": calls, "first_call_per_s": len(values) / calls[0]}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "clean_distinct.json").write_text(json.dumps(report, indent=2))
    print("clean, every value distinct (target >= 200,000 distinct values/s per transform; "
          f"median of {CALLS} calls, and the first call's rate)")
    for kind, r in report.items():
        mark = "ok" if r["distinct_per_s"] >= 200_000 else "below"
        print(f"  {kind:<14} {r['distinct']:>8,} values  {r['distinct_per_s']:>10,.0f} /s  {mark}"
              f"   (first call {r['first_call_per_s']:>9,.0f} /s)")
    for kind, why in CLOSED.items():
        print(f"  {kind:<14} not measured: its values come from a closed list ({why})")
    return report


if __name__ == "__main__":
    main()
