"""dedupe: the same client typed by several departments becomes one record, nothing lost.

`same_client_two_departments.csv` holds, as three departments typed them: one client in
three spellings ((株)/株式会社/㈱, one at the same address with a second phone), 髙橋/高橋,
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
from tests.conftest import FIXTURES, SAMPLE_DATA, migrator_in_process

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
        2: (1, "survivor"), 3: (1, "merged"), 4: (1, "merged"),  # (株)/株式会社/㈱山田商事
        5: (2, "survivor"), 6: (2, "merged"),  # 髙橋工業 and 高橋工業(株)
    }
    assert customers.loc[2, "customer_code"] == "C100"  # the typed code survives
    assert customers.loc[5, "name"] == "髙橋工業株式会社"  # the first source's spelling
    assert 3 not in customers.index and 4 not in customers.index and 6 not in customers.index
    assert customers.loc[2, "notes"].endswith("› 4: phone +81355019999")  # kept, in notes
    merges = deduped.merges[deduped.merges["table"] == "customers"]
    assert merges[["surviving_key", "_source_row"]].values.tolist() == [
        ["C100", 3], ["C100", 4], ["C200", 6]]
    assert merges["why"].tolist()[0] == ("score 1.00; agreed: name, postal, region, phone, "
                                         "address")


def test_dedupe_keeps_apart_what_only_looks_alike(deduped: DedupedTables) -> None:
    customers = deduped.frames["customers"]
    sapporo = customers[customers["customer_code"] == "C300"]
    assert sapporo["name"].tolist() == ["株式会社山田商事"]  # same name, another city: kept
    review = deduped.clusters[deduped.clusters["role"] == "review"]
    groups = sorted(sorted(int(r) for r in g["_source_row"]) for _, g in review.groupby("cluster"))
    assert groups == [[10, 11]]  # a one-character typo and little else
    assert set(customers["_source_row"]) >= {10, 11}  # left apart until a person decides
    (reject,) = deduped.rejects.to_dict("records")  # C400 names two companies
    assert (reject["_source_row"], reject["reasons"]) == (9, "duplicate_key:customer_code")


def test_dedupe_moves_children_to_the_survivor(deduped: DedupedTables) -> None:
    contacts = deduped.frames["contacts"]
    assert contacts[["full_name", "customer_code"]].values.tolist() == [
        ["山田 太郎", "C100"],  # the two 山田 太郎 of C100 are one person
        ["佐藤 花子", "C100"]]  # a second person of the same client
    moved = deduped.changes[deduped.changes["rule"] == "repointed_to_survivor:customers"]
    assert moved[["_source_row", "after"]].values.tolist() == [[3, "C100"], [4, "C100"]]


def test_dedupe_accounts_for_every_row(deduped: DedupedTables) -> None:
    counts = deduped.counts()
    assert {t: (c.read, c.kept, c.merged, c.rejected) for t, c in counts.items()} == {
        "customers": (10, 6, 3, 1), "contacts": (3, 2, 1, 0)}
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
        ("customers", None, ["C500", "G7E99BE0037"])]
    path = tmp_path / "decisions.yaml"
    pending.save(path)
    path.write_text(path.read_text(encoding="utf-8").replace("decision: null",
                                                             "decision: merge"),
                    encoding="utf-8")
    assert [d.decision for d in Decisions.load(path).decisions] == ["merge"]
    again = dedupe(_cleaned(), decisions=path)
    assert again.clusters[again.clusters["role"] == "review"].empty  # never asked again
    merges = again.merges[again.merges["table"] == "customers"]
    assert merges[["surviving_key", "_source_row", "why"]].values.tolist()[-1] == [
        "C500", 11, "score 1.00; agreed: decision: merge"]
    assert again.accounting_ok
    apart = path.read_text(encoding="utf-8").replace("decision: merge", "decision: keep_apart")
    path.write_text(apart, encoding="utf-8")
    kept = dedupe(_cleaned(), decisions=path)
    assert kept.clusters[kept.clusters["role"] == "review"].empty
    assert set(kept.frames["customers"]["_source_row"]) >= {10, 11}  # kept apart


def test_dedupe_decisions_file_errors_are_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "decisions.yaml"
    path.write_text("version: 1\ndecisions:\n- decision: fuse\n  table: customers\n"
                    "  records: [{key: A}, {key: B}]\n", encoding="utf-8")
    with pytest.raises(DecisionsError, match=r"^decisions.yaml: decisions\[0\]\.decision: "):
        Decisions.load(path)


def test_dedupe_command_shows_clusters_and_writes_review(tmp_path: Path) -> None:
    out = tmp_path / "review.yaml"
    done = migrator_in_process("dedupe", HERE / "same_client_two_departments.csv", "--mapping",
                               HERE / "same_client_two_departments.mapping.yaml",
                               "--review", out)
    assert done.returncode == 0, done.stderr
    assert "customers: 9 pairs compared, 2 clusters merged, 1 groups need review" in done.stdout
    assert f"1 group(s) of likely duplicates need review: {out}" in done.stdout
    assert len(Decisions.load(out).decisions) == 1


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


STATED = """
version: 1
name: stated
tables:
  customers:
    primary_key: code
    match_keys: [name, phone, email]
    survivorship: {phone: "most_recent:updated", notes: most_complete}
    fields:
      code: {type: code, required: true}
      name: {type: text, required: true, semantic: company_name}
      phone: {type: text, semantic: phone, format: e164}
      email: {type: text, semantic: email, format: email}
      updated: {type: date, format: iso_date}
      notes: {type: text}
"""


def test_dedupe_stated_survivorship_takes_the_most_recent_phone() -> None:
    """The first source survives, but the schema says the phone comes from the row updated
    last: the older ledger's number gives way to the newer sheet's, and the log says why."""
    from migrator import TargetSchema
    from migrator.tables import RULES, MappedTables

    schema = TargetSchema.from_yaml(STATED)
    frame = pd.DataFrame({
        "code": ["C1", "C2"], "name": ["株式会社山田商事", "(株)山田商事"],
        "phone": ["03-5501-1201", "03-5501-9999"],
        "email": ["info@yamada.example.co.jp", "info@yamada.example.co.jp"],
        "updated": ["2023/4/1", "2024/10/1"], "notes": [None, "second phone since 2024"],
        "_source_file": ["ledger.csv", "may.csv"], "_source_sheet": None,
        "_source_row": [2, 2], RULES: [0, 1],
    })
    mapped = MappedTables(schema=schema, frames={"customers": frame},
                          rows_read={"customers": 2}, rules=[{}, {}])
    deduped = dedupe(clean(mapped))
    (kept,) = deduped.frames["customers"].to_dict("records")
    assert (kept["code"], kept["phone"]) == ("C1", "+81355019999")
    assert kept["notes"].startswith("second phone since 2024")  # the merged row's notes
    logged = deduped.changes[deduped.changes["field"] == "phone"]["rule"].tolist()
    assert "survivor most_recent:updated from may.csv › 2" in logged


def test_dedupe_stated_survivorship_must_name_a_date_field() -> None:
    from migrator import TargetSchema
    from migrator.errors import SchemaError

    with pytest.raises(SchemaError, match=r"tables\.customers\.survivorship\.phone: 'name' is "
                                          r"not a date field of customers$"):
        TargetSchema.from_yaml(STATED.replace("most_recent:updated", "most_recent:name"))


def test_dedupe_every_pair_above_review_has_a_score_and_what_agreed(
        deduped: DedupedTables) -> None:
    pairs = deduped.pairs[deduped.pairs["table"] == "customers"]
    found = {(int(a), int(b)): (s, g) for a, b, s, g in pairs[
        ["left_source_row", "right_source_row", "score", "agreed"]].values.tolist()}
    assert found[(2, 3)] == (0.999, "name, postal, region, phone, address")
    assert found[(10, 11)][1] == "postal, region" and 0.3 <= found[(10, 11)][0] < 0.9
    assert all(score >= 0.3 for score, _ in found.values())


def test_dedupe_sales_naming_a_merged_code_follow_the_survivor() -> None:
    """Two departments typed one client under C1 and C3; the sales sheet names C3. The
    client is one record (C1, the first source's), and the sale is re-pointed to it."""
    from datetime import date

    from migrator import load_schema
    from migrator.tables import RULES, MappedTables

    customers = pd.DataFrame({
        "customer_code": ["C1", "C3"], "name": ["株式会社山田商事", "山田商事㈱"],
        "phone": ["03-5501-1201", "03-5501-1201"], "postal_code": ["150-0002"] * 2,
        "_source_file": ["営業1課.csv", "営業2課.csv"], "_source_sheet": None,
        "_source_row": [2, 2], RULES: [0, 1]})
    sales = pd.DataFrame({
        "sale_id": ["S1"], "customer_code": ["C3"], "sale_date": [date(2024, 4, 1)],
        "amount": [1200], "_source_file": ["売上.csv"], "_source_sheet": None,
        "_source_row": [2], RULES: [2]})
    mapped = MappedTables(schema=load_schema("crm"),
                          frames={"customers": customers, "sales": sales},
                          rows_read={"customers": 2, "sales": 1}, rules=[{}, {}, {}])
    deduped = dedupe(clean(mapped))
    assert deduped.frames["customers"]["customer_code"].tolist() == ["C1"]
    assert deduped.frames["sales"]["customer_code"].tolist() == ["C1"]
    moved = deduped.changes[deduped.changes["table"] == "sales"]
    assert moved[["before", "after", "rule"]].values.tolist() == [
        ["C3", "C1", "repointed_to_survivor:customers"]]


def test_dedupe_run_report_counts_what_waits_for_review(tmp_path: Path) -> None:
    from migrator import run

    report = run([HERE / "same_client_two_departments.csv"],
                 mapping=HERE / "same_client_two_departments.mapping.yaml",
                 to=f"sqlite:///{tmp_path / 'r.db'}", rejects_dir=tmp_path)
    assert report.needs_review == {"customers": 1}
    assert report.asdict()["needs_review"] == {"customers": 1}
    assert ("  likely duplicates left apart for review: customers 1 (list them with "
            "--review FILE)") in str(report)


def test_dedupe_new_customers_only_into_a_target_that_holds_others(tmp_path: Path) -> None:
    """No incoming row matches a stored one, so no cluster holds a read row: nothing to do,
    never an internal error (found by the concurrent-load hardening)."""
    from migrator import run

    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("顧客コード,会社名,電話番号\nC1,山田商事,03-1234-5678\n"
                     "C2,鈴木工業,052-111-2222\n", encoding="utf-8")
    second.write_text("顧客コード,会社名,電話番号\nC3,佐藤物産,011-222-3333\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    run([first], auto=True, to=url, rejects_dir=tmp_path)
    report = run([second], auto=True, to=url, rejects_dir=tmp_path)
    assert report.tables["customers"].inserted == 1 and report.accounting_ok


def test_dedupe_prepares_a_table_without_rows_with_an_email_field() -> None:
    """No row at all: splitting the e-mails into domains has no column to take."""
    import numpy as np

    from migrator.dedupe.fields import prepare
    from migrator.schema import load_schema

    spec = load_schema("crm").tables["customers"]
    frame = pd.DataFrame({"customer_code": pd.Series(dtype=object),
                          "name": pd.Series(dtype=object), "email": pd.Series(dtype=object)})
    prepared = prepare(frame, spec, np.zeros(0, dtype=bool), None)
    assert len(prepared.code) == 0


def _customers(rows: dict[str, list[Any]]) -> DedupedTables:
    from migrator import load_schema
    from migrator.tables import RULES, MappedTables

    n = len(next(iter(rows.values())))
    frame = pd.DataFrame({**rows, "_source_file": "numbered.csv", "_source_sheet": None,
                          "_source_row": list(range(2, n + 2)), RULES: 0})
    mapped = MappedTables(schema=load_schema("crm"), frames={"customers": frame},
                          rows_read={"customers": n}, rules=[{}])
    return dedupe(clean(mapped))


def test_dedupe_keeps_numbered_companies_at_one_address_apart() -> None:
    """サンプル商事12 and サンプル商事13 in one building, one mail domain, one reading: two
    companies (their names differ only in the number), not one typed twice; the same
    name typed with full-width digits or without its legal form is still one."""
    place = {"postal_code": ["100-0001"] * 4, "region": ["東京都"] * 4,
             "city": ["千代田区"] * 4, "address_line1": ["1-1-1"] * 4,
             "name_kana": ["サンプルショウジ"] * 4}
    found = _customers({
        "customer_code": [None] * 4,
        "name": ["株式会社サンプル商事12", "株式会社サンプル商事13", "サンプル商事１２",
                 "株式会社サンプル商事14"],
        "phone": ["03-5001-0001", "03-5001-0002", "03-5001-0001", "03-5001-0004"],
        "email": ["a@sample.example.co.jp", "b@sample.example.co.jp",
                  "a@sample.example.co.jp", "d@sample.example.co.jp"], **place})
    assert found.counts()["customers"].merged == 1
    assert found.merges["_source_row"].tolist() == [4]  # 12 typed twice; 13 and 14 stand
    # no pair of two numbers even waits for review: only 12 and its second typing pair up
    assert found.pairs[["left_source_row", "right_source_row"]].values.tolist() == [[2, 4]]


def test_dedupe_pairs_tenants_of_a_crowded_building_only_by_stronger_keys() -> None:
    """Ten customers at one address are compared pair by pair; eleven are an office
    building's tenants, whom the address alone does not pair (their other keys still do)."""
    import numpy as np

    from migrator.dedupe.fields import Prepared
    from migrator.dedupe.match import BLOCK_LIMITS, candidate_pairs

    def pairs(n: int, phones: list[str]) -> set[tuple[int, int]]:
        texts = {"name": [f"テナント{chr(0x30A2 + i)}" for i in range(n)],
                 "address": ["東京都千代田区丸の内1-1-1"] * n, "phone": phones}
        prepared = Prepared({k: np.array(v, dtype=object) for k, v in texts.items()},
                            code=np.array([""] * n, dtype=object), group=None)
        left, right = candidate_pairs(prepared)
        return set(zip(left.tolist(), right.tolist(), strict=True))

    limit = BLOCK_LIMITS["address"]
    assert len(pairs(limit, [""] * limit)) == limit * (limit - 1) // 2
    crowded = limit + 1
    assert pairs(crowded, [""] * crowded) == set()
    shared_phone = ["+81355011201", "+81355011201"] + [""] * (crowded - 2)
    assert pairs(crowded, shared_phone) == {(0, 1)}


def test_the_ids_made_while_folding_group_rows_as_their_folded_texts_do() -> None:
    """prepare numbers each column's texts from their distinct values as it folds them;
    blocking and scoring compare those numbers, so they must part the rows exactly as the
    folded texts do, with -1 for a missing text (one folded to nothing included) and for
    a key clean generated."""
    import numpy as np

    from migrator.dedupe.fields import MISSING, prepare, value_ids
    from migrator.schema import load_schema

    spec = load_schema("crm").tables["customers"]
    frame = pd.DataFrame({
        "customer_code": ["C1", "c1", "C2", None, "C9"],
        "name": ["山田商事株式会社", "山田商事(株)", "ﾔﾏﾀﾞ商事", None, "  "],
        "email": ["A@Example.jp", "a@example.jp", None, " ", "b@example.jp"],
        "phone": ["+81312345678", None, "+81312345678", "+81312345678", None],
        "address_line1": ["錦4丁目29番地2号", "錦４－２９－２", None, "", "丸の内1-1"],
    })
    generated = np.array([False, False, False, False, True])
    prepared = prepare(frame, spec, generated, None)
    columns = {**prepared.columns, "code": prepared.code}
    assert set(prepared.ids) == set(columns) - {"domain"}
    for name, texts in columns.items():
        made, again = prepared.value_ids(name), value_ids(texts)
        assert np.array_equal(made < 0, texts == MISSING), name
        assert np.array_equal(made < 0, again < 0), name
        both = set(zip(made.tolist(), again.tolist(), strict=True))
        assert len(both) == len(set(again.tolist())) == len(set(made.tolist())), name
    assert prepared.value_ids("code").tolist()[3:] == [-1, -1]
    assert prepared.value_ids("email")[0] == prepared.value_ids("email")[1] >= 0
