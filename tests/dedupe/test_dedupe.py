"""dedupe: the same client typed by several departments becomes one record, nothing lost.

`same_client_two_departments.csv` holds, as three departments typed them: one client in
three spellings ((株)/株式会社/㈱, one with a second phone), 髙橋/高橋 (old and new kanji),
a same-named company in another city, two clients sharing a code, and a one-character
typo (北斗電機/北斗電気) with little else to go on.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from migrator import Mapping, apply_mapping, clean, dedupe, read_sources
from migrator.dedupe import Decisions, review
from migrator.demo import SOURCES
from migrator.errors import DecisionsError, StageOrderError
from migrator.tables import DedupedTables
from tests.conftest import FIXTURES, ROOT, SAMPLE_DATA

HERE = FIXTURES / "pipeline"


@pytest.fixture(scope="module")
def deduped() -> DedupedTables:
    return dedupe(_cleaned())


def roles(found: pd.DataFrame, table: str) -> dict[int, tuple[int, str]]:
    rows = found[found["table"] == table]
    return {int(r["_source_row"]): (int(r["cluster"]), r["role"])
            for r in rows.to_dict("records") if r["role"] != "review"}


def test_dedupe_merges_one_client_typed_three_ways(deduped: DedupedTables) -> None:
    customers = deduped.frames["customers"].set_index("_source_row")
    assert roles(deduped.clusters, "customers") == {
        2: (1, "survivor"), 3: (1, "merged"),  # (株)山田商事 and 株式会社 山田商事
        5: (2, "survivor"), 6: (2, "merged"),  # 髙橋工業 and 高橋工業(株)
    }
    assert customers.loc[2, "customer_code"] == "C100"  # the typed code survives
    assert customers.loc[5, "name"] == "髙橋工業株式会社"  # the first source's spelling
    assert 3 not in customers.index and 6 not in customers.index
    merges = deduped.merges[deduped.merges["table"] == "customers"]
    assert merges[["surviving_key", "_source_row"]].values.tolist() == [["C100", 3],
                                                                        ["C200", 6]]
    assert merges["why"].tolist()[0] == ("score 1.00; agreed: name, postal, region, phone, "
                                         "address")


def test_dedupe_keeps_apart_what_only_looks_alike(deduped: DedupedTables) -> None:
    customers = deduped.frames["customers"]
    sapporo = customers[customers["customer_code"] == "C300"]
    assert sapporo["name"].tolist() == ["株式会社山田商事"]  # same name, another city: kept
    review = deduped.clusters[deduped.clusters["role"] == "review"]
    groups = sorted(sorted(int(r) for r in g["_source_row"]) for _, g in review.groupby("cluster"))
    assert groups == [[2, 4], [10, 11]]  # a second phone (C100 stands for row 3 too); a typo
    assert set(customers["_source_row"]) >= {4, 10, 11}  # left apart until a person decides
    (reject,) = deduped.rejects.to_dict("records")  # C400 names two companies
    assert (reject["_source_row"], reject["reasons"]) == (9, "duplicate_key:customer_code")


def test_dedupe_moves_children_to_the_survivor(deduped: DedupedTables) -> None:
    contacts = deduped.frames["contacts"]
    assert contacts[["full_name", "customer_code"]].values.tolist() == [
        ["山田 太郎", "C100"],  # the two 山田 太郎 of C100 are one person
        ["佐藤 花子", contacts["customer_code"].iloc[1]]]
    kept = deduped.frames["customers"]
    sato_parent = kept[kept["_source_row"] == 4]["customer_code"].item()
    assert contacts["customer_code"].iloc[1] == sato_parent  # stays with its own row
    moved = deduped.changes[deduped.changes["rule"] == "repointed_to_survivor:customers"]
    assert moved[["_source_row", "after"]].values.tolist() == [[3, "C100"]]


def test_dedupe_accounts_for_every_row(deduped: DedupedTables) -> None:
    counts = deduped.counts()
    assert {t: (c.read, c.kept, c.merged, c.rejected) for t, c in counts.items()} == {
        "customers": (10, 7, 2, 1), "contacts": (3, 2, 1, 0)}
    assert deduped.accounting_ok
    assert deduped.compared["customers"] < 10 * 9 // 2  # blocking: never all pairs


def test_dedupe_refuses_another_stage_result(deduped: DedupedTables) -> None:
    with pytest.raises(StageOrderError, match=r"^dedupe\(\) takes what clean\(\) returns, "
                                              r"not DedupedTables"):
        dedupe(deduped)  # type: ignore[arg-type]


def _lineage(row: dict[str, Any]) -> tuple[Any, ...]:
    sheet = row["_source_sheet"]
    return row["_source_file"], sheet if isinstance(sheet, str) else None, int(
        row["_source_row"])


def test_dedupe_sample_data_precision_and_recall() -> None:
    """The generator records which ledger client each department row is (its sheets carry
    no code); ledger and cards carry the code. Merges are scored pair by pair."""
    expected = yaml.safe_load((SAMPLE_DATA / "expected.yaml").read_text(encoding="utf-8"))
    department = {(r["sheet"], r["row"]): r["customer_code"]
                  for r in expected["department_rows"]}
    cleaned = clean(apply_mapping(read_sources([SAMPLE_DATA / n for n in SOURCES]),
                                  Mapping.load(SAMPLE_DATA / "mapping.yaml")))
    found = dedupe(cleaned).clusters

    def who(row: dict[str, Any]) -> tuple[Any, ...]:
        if row["_source_file"] in ("顧客台帳.xlsx", "顧客カード.xlsx"):
            return ("client", row["customer_code"])
        if row["_source_file"] == "部署別顧客.xlsx":
            return ("client", department[(row["_source_sheet"], int(row["_source_row"]))])
        return _lineage(row)

    truth: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for row in cleaned.frames["customers"].to_dict("records"):
        truth.setdefault(who(row), []).append(_lineage(row))
    true = {p for rows in truth.values() for p in itertools.combinations(sorted(rows), 2)}
    merged = found[(found["table"] == "customers") & (found["role"] != "review")]
    predicted = {p for _, g in merged.groupby("cluster") for p in itertools.combinations(
        sorted(_lineage(r) for r in g.to_dict("records")), 2)}
    precision = len(predicted & true) / len(predicted)
    recall = len(predicted & true) / len(true)
    assert (len(true), precision, recall) == (82, 1.0, 1.0)  # targets: ≥ 0.99 and ≥ 0.95


def test_dedupe_review_then_decisions_are_never_asked_again(
        deduped: DedupedTables, tmp_path: Path) -> None:
    pending = review(deduped)
    assert [(d.table, d.decision, [r.key for r in d.records]) for d in pending.decisions] == [
        ("customers", None, ["C100", "GCBED5E7740"]),
        ("customers", None, ["C500", "G7E99BE0037"])]
    path = tmp_path / "decisions.yaml"
    pending.save(path)
    text = path.read_text(encoding="utf-8").replace("decision: null", "decision: merge", 1)
    path.write_text(text.replace("decision: null", "decision: keep_apart"), encoding="utf-8")
    decided = Decisions.load(path)
    assert [d.decision for d in decided.decisions] == ["merge", "keep_apart"]
    again = dedupe(_cleaned(), decisions=path)
    assert again.clusters[again.clusters["role"] == "review"].empty  # never asked again
    merges = again.merges[again.merges["table"] == "customers"]
    assert merges[["surviving_key", "_source_row", "why"]].values.tolist()[:2] == [
        ["C100", 3, "score 1.00; agreed: name, postal, region, phone, address"],
        ["C100", 4, "score 1.00; agreed: decision: merge"]]
    assert set(again.frames["customers"]["_source_row"]) >= {10, 11}  # kept apart
    assert again.accounting_ok


def test_dedupe_decisions_file_errors_are_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "decisions.yaml"
    path.write_text("version: 1\ndecisions:\n- decision: fuse\n  table: customers\n"
                    "  records: [{key: A}, {key: B}]\n", encoding="utf-8")
    with pytest.raises(DecisionsError, match=r"^decisions.yaml: decisions\[0\]\.decision: "):
        Decisions.load(path)


def test_dedupe_command_shows_clusters_and_writes_review(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "review.yaml"
    done = subprocess.run([sys.executable, "-m", "migrator", "dedupe",
                           str(HERE / "same_client_two_departments.csv"), "--mapping",
                           str(HERE / "same_client_two_departments.mapping.yaml"),
                           "--review", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "customers: 9 pairs compared, 2 clusters merged, 2 groups need review" in done.stdout
    assert f"2 group(s) of likely duplicates need review: {out}" in done.stdout
    assert len(Decisions.load(out).decisions) == 2


def _cleaned() -> Any:
    mapping = Mapping.load(HERE / "same_client_two_departments.mapping.yaml")
    return clean(apply_mapping(read_sources([HERE / "same_client_two_departments.csv"]),
                               mapping))


def test_dedupe_next_month_matches_the_customers_already_loaded(target_url: str,
                                                               tmp_path: Path) -> None:
    """May's sheet types (株)山田商事 without its code: it updates 000123, loaded in April,
    instead of inserting it again under a generated code; its contact follows."""
    from migrator import run
    from tests.conftest import stored_rows

    mapping = HERE / "next_month.mapping.yaml"
    run([HERE / "next_month_april.csv"], mapping=mapping, to=target_url, rejects_dir=tmp_path)
    may = run([HERE / "next_month_may.csv"], mapping=mapping, to=target_url,
              rejects_dir=tmp_path)
    customers = may.tables["customers"]
    assert (customers.rows_read, customers.rows_loaded, customers.inserted, customers.updated,
            customers.unchanged) == (2, 2, 1, 0, 1)  # 桜川物産 is new; 山田商事 is April's
    stored = {r["customer_code"]: r["name"] for r in stored_rows(target_url, "customers")}
    assert len(stored) == 3 and stored["000123"] == "株式会社山田商事"
    contacts = {r["full_name"]: r["customer_code"] for r in stored_rows(target_url, "contacts")}
    assert contacts == {"山田 太郎": "000123", "佐藤 花子": "000123"}


def test_dedupe_keep_apart_holds_against_a_chain_through_a_third_row() -> None:
    """A~B share a phone, B~C an e-mail: without a decision all three become one record;
    kept apart, A and C stay two records, and B joins the pair it is closest to."""
    from migrator import load_schema
    from migrator.dedupe import Decision, RecordRef
    from migrator.tables import RULES, MappedTables

    frame = pd.DataFrame({
        "customer_code": ["C1", None, "C3"],
        "name": ["株式会社山田商事", "(株)山田商事", "山田商事㈱"],
        "phone": ["03-5501-1201", "03-5501-1201", "03-5501-9999"],
        "email": [None, "info@yamada.example.co.jp", "info@yamada.example.co.jp"],
        "postal_code": ["150-0002"] * 3,
        "_source_file": "chain.csv", "_source_sheet": None, "_source_row": [2, 3, 4],
        RULES: 0,
    })
    mapped = MappedTables(schema=load_schema("crm"), frames={"customers": frame},
                          rows_read={"customers": 3}, rules=[{}])
    cleaned = clean(mapped)
    chained = dedupe(cleaned)
    assert chained.counts()["customers"].merged == 2  # one record of three rows
    apart = Decisions(decisions=(Decision(decision="keep_apart", table="customers",
                                          records=(RecordRef(key="C1"), RecordRef(key="C3"))),))
    kept = dedupe(cleaned, decisions=apart)
    assert sorted(kept.frames["customers"]["customer_code"]) == ["C1", "C3"]
    # B, the more complete row, survives under A's typed code; A is the row merged
    assert kept.merges[["surviving_key", "_source_row"]].values.tolist() == [["C1", 2]]
