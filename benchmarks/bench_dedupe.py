"""Record matching scored against known true duplicates: splink and migrator.dedupe.

The rows come from benchmarks.dedupe_truth (customers typed by several departments, with
hard negatives). Each contender predicts which rows are one customer; we score pairwise
precision and recall against `true_cluster`, and time it.

splink runs in a venv of its own (built once under benchmarks/.cache/splink-venv with
`pip install "splink>=5,<6"`), like ydata-profiling in bench_profile: the main process
normalises the rows the way a fair splink user would (NFKC, `match_key` for names,
katakana readings, digits-only phones, lower-cased e-mails, with migrator.clean's own
helpers), hands them over as a CSV, and a runner script does the rest in DuckDB: u by
random sampling, EM on two blocking rules, predict, connected components at the
threshold. The runner reports its seconds, the comparisons its blocking rules make
(splink's exact count) and its peak RSS; the untimed normalising is ours, not splink's.
"precision"/"recall" score the clusters; "edge" ones the pairs predict() scored over the
threshold, before connected components join them.

    python -m benchmarks.bench_dedupe splink [--rows 10000 100000] [--threshold 0.9]
    python -m benchmarks.bench_dedupe migrator [--rows 10000 100000 1000000] [--all-pairs]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.dedupe_truth import (
    cluster_scores,
    generate,
    pairwise_scores,
    true_pairs,
)
from benchmarks.memory import OWN_PEAK, own_peak_kib
from benchmarks.workbooks import own_venv

CACHE = Path(__file__).resolve().parent / ".cache"
RESULTS = Path(__file__).resolve().parent / "results"
SPLINK_VENV = CACHE / "splink-venv"
SPLINK_REQUIREMENT = "splink>=5,<6"
BLOCKING = [["name_key"], ["phone"], ["email"], ["postal_code", "name_head"], ["customer_code"]]
"""splink's blocking rules for predict: pairs that agree exactly on all columns of one rule."""
EM_RULES = [["name_key"], ["phone"]]
JW_EXAMPLES = [("山田商事", "山中商事"), ("山田商事", "山田工業"), ("山田商事", "山田商事大阪支店"),
               ("ヤマダショウジ", "ヤマナカショウジ"), ("高橋青空物産", "髙橋青空物産"),
               ("acmetrading", "acmetradng"), ("bluehabortrading", "blueharbortrading")]
"""Pairs whose Jaro-Winkler the runner reports: short kanji names against kana and Latin."""
_ADDRESS_WORDS = [("丁目", "-"), ("番地", "-"), ("番", "-"), ("号", ""), ("street", "st"),
                  ("avenue", "ave"), ("boulevard", "blvd"), ("road", "rd"), ("drive", "dr"),
                  ("suite", "#"), ("ste", "#")]

_SPLINK_RUNNER = OWN_PEAK + r"""
import json, logging, sys, time
t0 = time.perf_counter()
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules
path, out, cfg = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
db = DuckDBAPI()
con = db.duckdb_con
con.execute(f"CREATE TABLE customers AS SELECT * REPLACE (CAST(unique_id AS BIGINT) AS unique_id) "
            f"FROM read_csv('{path}', header=true, all_varchar=true)")
df = db.register("customers")
rules = [block_on(*r) for r in cfg["blocking"]]
email = cl.CustomComparison(output_column_name="email", comparison_levels=[
    cll.NullLevel("email"), cll.ExactMatchLevel("email"),
    cll.ExactMatchLevel("email_domain").configure(label_for_charts="same domain"), cll.ElseLevel()])
settings = SettingsCreator(
    link_type="dedupe_only", blocking_rules_to_generate_predictions=rules,
    retain_matching_columns=False, comparisons=[
        cl.JaroWinklerAtThresholds("name_key", [0.95, 0.88, 0.75]).configure(
            term_frequency_adjustments=True),
        cl.JaroWinklerAtThresholds("name_kana", [0.92, 0.8]), cl.ExactMatch("phone"), email,
        cl.ExactMatch("postal_code"), cl.ExactMatch("city"),
        cl.LevenshteinAtThresholds("address_key", [1, 3]), cl.ExactMatch("customer_code")])
linker = Linker(df, settings, log_level=logging.WARNING)
t_load = time.perf_counter()
linker.training.estimate_probability_two_random_records_match(
    [block_on("name_key", "phone"), block_on("email")], recall=0.6)
linker.training.estimate_u_using_random_sampling(max_pairs=cfg["u_pairs"], seed=1)
for rule in cfg["em"]:
    linker.training.estimate_parameters_using_expectation_maximisation(block_on(*rule))
t_train = time.perf_counter()
pred = linker.inference.predict(threshold_match_probability=cfg["threshold"])
clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, cfg["threshold"])
t_done = time.perf_counter()
con.execute(f"COPY (SELECT unique_id, cluster_id FROM {clusters.physical_name}) "
            f"TO '{out}/clusters.csv' (HEADER)")
con.execute(f"COPY (SELECT unique_id_l, unique_id_r FROM {pred.physical_name}) "
            f"TO '{out}/edges.csv' (HEADER)")
t_count = time.perf_counter()
counts = count_comparisons_from_blocking_rules(df, blocking_rules=rules, link_type="dedupe_only",
                                               record_sample_proportion=1.0)
jw = [[a, b, con.execute("SELECT jaro_winkler_similarity(?, ?)", [a, b]).fetchone()[0]]
      for a, b in cfg["jw_examples"]]
print(json.dumps({
    "splink_version": __import__("splink").__version__,
    "seconds_total": t_done - t0, "seconds_load": t_load - t0, "seconds_train": t_train - t_load,
    "seconds_predict_cluster": t_done - t_train,
    "seconds_count_comparisons": time.perf_counter() - t_count,
    "comparisons": counts[-1]["cumulative_comparison_count"],
    "comparisons_by_rule": {c["blocking_rule"]: c["marginal_comparison_count"] for c in counts},
    "pairs_over_threshold": con.execute(f"SELECT count(*) FROM {pred.physical_name}").fetchone()[0],
    "peak_rss_mb": own_peak_kib() / 1024,
    "jaro_winkler_examples": jw}))
"""


def splink_python() -> tuple[Path | None, str]:
    """The splink venv's python, building the venv the first time; (None, why) if it fails."""
    return own_venv(SPLINK_VENV, SPLINK_REQUIREMENT)


def _per_distinct(values: pd.Series, fn: Any) -> pd.Series:
    """fn over each distinct non-empty value, spread back over the rows (NA stays NA)."""
    codes, uniques = pd.factorize(values)
    table = np.array([fn(v) for v in uniques] + [None], dtype=object)
    out = pd.Series(table[codes], index=values.index, dtype=object)
    return out.where(out.astype(bool) & out.notna(), None)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _address_key(text: str) -> str:
    key = _nfkc(text).lower()
    for word, short in _ADDRESS_WORDS:
        key = key.replace(word, short)
    return re.sub(r"[\s,.]+", "", key).rstrip("-")


def _postal_key(text: str) -> str:
    digits = re.sub(r"\D", "", _nfkc(text))
    return digits[:5] if len(digits) == 9 else digits.zfill(5) if len(digits) == 4 else digits


def _phone_key(text: str) -> str:
    digits = re.sub(r"\D", "", _nfkc(text))
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns a fair splink user would hand over, normalised with migrator.clean helpers.

    Names keep only `match_key` (legal forms, width, case, spaces gone, kana as katakana);
    old kanji (髙/高) are left as typed: no cleaner here knows them.
    """
    from migrator.clean.kana import to_katakana
    from migrator.clean.names import match_key

    out = pd.DataFrame({"unique_id": np.arange(len(frame))})
    out["name_key"] = _per_distinct(frame["name"], match_key).to_numpy()
    out["name_head"] = out["name_key"].str[:2]
    out["name_kana"] = _per_distinct(
        frame["name_kana"], lambda v: to_katakana(v).replace(" ", "")).to_numpy()
    out["phone"] = _per_distinct(frame["phone"], _phone_key).to_numpy()
    out["email"] = _per_distinct(frame["email"], lambda v: _nfkc(v).lower()).to_numpy()
    out["email_domain"] = out["email"].str.partition("@")[2].replace("", None)
    out["postal_code"] = _per_distinct(frame["postal_code"], _postal_key).to_numpy()
    out["city"] = _per_distinct(frame["city"], _nfkc).to_numpy()
    out["address_key"] = _per_distinct(frame["address_line1"], _address_key).to_numpy()
    out["customer_code"] = _per_distinct(frame["customer_code"], _nfkc).to_numpy()
    return out


def run_splink(python: Path, frame: pd.DataFrame, threshold: float) -> dict[str, Any]:
    """splink on the frame in its venv: its report, and its clusters and edges scored."""
    cleaned = prepare(frame)
    config = {"blocking": BLOCKING, "em": EM_RULES, "threshold": threshold,
              "u_pairs": 1e7, "jw_examples": JW_EXAMPLES}
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        path = Path(tmp) / "customers.csv"
        cleaned.to_csv(path, index=False)
        done = subprocess.run([str(python), "-c", _SPLINK_RUNNER, str(path), tmp,
                               json.dumps(config)], capture_output=True, text=True, timeout=3600)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip().splitlines()[-1])
        report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        clusters = pd.read_csv(Path(tmp) / "clusters.csv")
        edges = pd.read_csv(Path(tmp) / "edges.csv")
    labels = np.full(len(frame), np.nan)
    labels[clusters["unique_id"].to_numpy()] = pd.factorize(clusters["cluster_id"])[0]
    truth = frame["true_cluster"].to_numpy()
    report["cluster_precision"], report["cluster_recall"] = cluster_scores(labels, truth)
    predicted = set(zip(edges.min(axis=1).tolist(), edges.max(axis=1).tolist(), strict=True))
    true = true_pairs(frame)
    report["edge_precision"], report["edge_recall"] = pairwise_scores(predicted, true)
    report |= _diagnose(cleaned, predicted, true)
    return report


def _diagnose(cleaned: pd.DataFrame, predicted: set[tuple[int, int]],
              true: set[tuple[int, int]]) -> dict[str, Any]:
    """Why pairs were missed or wrongly made: how many true pairs some blocking rule reaches,
    on which columns the wrong and the missed pairs agree, how many wrong ones are US
    customers (whose fictional 555-01xx phones repeat)."""
    def agree(pairs: set[tuple[int, int]], column: str) -> np.ndarray:
        i, j = (np.array(side, dtype=np.int64) for side in zip(*pairs, strict=True))
        values = cleaned[column].to_numpy(dtype=object)
        return pd.notna(values[i]) & (values[i] == values[j])

    def shares(pairs: set[tuple[int, int]]) -> dict[str, float]:
        columns = ["name_key", "phone", "email_domain", "postal_code", "address_key"]
        return {c: float(agree(pairs, c).mean()) if pairs else 0.0 for c in columns}

    reach = np.logical_or.reduce([np.logical_and.reduce([agree(true, c) for c in rule])
                                  for rule in BLOCKING])
    missed, wrong = true - predicted, predicted - true
    latin = cleaned["name_key"].fillna("").str.isascii().to_numpy()
    us = float(np.mean([latin[i] and latin[j] for i, j in wrong])) if wrong else 0.0
    return {"true_pairs": len(true), "blocking_reach": float(reach.mean()),
            "missed_pairs": len(missed), "wrong_pairs": len(wrong),
            "missed_agreeing_on": shares(missed), "wrong_agreeing_on": shares(wrong),
            "wrong_between_us_customers": us}


def run_migrator(frame: pd.DataFrame, all_pairs: bool = False) -> dict[str, Any]:
    """migrator.clean (untimed) then migrator.dedupe (timed) on the generated rows, scored.

    The frame goes in as apply_mapping would hand it on (one `customers` frame, lineage
    kept, every row under rule set 0, so each field gets its schema's default). Rows in
    one cluster of `deduped.clusters` with role `survivor` or `merged` are predicted to be
    one customer. "end to end" counts the rows clean rejects (the fictional US numbers
    clean reads as Japanese, see the closing notes) as unmerged; "stage" scores the rows
    that reached dedupe. With `all_pairs`, every pair of those rows is also scored by the
    same comparator, to compare its cost with the blocked run.
    """
    from migrator import clean, dedupe
    from migrator.schema import load_schema
    from migrator.tables import RULES, MappedTables

    raw = frame.drop(columns=["true_cluster"]).copy()
    raw[RULES] = 0
    mapped = MappedTables(schema=load_schema("crm"), frames={"customers": raw},
                          rows_read={"customers": len(raw)}, rules=[{}])
    cleaned = clean(mapped)
    before = _rss_mb()
    started = time.perf_counter()
    deduped = dedupe(cleaned)
    seconds = time.perf_counter() - started
    where = pd.Series(np.arange(len(frame)),
                      index=pd.MultiIndex.from_frame(frame[["_source_file", "_source_row"]]))

    def positions(rows: pd.DataFrame) -> np.ndarray:
        index = pd.MultiIndex.from_frame(
            rows[["_source_file", "_source_row"]].astype({"_source_row": "int64"}))
        return where.reindex(index).to_numpy(dtype=np.int64)

    found = deduped.clusters
    found = found[(found["table"] == "customers") & found["role"].isin(["survivor", "merged"])]
    labels = np.full(len(frame), np.nan)
    labels[positions(found)] = found["cluster"].to_numpy(dtype=float)
    truth = frame["true_cluster"].to_numpy()
    reached = positions(cleaned.frames["customers"])
    end = cluster_scores(labels, truth)
    stage = cluster_scores(labels[reached], truth[reached])
    review = deduped.clusters[deduped.clusters["role"] == "review"]["cluster"].nunique()
    out = {"seconds_total": seconds, "comparisons": deduped.compared["customers"],
           "cluster_precision": end[0], "cluster_recall": end[1],
           "stage_precision": stage[0], "stage_recall": stage[1],
           "rows_reaching_dedupe": len(reached), "review_groups": int(review),
           "rss_before_dedupe_mb": before, "peak_rss_mb": _peak_rss_mb()}
    if all_pairs:
        out.update(_all_pairs(cleaned.frames["customers"], out["seconds_total"]))
    return out


def _all_pairs(customers: pd.DataFrame, blocked_seconds: float) -> dict[str, Any]:
    """Every pair of rows scored by dedupe's comparator, in chunks: the cost blocking saves."""
    from migrator.dedupe.fields import prepare as prepare_rows
    from migrator.dedupe.match import score_pairs
    from migrator.schema import load_schema

    spec = load_schema("crm").tables["customers"]
    prepared = prepare_rows(customers.reset_index(drop=True), spec,
                            np.zeros(len(customers), dtype=bool), None)
    n = len(customers)
    left, right = np.triu_indices(n, 1)
    started, merged = time.perf_counter(), 0
    for start in range(0, len(left), 5_000_000):
        scored = score_pairs(prepared, left[start:start + 5_000_000],
                             right[start:start + 5_000_000])
        merged += int((scored.score >= 0.9).sum())
    seconds = time.perf_counter() - started
    return {"all_pairs": len(left), "all_pairs_seconds": seconds,
            "all_pairs_over_blocked": seconds / blocked_seconds,
            "all_pairs_merge_pairs": merged}


def _rss_mb() -> float:
    """Resident memory now, from /proc (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


def _peak_rss_mb() -> float:
    return own_peak_kib() / 1024


def score_migrator(rows: int, all_pairs: bool) -> dict[str, Any]:
    """One size in a fresh interpreter, so its peak memory is its own."""
    code = ("import json, sys; from benchmarks.bench_dedupe import run_migrator; "
            "from benchmarks.dedupe_truth import generate; "
            f"print(json.dumps(run_migrator(generate({rows}), {all_pairs})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent, check=False)
    if done.returncode != 0:
        raise SystemExit(f"migrator at {rows:,} rows failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_dedupe")
    parser.add_argument("contender", choices=["splink", "migrator"])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--threshold", type=float, default=0.9,
                        help="splink: match probability at which pairs are clustered")
    parser.add_argument("--all-pairs", action="store_true",
                        help="migrator: also score every pair at the smallest size")
    args = parser.parse_args(argv)
    python, how = splink_python() if args.contender == "splink" else (None, "not splink")
    if args.contender == "splink" and python is None:
        print(f"splink: not run ({how})")
        return {"splink": how}
    runs: list[dict[str, Any]] = []
    for rows in args.rows:
        scored = (run_splink(python, generate(rows), args.threshold) if python is not None
                  else score_migrator(rows, args.all_pairs and rows == min(args.rows)))
        runs.append({"rows": rows, **scored})
        _print_row(args.contender, runs[-1], first=len(runs) == 1)
    for run in runs:
        if "all_pairs" in run:
            print(f"  all pairs at {run['rows']:,} rows: {run['all_pairs']:,} scored in "
                  f"{run['all_pairs_seconds']:.1f} s, {run['all_pairs_over_blocked']:.0f}x the "
                  f"blocked dedupe ({run['comparisons']:,} pairs)")
        if "stage_precision" in run:
            print(f"  {run['rows']:,} rows, of the {run['rows_reaching_dedupe']:,} that reached "
                  f"dedupe: precision {run['stage_precision']:.4f}, recall "
                  f"{run['stage_recall']:.4f}; {run['review_groups']:,} groups for review; "
                  f"RSS {run['rss_before_dedupe_mb']:,.0f} MB before dedupe")
    report = {"contender": args.contender, "threshold": args.threshold, "runs": runs}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"dedupe_{args.contender}.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False))
    return report


HEADER = (f"{'rows':>9}  {'seconds':>7}  {'predict+cluster':>15}  {'comparisons':>11}  "
          f"{'precision':>9}  {'recall':>6}  {'edge P':>6}  {'edge R':>6}  {'peak RSS MB':>11}")


def _print_row(contender: str, run: dict[str, Any], first: bool) -> None:
    """One line of the table; a column the contender does not report shows `-`."""
    def cell(key: str, width: int, spec: str) -> str:
        return format(run[key], spec).rjust(width) if key in run else "-".rjust(width)

    if first:
        print(f"{contender} (precision and recall: pairwise, of the clusters)\n{HEADER}")
    print(f"{run['rows']:>9,}  {run['seconds_total']:>7.1f}  "
          f"{cell('seconds_predict_cluster', 15, '.1f')}  {cell('comparisons', 11, ',')}  "
          f"{run['cluster_precision']:>9.3f}  {run['cluster_recall']:>6.3f}  "
          f"{cell('edge_precision', 6, '.3f')}  {cell('edge_recall', 6, '.3f')}  "
          f"{cell('peak_rss_mb', 11, ',.0f')}")


if __name__ == "__main__":
    main(sys.argv[1:])
