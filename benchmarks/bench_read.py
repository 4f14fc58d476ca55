"""read_sources vs pandas.read_excel(engine="openpyxl") on a 100,000 × 20 customer ledger,
and against fastexcel (calamine straight to Arrow: the floor, with no table detection and
no lineage).

Each reader runs in a fresh subprocess so that its peak memory (max RSS, which
includes what calamine allocates outside Python) is its own. The machine is shared
and noisy: compare the ratio, not the seconds.

    python -m benchmarks read [--rows N] [--repeat K]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.memory import OWN_PEAK
from benchmarks.workbooks import cached_workbook

RESULTS = Path(__file__).resolve().parent / "results"
COLUMNS = ["顧客コード", "会社名", "フリガナ", "部署", "担当者", "TEL", "FAX", "メール", "郵便番号",
           "都道府県", "市区町村", "番地", "建物", "業種", "取引開始日", "与信限度額", "年間売上",
           "ランク", "支払条件", "備考"]

_RUNNER = OWN_PEAK + r"""
import json, sys, time
path, how = sys.argv[1], sys.argv[2]
import pandas as pd
from migrator import read_sources
base = own_peak_kib()
t0 = time.perf_counter()
if how == "migrator":
    frame = read_sources([path])[0].frame
elif how == "fastexcel":
    import fastexcel
    frame = fastexcel.read_excel(path).load_sheet(0, header_row=2)
    frame.__arrow_c_array__()  # the Arrow arrays, built in Rust (no pyarrow needed)
else:
    frame = pd.read_excel(path, engine=how, header=2, dtype=object)
seconds = time.perf_counter() - t0
peak = own_peak_kib()
size = 0 if how == "fastexcel" else int(frame.memory_usage(deep=True).sum())
rows = frame.height if how == "fastexcel" else len(frame)
print(json.dumps({"seconds": seconds, "rows": rows, "peak_kib": peak - base,
                  "frame_kib": size // 1024}))
"""


def make_ledger(rows: int, seed: int = 7) -> Path:
    """A fictional ledger: a title row, a date line, the header on row 3, `rows` customers."""

    def fill(sheet: Any, date_fmt: Any) -> None:
        rng = random.Random(seed)
        sheet.write_row(0, 0, ["顧客台帳（ベンチマーク用・架空データ）"])
        sheet.write_row(1, 0, ["作成日: 2024年4月1日"])
        sheet.write_row(2, 0, COLUMNS)
        prefectures = ["東京都", "大阪府", "愛知県", "北海道", "福岡県", "神奈川県"]
        for i in range(rows):
            r = i + 3
            sheet.write_row(r, 0, [
                f"C{i:07d}", f"株式会社サンプル{i % 9973}", "サンプル", f"営業{i % 5 + 1}課",
                f"担当 {i % 311}", f"03-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
                f"03-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
                f"user{i}@example.co.jp", f"{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}",
                rng.choice(prefectures), "架空市",
                f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}",
                "サンプルビル" if i % 3 else "", "小売",
            ])
            sheet.write_datetime(r, 14, dt.datetime(2015, 1, 1) + dt.timedelta(days=i % 3000),
                                 date_fmt)
            sheet.write_row(r, 15, [rng.randint(1, 500) * 10000, rng.random() * 1e7,
                                    "ABC"[i % 3], "月末締め翌月末払い", ""])

    return cached_workbook(f"ledger_{rows}x{len(COLUMNS)}_s{seed}.xlsx", "顧客台帳", fill)


def run_once(path: Path, how: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _RUNNER, str(path), how], check=True,
                         capture_output=True, text=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks read")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    path = make_ledger(args.rows)
    runs: dict[str, list[dict[str, float]]] = {"migrator": [], "openpyxl": [], "calamine": [],
                                               "fastexcel": []}
    for _ in range(args.repeat):  # interleaved, so drift on a shared machine hits all alike
        for how in runs:
            runs[how].append(run_once(path, how))
    median = {how: statistics.median(r["seconds"] for r in rs) for how, rs in runs.items()}
    ours = runs["migrator"][0]
    report = {
        "file": path.name, "rows": int(ours["rows"]), "columns": len(COLUMNS),
        "seconds_median": median,
        "speedup_vs_openpyxl": median["openpyxl"] / median["migrator"],
        "speedup_vs_pandas_calamine": median["calamine"] / median["migrator"],
        "over_fastexcel": median["migrator"] / median["fastexcel"],
        "targets": {"speedup_vs_openpyxl": 10.0, "over_fastexcel": 1.5},
        "peak_rss_mib": ours["peak_kib"] / 1024, "frame_mib": ours["frame_kib"] / 1024,
        "peak_over_frame": ours["peak_kib"] / max(ours["frame_kib"], 1),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "read.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"read {report['rows']:,} rows x {report['columns']} columns ({path.name})")
    for how, sec in median.items():
        print(f"  {how:<9} {sec:8.2f} s (median of {args.repeat})")
    print(f"  read_sources is {report['speedup_vs_openpyxl']:.1f}x pandas+openpyxl, "
          f"{report['speedup_vs_pandas_calamine']:.2f}x pandas+calamine (target >= 10x "
          f"openpyxl); {report['over_fastexcel']:.2f}x fastexcel's time (target <= 1.5)")
    print(f"  peak memory {report['peak_rss_mib']:.0f} MiB for a {report['frame_mib']:.0f} MiB "
          f"frame ({report['peak_over_frame']:.2f}x)")
    return report


if __name__ == "__main__":
    main(sys.argv[1:])
