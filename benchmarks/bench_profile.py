"""profile() vs ydata-profiling's minimal mode on a 1,000,000 × 20 source table.

The frame is shaped like what read_sources hands on: text columns as pandas `str`
(codes, company names, kana, people, phones, e-mails, postal codes, prefectures,
addresses, wareki and ISO dates) and `object` columns of Python ints, floats, dates and
a ZIP column mixing ints and text, plus the lineage columns.

ydata-profiling does not install beside pandas 3, so it runs in a venv of its own
(built once under benchmarks/.cache/ydata-venv with `pip install "pandas<3"
ydata-profiling`). The frame goes there as a CSV file: text columns are read back as
text (`dtype=str`), numbers and dates parsed, so both profilers see the same values.
Only the profiling is timed (`ProfileReport(df, minimal=True).to_json()`), in the same
run as ours and interleaved with it; the machine is shared and noisy, so compare the
ratio of the medians, not the seconds.

    python -m benchmarks profile [--rows N] [--repeat K] [--no-ydata]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.workbooks import own_venv

CACHE = Path(__file__).resolve().parent / ".cache"
RESULTS = Path(__file__).resolve().parent / "results"
YDATA_VENV = CACHE / "ydata-venv"
TEXT_COLUMNS = ["顧客コード", "会社名", "フリガナ", "担当者", "TEL", "FAX", "メール", "郵便番号",
                "都道府県", "市区町村", "番地", "住所", "登録日", "取引開始日", "部署", "備考"]
NUMBER_COLUMNS = ["与信限度額", "年間売上"]
DATE_COLUMNS = ["最終取引日"]
MIXED_COLUMNS = ["ZIP"]
PREFS = ["東京都", "大阪府", "愛知県", "北海道", "福岡県", "神奈川県", "宮城県", "埼玉県"]
CITIES = ["千代田区", "港区", "新宿区", "大阪市北区", "名古屋市中区", "札幌市中央区",
          "福岡市博多区", "横浜市西区", "仙台市青葉区", "さいたま市大宮区"]
FAMILY = ["山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤"]
GIVEN = ["太郎", "花子", "大輔", "陽子", "拓也", "美咲", "健一", "由美", "翔太", "直子"]
KANA = ["ヤマダ", "サトウ", "スズキ", "タカハシ", "タナカ", "イトウ", "ワタナベ", "ナカムラ"]

_YDATA_RUNNER = r"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd

from benchmarks.workbooks import own_venv
from ydata_profiling import ProfileReport
path, text = sys.argv[1], json.loads(sys.argv[2])
df = pd.read_csv(path, dtype={c: str for c in text}, parse_dates=["最終取引日"])
t0 = time.perf_counter()
ProfileReport(df, minimal=True, progress_bar=False).to_json()
print(json.dumps({"seconds": time.perf_counter() - t0, "rows": len(df)}))
"""


def _text(parts: list[Any]) -> np.ndarray:
    """Concatenate arrays and scalars element-wise into an object array of str."""
    out = np.asarray(parts[0]).astype(str)
    for part in parts[1:]:
        out = np.strings.add(out, np.asarray(part).astype(str))
    return out.astype(object)


def _pick(rng: np.random.Generator, words: list[str], n: int) -> np.ndarray:
    return np.asarray(words, dtype=object)[rng.integers(0, len(words), n)]


def _digits(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    return np.strings.zfill(rng.integers(0, 10 ** width, n).astype(str), width)


def make_frame(rows: int, seed: int = 7) -> pd.DataFrame:
    """A fictional customer ledger as read_sources would hand it on."""
    rng = np.random.default_rng(seed)
    text = _text_columns(rng, rows)
    frame = pd.DataFrame({name: pd.Series(values, dtype="str") for name, values in text.items()})
    for name, values in _object_columns(rng, rows).items():
        frame[name] = pd.Series(values, dtype=object)
    frame["_source_file"] = "ledger.xlsx"
    frame["_source_sheet"] = "顧客台帳"
    frame["_source_row"] = np.arange(rows) + 4
    return frame


def _text_columns(rng: np.random.Generator, rows: int) -> dict[str, np.ndarray]:
    """The 16 text columns, built with numpy's string functions (no Python loop)."""
    i = np.arange(rows)
    tel = _text(["0", rng.integers(3, 99, rows), "-", _digits(rng, rows, 4), "-",
                 _digits(rng, rows, 4)])
    postal = _text([_digits(rng, rows, 3), "-", _digits(rng, rows, 4)]).astype(str)
    style = rng.integers(0, 10, rows)  # 〒 in front, hyphen dropped, or plain
    postal = np.where(style < 2, np.strings.add("〒", postal),
                      np.where(style < 3, np.strings.replace(postal, "-", ""), postal))
    banchi = _text([rng.integers(1, 9, rows), "-", rng.integers(1, 30, rows), "-",
                    rng.integers(1, 20, rows)])
    year, month = rng.integers(1, 7, rows), rng.integers(1, 13, rows)
    day = rng.integers(1, 29, rows)
    wareki = np.where(i % 2 == 0, _text(["令和", year, "年", month, "月", day, "日"]),
                      _text(["R", year, ".", month, ".", day]))
    since = np.datetime64("2015-01-01") + rng.integers(0, 3000, rows).astype("timedelta64[D]")
    fax = tel.copy()
    fax[rng.random(rows) < 0.3] = None
    notes = np.full(rows, None, dtype=object)
    notes[rng.random(rows) < 0.05] = "請求書は郵送希望。"
    return {
        "顧客コード": _text(["C", np.strings.zfill(i.astype(str), 7)]),
        "会社名": _text(["株式会社サンプル", rng.integers(0, 9973, rows)]),
        "フリガナ": _text([_pick(rng, KANA, rows), "サンプル", _pick(rng, KANA, rows)]),
        "担当者": _text([_pick(rng, FAMILY, rows), "\u3000", _pick(rng, GIVEN, rows)]),
        "TEL": tel, "FAX": fax, "メール": _text(["user", i, "@example.co.jp"]),
        "郵便番号": postal.astype(object), "都道府県": _pick(rng, PREFS, rows),
        "市区町村": _pick(rng, CITIES, rows), "番地": banchi,
        "住所": _text([_pick(rng, PREFS, rows), _pick(rng, CITIES, rows), "本町", banchi]),
        "登録日": wareki, "取引開始日": np.datetime_as_string(since).astype(object),
        "部署": _text(["営業", rng.integers(1, 6, rows), "課"]), "備考": notes,
    }


def _object_columns(rng: np.random.Generator, rows: int) -> dict[str, list[Any]]:
    """Python ints, floats, dates (a tenth missing) and ZIPs mixing ints and text."""
    last = np.datetime64("2020-01-01") + rng.integers(0, 1500, rows).astype("timedelta64[D]")
    dates: list[dt.date | None] = last.astype(object).tolist()
    for k in range(0, rows, 10):
        dates[k] = None
    zips: list[Any] = rng.integers(1000, 99999, rows).tolist()
    for k in range(0, rows, 4):
        zips[k] = f"{zips[k]:05d}-1234"
    return {
        "与信限度額": (rng.integers(1, 500, rows) * 10_000).tolist(),
        "年間売上": np.round(rng.random(rows) * 1e7, 2).tolist(),
        "最終取引日": dates, "ZIP": zips,
    }


def run_ours(frame: pd.DataFrame) -> float:
    from migrator.profile import profile_table
    from migrator.tables import SourceTable

    table = SourceTable(file="ledger.xlsx", sheet="顧客台帳", frame=frame, header_rows=[3])
    gc.collect()
    t0 = time.perf_counter()
    profile_table(table)
    return time.perf_counter() - t0


def ydata_python() -> tuple[Path | None, str]:
    """The ydata venv's python, building the venv the first time; (None, why) if it fails."""
    return own_venv(YDATA_VENV, "pandas<3", "ydata-profiling")


def write_csv(frame: pd.DataFrame) -> Path:
    """The frame as CSV for the ydata venv, cached under a fingerprint of its first rows."""
    head = hashlib.sha256(frame.head(1000).to_csv().encode()).hexdigest()[:12]
    path = CACHE / f"profile_{len(frame)}x20_{head}.csv"
    if not path.exists():
        frame.drop(columns=["_source_file", "_source_sheet", "_source_row"]).to_csv(
            path, index=False)
    return path


def run_ydata(python: Path, csv: Path) -> float:
    done = subprocess.run([str(python), "-c", _YDATA_RUNNER, str(csv), json.dumps(TEXT_COLUMNS)],
                          capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1])
    return float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks profile")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-ydata", action="store_true", help="Time profile() only.")
    args = parser.parse_args(argv)
    frame = make_frame(args.rows)
    python, how = (None, "skipped (--no-ydata)") if args.no_ydata else ydata_python()
    csv = write_csv(frame) if python else None
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(args.repeat):  # interleaved, so drift on a shared machine hits both
        ours.append(run_ours(frame))
        if python and csv:
            try:
                theirs.append(run_ydata(python, csv))
            except (RuntimeError, subprocess.TimeoutExpired) as err:
                python, how = None, f"ydata-profiling failed: {err}"
    return _report(args, frame, ours, theirs, how)


def _report(args: argparse.Namespace, frame: pd.DataFrame, ours: list[float],
            theirs: list[float], how: str) -> dict[str, object]:
    columns = len(frame.columns) - 3
    report: dict[str, object] = {
        "rows": len(frame), "columns": columns, "repeat": args.repeat,
        "profile_seconds_median": statistics.median(ours), "profile_seconds": ours,
    }
    print(f"profile {len(frame):,} rows x {columns} columns")
    print(f"  migrator.profile     {report['profile_seconds_median']:8.2f} s "
          f"(median of {len(ours)})")
    if theirs:
        ratio = statistics.median(theirs) / statistics.median(ours)
        report |= {"ydata_minimal_seconds_median": statistics.median(theirs),
                   "ydata_minimal_seconds": theirs, "speedup_vs_ydata_minimal": ratio}
        print(f"  ydata-profiling      {statistics.median(theirs):8.2f} s (minimal=True, "
              f"pandas<3, own venv)")
        print(f"  profile() is {ratio:.1f}x faster than ydata-profiling minimal")
    else:
        report["ydata"] = how
        print(f"  ydata-profiling: not run ({how})")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "profile.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report


if __name__ == "__main__":
    main(sys.argv[1:])
