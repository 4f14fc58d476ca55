"""Rows that share one lineage (cards side by side start on one Excel row) stay apart
where a stage links or keys rows by lineage, and a sheet without shared lineage keeps
the generated keys it always had: saved mappings, re-runs and `_history` rely on them."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pandas as pd

from migrator.clean.stage import link_keys
from migrator.dedupe.decisions import RecordRef, review, rows_of
from migrator.errors import RejectReason
from migrator.lineage import LINEAGE_SEQ, lineage_seq
from migrator.load.prepare import generate_keys
from migrator.schema import load_schema
from migrator.validate.stage import _as_rejects

CRM = load_schema("crm")


def at(rows: list[int], seq: list[int] | None = None, **fields: list[object]) -> pd.DataFrame:
    """A frame of `fields` read at `rows` of cards.xlsx [S]."""
    frame = pd.DataFrame({**{k: pd.Series(v, dtype=object) for k, v in fields.items()},
                          "_source_file": "cards.xlsx", "_source_sheet": "S",
                          "_source_row": pd.Series(rows, dtype="int64")})
    if seq is not None:
        frame[LINEAGE_SEQ] = pd.Series(seq, dtype="int64")
    return frame


def sha(text: str) -> str:
    return "G" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10].upper()


def test_lineage_seq_counts_rows_read_at_one_lineage_and_nothing_else() -> None:
    shared = at([3, 3, 13, 13, 3])[["_source_file", "_source_sheet", "_source_row"]]
    assert lineage_seq(shared).tolist() == [0, 1, 0, 1, 2]
    assert lineage_seq(at([3, 4, 5])) is None
    across_sheets = at([3, 3]).assign(_source_sheet=["K-1", "K-2"])
    assert lineage_seq(across_sheets) is None


def test_generated_contact_ids_keep_their_lineage_hash_and_tell_cards_apart() -> None:
    spec = CRM.tables["contacts"]
    plain = generate_keys("contacts", spec, at([3, 4], full_name=["A", "B"]))
    zeros = generate_keys("contacts", spec, at([3, 4], [0, 0], full_name=["A", "B"]))
    assert plain["contact_id"].tolist() == [sha("contacts|cards.xlsx|S|3"),
                                            sha("contacts|cards.xlsx|S|4")]
    assert zeros["contact_id"].tolist() == plain["contact_id"].tolist()
    side = generate_keys("contacts", spec, at([3, 3], [0, 1], full_name=["A", "B"]))
    assert side["contact_id"].tolist() == [sha("contacts|cards.xlsx|S|3"),
                                           sha("contacts|cards.xlsx|S|3|1")]


def test_clean_links_each_child_to_the_parent_read_with_its_seq() -> None:
    """Customers without a name or code get a code from their lineage (as they always did
    for seq 0); the one contact of the row, read from the second card, gets the second
    card's code though the first card has none."""
    codes: dict[str, dict[tuple[object, ...], object]] = {}
    customers = at([3, 3, 4], [0, 1, 0], customer_code=[None, None, None])
    link_keys("customers", customers, CRM, codes)
    made = customers["customer_code"].tolist()
    assert made == [sha(str(("cards.xlsx", "S", 3))), sha(str(("cards.xlsx", "S", 3, 1))),
                    sha(str(("cards.xlsx", "S", 4)))]
    contacts = at([3, 4], [1, 0], full_name=["B", "C"], customer_code=[None, None])
    link_keys("contacts", contacts, CRM, codes)
    assert contacts["customer_code"].tolist() == [made[1], made[2]]


def test_validate_reasons_stay_with_the_card_that_failed() -> None:
    """Two cards at one lineage fail different expectations: each is rejected with its
    own reason, not with both."""
    rows = at([3, 3], [0, 1], name=[None, "B"], phone=["03-1", "x"])
    failures = pd.DataFrame({
        "rule": [None, None],
        "expectation": ["expect_column_values_to_not_be_null",
                        "expect_column_values_to_match_regex"],
        "column": ["name", "phone"], "value": [None, "x"],
        "_source_file": ["cards.xlsx"] * 2, "_source_sheet": ["S"] * 2,
        "_source_row": [3, 3], LINEAGE_SEQ: [0, 1]})
    rejected = _as_rejects("customers", rows, failures)
    assert rejected["reasons"].tolist() == [RejectReason.MISSING_REQUIRED.at("name"),
                                            RejectReason.INVALID_FORMAT.at("phone")]


def test_a_decision_names_the_card_with_its_key_where_cards_share_a_place() -> None:
    frame = at([3, 3, 4], [0, 1, 0], customer_code=["K1", "K2", "K3"])
    keys = frame["customer_code"].to_numpy(dtype=object)
    ref = RecordRef(key="K2", file="cards.xlsx", sheet="S", row=3)
    assert rows_of(ref, keys, frame).tolist() == [1]
    moved = RecordRef(key="K9", file="cards.xlsx", sheet="S", row=3)
    assert rows_of(moved, keys, frame).tolist() == [0, 1]
    alone = RecordRef(key="K9", file="cards.xlsx", sheet="S", row=4)
    assert rows_of(alone, keys, frame).tolist() == [2]


def test_review_names_each_card_of_a_shared_place_by_its_own_key() -> None:
    """Two cards side by side left for a person: the decisions file names each by its own
    key and name, so the decision finds the cards it was taken on."""
    frame = at([3, 3], [0, 1], customer_code=["K1", "K2"], name=["山田商事", "山田商事㈱"])
    clusters = pd.DataFrame({
        "table": ["customers"] * 2, "cluster": [1, 1], "_source_file": ["cards.xlsx"] * 2,
        "_source_sheet": ["S"] * 2, "_source_row": [3, 3], "score": [0.8, 0.8],
        "role": ["review"] * 2, LINEAGE_SEQ: [0, 1]})
    tables = SimpleNamespace(clusters=clusters, schema=CRM, frames={"customers": frame})
    records = review(tables).decisions[0].records  # type: ignore[arg-type]
    assert [(r.key, r.row) for r in records] == [("K1", 3), ("K2", 3)]
    keys = frame["customer_code"].to_numpy(dtype=object)
    assert [rows_of(r, keys, frame).tolist() for r in records] == [[0], [1]]
