"""Customer cards: label/value forms, one sheet per customer, become one table."""

from __future__ import annotations

import random

import numpy as np

from migrator.read.card import _Field, cards_table, find_cards
from migrator.read.model import Grid


def card_fields(grid: Grid) -> list[_Field] | None:
    """The fields of the one card on `grid`, or None when it is not a card sheet."""
    cards = find_cards(grid)
    if cards is None:
        return None
    assert len(cards) == 1
    return cards[0].fields


def card(sheet: str, rows: list[list[object]], merged: list[tuple[int, int, int, int]] | None = None
         ) -> Grid:
    return Grid(file="cards.xlsx", sheet=sheet, rows=rows, merged=merged or [])


def test_card_values_beside_merged_label_and_below() -> None:
    grid = card("C001", [
        ["顧客カード"],
        ["会社名：", None, "山田商事"],
        ["TEL", None, "03-5501-1201", "FAX", "03-5501-1202"],
        ["担当者", None, None],
        ["備考"],
        ["年2回訪問"],
    ], merged=[(1, 0, 1, 1)])
    fields = card_fields(grid)
    assert fields is not None
    got = {f.label: (f.value, f.cell) for f in fields}
    assert got == {"会社名": ("山田商事", (1, 2)), "TEL": ("03-5501-1201", (2, 2)),
                   "FAX": ("03-5501-1202", (2, 4)), "担当者": (None, (3, 1)),
                   "備考": ("年2回訪問", (5, 0))}


def test_card_table_header_is_not_a_card() -> None:
    grid = card("一覧", [["会社名", "TEL", "担当者"], ["山田商事", "03-1", "佐藤"],
                        ["青空システム", "06-1", "鈴木"]])
    assert card_fields(grid) is None


def test_card_few_labels_is_not_a_card() -> None:
    assert card_fields(card("memo", [["会社名", "山田商事"], ["メモ", "x"]])) is None


def test_cards_table_one_row_per_sheet_with_cells() -> None:
    grids = [card(code, [["会社名", name], ["TEL", tel], ["担当者", who]])
             for code, name, tel, who in [("C1", "山田商事", "03-1", "佐藤"),
                                           ("C2", "青空システム", "06-1", None)]]
    table = cards_table([c for g in grids for c in find_cards(g) or []])
    assert table.layout == "card" and table.columns == ["会社名", "TEL", "担当者"]
    assert table.frame["_source_sheet"].tolist() == ["C1", "C2"]
    assert table.cells == {"会社名": "B1", "TEL": "B2", "担当者": "B3"}
    assert table.value_cells[1]["会社名"] == "B1"


def test_card_values_under_a_row_of_labels_empty_one_belongs_below() -> None:
    grid = card("C003", [
        ["顧客コード", "会社名", None, "フリガナ"],
        ["K-1", "さくら工業", None, "サクラコウギョウ"],
        [],
        ["TEL", "FAX", "担当者"],
        ["052-201-7788", None, "高橋"],
    ], merged=[(0, 1, 0, 2), (1, 1, 1, 2)])
    fields = card_fields(grid)
    assert fields is not None
    assert {f.label: (f.value, f.cell) for f in fields} == {
        "顧客コード": ("K-1", (1, 0)), "会社名": ("さくら工業", (1, 1)),
        "フリガナ": ("サクラコウギョウ", (1, 3)), "TEL": ("052-201-7788", (4, 0)),
        "FAX": (None, (4, 1)), "担当者": ("高橋", (4, 2))}


def test_card_row_of_labels_over_two_rows_of_values_is_a_table() -> None:
    grid = card("一覧", [["顧客コード", "会社名"], ["K-1", "山田商事"], ["K-2", "青空"],
                        [], ["TEL", "03-1"], ["担当者", "佐藤"]])
    assert find_cards(grid) is None


def test_card_long_table_under_a_few_labels_is_not_a_card() -> None:
    rows: list[list[object]] = [["会社名", "山田商事"], ["担当者", "佐藤"], ["部署", "営業"], [],
                                ["日付", "商品", "数量"]]
    rows += [[f"2024-01-{d:02}", "トナー", d] for d in range(1, 11)]
    assert find_cards(card("売上", rows)) is None
    assert find_cards(card("売上", rows[:8])) is not None


def test_cards_stacked_on_one_sheet_split_at_the_second_company() -> None:
    rows: list[list[object]] = []
    for code, name in [("K-1", "山田商事"), ("K-2", "青空システム")]:
        rows += [["顧客コード", code], ["会社名", name], ["フリガナ", "ヤマダ"],
                 ["フリガナ", "サトウ"], []]
    cards = find_cards(card("一覧", rows))
    assert cards is not None and [len(c.fields) for c in cards] == [4, 4]
    table = cards_table(cards)
    assert table.columns == ["顧客コード", "会社名", "フリガナ", "フリガナ (2)"]
    assert table.frame["_source_row"].tolist() == [1, 6]


def test_cards_table_synonym_labels_share_a_column() -> None:
    grids = [card("C1", [["会社名", "山田商事"], ["TEL", "03-1"], ["担当者", "佐藤"]]),
             card("C2", [["Company:", "Maple LLC"], ["Phone", "207-1"], ["Contact", "Emily"]])]
    table = cards_table([c for g in grids for c in find_cards(g) or []])
    assert table.columns == ["会社名", "TEL", "担当者"]
    assert table.frame["TEL"].tolist() == ["03-1", "207-1"]


def test_run_end_stops_at_the_first_blank_row() -> None:
    """_run_end, which tests rows in slices or reads the blank rows a dense sheet's kinds
    mark, ends a run where a row-by-row walk does."""
    from migrator.read.card import _filled, _run_end

    def walk(rows: list[list[object]], start: int) -> int:
        last = start
        while last + 1 < len(rows) and _filled(rows[last + 1]):
            last += 1
        return last

    rnd = random.Random(7)
    shapes: list[list[object]] = [[], [None], [None, 1], [1, None], ["x"], [None, None, "y"],
                                  [0], [None, None]]
    for _ in range(500):
        rows = [rnd.choice(shapes) for _ in range(rnd.randint(1, 200))]
        start = rnd.randrange(len(rows))
        assert _run_end(rows, start) == walk(rows, start)
        blank = np.array([not _filled(r) for r in rows], dtype=bool)
        assert _run_end(rows, start, blank) == walk(rows, start)
