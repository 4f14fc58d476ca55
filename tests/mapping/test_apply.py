"""apply_mapping: one flat sheet becomes linked customers, contacts and sales rows."""

from __future__ import annotations

import pytest

from migrator.mapping import MappingError, apply_mapping, suggest_mapping
from migrator.profile import profile
from migrator.read.detect import detect_tables
from migrator.read.model import Grid
from migrator.schema import load_schema

SCHEMA = load_schema("crm")
ROWS = [["顧客番号", "会社名", "担当者", "セイ", "メイ", "売上日", "商品", "数量", "金額"],
        ["C001", "山田商事", "山田 太郎", "ヤマダ", "タロウ", "2024-04-02", "トナー", 2, 12000],
        ["C002", "青空システム", None, None, None, "2024-04-03", "用紙", 5, 4800]]


def test_apply_flat_sheet_split_and_linked() -> None:
    (table,) = detect_tables(Grid(file="flat.xlsx", sheet="S", rows=ROWS))
    mapped = apply_mapping([table], suggest_mapping(profile([table]), SCHEMA))
    frames = mapped.frames
    assert list(frames) == ["customers", "contacts", "sales"]
    assert mapped.rows_read == {"customers": 2, "contacts": 1, "sales": 2}
    assert mapped.schema is SCHEMA or mapped.schema == SCHEMA
    assert frames["customers"]["customer_code"].tolist() == ["C001", "C002"]
    contacts = frames["contacts"]
    assert contacts["customer_code"].tolist() == ["C001"]  # C002 has no contact values
    assert contacts["name_kana"].tolist() == ["ヤマダ タロウ"]
    assert contacts["_source_row"].tolist() == [2]
    assert frames["sales"]["customer_code"].tolist() == ["C001", "C002"]
    assert frames["sales"]["_source_row"].tolist() == [2, 3]


def test_apply_missing_column_and_unmatched_source() -> None:
    (table,) = detect_tables(Grid(file="flat.xlsx", sheet="S", rows=ROWS))
    mapping = suggest_mapping(profile([table]), SCHEMA)
    (other,) = detect_tables(Grid(file="other.xlsx", sheet="S", rows=ROWS))
    with pytest.raises(MappingError, match=r"^other.xlsx \[S\]: no source in the mapping"):
        apply_mapping([other], mapping)
    (short,) = detect_tables(Grid(file="flat.xlsx", sheet="S",
                                  rows=[r[:3] for r in ROWS]))
    with pytest.raises(MappingError, match="column\\(s\\) the table does not have: セイ, メイ"):
        apply_mapping([short], mapping)
