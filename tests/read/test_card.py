"""Customer cards: label/value forms, one sheet per customer, become one table."""

from __future__ import annotations

from migrator.read.card import card_fields, cards_table
from migrator.read.model import Grid


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
    fields = [card_fields(g) for g in grids]
    table = cards_table(grids, [f for f in fields if f is not None])
    assert table.layout == "card" and table.columns == ["会社名", "TEL", "担当者"]
    assert table.frame["_source_sheet"].tolist() == ["C1", "C2"]
    assert table.cells == {"会社名": "B1", "TEL": "B2", "担当者": "B3"}
    assert table.value_cells[1]["会社名"] == "B1"
