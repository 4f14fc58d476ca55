"""Table detection on grids built in the test: each quirk on its own."""

from __future__ import annotations

from pathlib import Path

from migrator.read.detect import detect_tables
from migrator.read.model import Grid
from migrator.tables import SkipReason


def grid(rows: list[list[object]], merged: list[tuple[int, int, int, int]] | None = None) -> Grid:
    return Grid(file="t.xlsx", sheet="S", rows=rows, merged=merged or [])


def skipped(table: object) -> list[tuple[int, str]]:
    return [(s.row, str(s.reason)) for s in table.skipped]  # type: ignore[attr-defined]


def test_detect_title_and_author_lines_above_header() -> None:
    (t,) = detect_tables(grid([
        ["顧客一覧"], ["作成日: 2024/4/1", "作成者: 営業部"], [],
        ["顧客コード", "会社名", "TEL"], ["C001", "山田商事", "03-5501-1201"],
    ]))
    assert t.header_rows == [4]
    assert skipped(t) == [(1, "title"), (2, "title"), (3, "blank")]
    assert t.columns == ["顧客コード", "会社名", "TEL"]
    assert t.frame["_source_row"].tolist() == [5]


def test_detect_two_row_header_by_merges() -> None:
    rows = [["コード", "連絡先", None, None], [None, "TEL", "FAX", "メール"],
            ["C1", "03-1", "03-2", "a@example.com"]]
    (t,) = detect_tables(grid(rows, merged=[(0, 0, 1, 0), (0, 1, 0, 3)]))
    assert t.header_rows == [1, 2]
    assert t.columns == ["コード", "連絡先 / TEL", "連絡先 / FAX", "連絡先 / メール"]


def test_detect_two_row_header_unmerged_group_carries_right() -> None:
    rows = [["会社名", "連絡先", None, "備考"], [None, "TEL", "FAX", None],
            ["山田商事", "03-1", "03-2", "x"]]
    (t,) = detect_tables(grid(rows))
    assert t.columns == ["会社名", "連絡先 / TEL", "連絡先 / FAX", "備考"]


def test_detect_blank_header_continues_left() -> None:
    rows = [["取引先名", "住所", None, None], ["山田商事", "東京都", "渋谷区", "渋谷1-2-3"]]
    (t,) = detect_tables(grid(rows))
    assert t.columns == ["取引先名", "住所", "住所 (2)", "住所 (3)"]


def test_detect_subtotal_total_note_and_repeated_header() -> None:
    rows = [
        ["部署", "会社名", "売上"], ["営業1課", "山田商事", 100], ["営業1課 小計", None, 100],
        ["部署", "会社名", "売上"], ["営業2課", "青空システム", 200], ["Subtotal", None, 200],
        ["合計", None, 300], [], ["※ 取引停止の顧客は含みません"],
    ]
    (t,) = detect_tables(grid(rows))
    assert skipped(t) == [(3, "subtotal"), (4, "repeated_header"), (6, "subtotal"),
                          (7, "total"), (8, "blank"), (9, "note")]
    assert t.frame["会社名"].tolist() == ["山田商事", "青空システム"]


def test_detect_company_names_that_contain_total_words_are_data() -> None:
    rows = [["会社名", "業種", "TEL"], ["合計商事株式会社", "卸売", "03-1"],
            ["山田設計", "建築", "03-2"], ["会計事務所みらい", "士業", "03-3"]]
    (t,) = detect_tables(grid(rows))
    assert t.data_rows == 3 and t.skipped == []


def test_detect_footer_after_data() -> None:
    rows = [["Customer ID", "Company", "City"], ["A-1", "Blue Harbor LLC", "Boston"],
            ["Printed 2024-04-01 by sales-ops"]]
    (t,) = detect_tables(grid(rows))
    assert skipped(t) == [(3, "footer")]


def test_detect_two_tables_below_each_other() -> None:
    rows = [["顧客コード", "会社名"], ["C1", "山田商事"], [], ["売上"],
            ["顧客コード", "売上日", "金額"], ["C1", "2024-04-02", 4800]]
    first, second = detect_tables(grid(rows))
    assert (first.header_rows, second.header_rows) == ([1], [5])
    assert skipped(second) == [(4, "title")]
    assert second.columns == ["顧客コード", "売上日", "金額"]


def test_detect_side_by_side_tables_split_at_blank_column() -> None:
    rows = [["ID", "Company", None, "Region", "Target"], ["A1", "Blue", None, "East", 1],
            ["A2", "Pine", None, "West", 2], ["A3", "Oak"]]
    left, right = detect_tables(grid(rows))
    assert left.columns == ["ID", "Company"] and left.data_rows == 3
    assert right.columns == ["Region", "Target"] and right.columns_at == ["D", "E"]


def test_detect_spacer_column_inside_one_table() -> None:
    rows = [["ID", "Company", None, "City"], ["A1", "Blue", None, "Boston"],
            ["A2", "Pine", None, "Austin"]]
    (t,) = detect_tables(grid(rows))
    assert t.columns == ["ID", "Company", "City"] and t.columns_at == ["A", "B", "D"]


def test_detect_headerless_numbers() -> None:
    (t,) = detect_tables(grid([[1, 2], [3, 4]]))
    assert t.header_rows == [] and t.columns == ["column_A", "column_B"]
    assert t.frame["column_A"].tolist() == [1, 3]


def test_detect_vertical_merge_fills_data_rows_not_from_header() -> None:
    rows = [["部署", "会社名"], ["営業1課", "山田商事"], [None, "青空システム"]]
    (t,) = detect_tables(grid(rows, merged=[(1, 0, 2, 0)]))
    assert t.frame["部署"].tolist() == ["営業1課", "営業1課"]


def test_detect_header_merged_down_spans_rows() -> None:
    rows = [["ID", "Name"], [None, None], ["A1", "Blue"]]
    (t,) = detect_tables(grid(rows, merged=[(0, 0, 1, 0), (0, 1, 1, 1)]))
    assert t.header_rows == [1, 2] and t.frame["_source_row"].tolist() == [3]


def test_detect_skip_reasons_are_design_codes() -> None:
    assert {str(r) for r in SkipReason} == {
        "title", "blank", "subtotal", "total", "footer", "note", "repeated_header"}


def test_detect_group_labels_typed_once_above_their_first_column() -> None:
    """`得意先` and `連絡先` over the first of their columns, unmerged: fewer than half the
    header's cells, yet a second header row, not a title."""
    rows = [["得意先", None, None, None, "連絡先", None, None],
            ["コード", "名称", "住所", "業種", "TEL", "FAX", "メール"],
            ["T1", "山田商事", "東京都", "卸売", "03-1", "03-2", "a@example.com"]]
    (t,) = detect_tables(grid(rows))
    assert t.header_rows == [1, 2]
    assert t.columns[:2] == ["得意先 / コード", "得意先 / 名称"]
    assert t.columns[4:] == ["連絡先 / TEL", "連絡先 / FAX", "連絡先 / メール"]


def test_detect_lone_group_label_over_a_header_that_needs_it() -> None:
    (t,) = detect_tables(grid([["得意先"], ["コード", "名称", "TEL"], ["T1", "山田商事", "03-1"]]))
    assert t.header_rows == [1, 2]
    assert t.columns == ["得意先 / コード", "得意先 / 名称", "得意先 / TEL"]


def test_detect_a_title_directly_above_a_header_stays_a_title() -> None:
    header = ["顧客コード", "会社名", "TEL", "住所", "担当者"]
    for title in (["売上"], ["顧客一覧", None, None, "営業部"], [None, "得意先一覧"]):
        (t,) = detect_tables(grid([title, header, ["C1", "山田商事", "03-1", "東京都", "佐藤"]]))
        assert t.header_rows == [2], title
        assert skipped(t) == [(1, "title")]
        assert t.columns == header


def test_detect_title_and_key_value_lines_above_a_blank_line_are_titles() -> None:
    """`顧客一覧, 営業部` and `作成者, 山田` above the table are not a table of their own."""
    for preamble in ([["顧客一覧", "営業部"]], [["作成者", "山田"], ["部署", "営業部"]]):
        tables = detect_tables(grid([*preamble, [], ["顧客コード", "会社名", "TEL", "住所"],
                                     ["C1", "山田商事", "03-1", "東京都"]]))
        assert [t.header_rows for t in tables] == [[len(preamble) + 2]], preamble
        assert skipped(tables[0])[-1] == (len(preamble) + 1, "blank")


def test_detect_a_header_only_file_is_still_its_header() -> None:
    (t,) = detect_tables(grid([["顧客一覧"], [], ["顧客コード", "会社名", "TEL"]]))
    assert t.header_rows == [3] and t.data_rows == 0


def test_detect_key_value_lines_directly_above_the_header_are_titles() -> None:
    """`作成者, 山田` side by side is a key-value line, not two group labels; fifteen such
    lines (a statistics export) do not hide the header below them."""
    header = ["顧客コード", "会社名", "所在地", "電話番号", "業種", "担当者"]
    data = ["C1", "山田商事", "東京都", "03-1", "卸売", "佐藤"]
    for lines in (1, 15):
        meta = [["作成者", "山田"]] + [[f"項目{i}", f"説明{i}"] for i in range(lines - 1)]
        (t,) = detect_tables(grid([*meta, header, data]))
        assert t.header_rows == [lines + 1], lines
        assert t.columns == header
        assert skipped(t) == [(r, "title") for r in range(1, lines + 1)]


def test_a_source_column_named_like_our_lineage_keeps_its_values(tmp_path: Path) -> None:
    """A sheet migrator itself wrote (an export, a golden) has `_source_row` of its own:
    it reads as `_source_row (2)` beside the lineage, and the pipeline runs on it."""
    from migrator import read_sources, run

    path = tmp_path / "exported_by_migrator.csv"
    path.write_text("customer_code,name,_source_file,_source_row\n"
                    "000008,株式会社藍染工房,顧客台帳.xlsx,6\n000022,寿々木商店株式会社,顧客台帳.xlsx,7\n",
                    encoding="utf-8")
    frame = read_sources([path])[0].frame
    assert frame["_source_row (2)"].tolist() == ["6", "7"]
    assert frame["_source_row"].tolist() == [2, 3]
    assert frame["_source_file (2)"].tolist() == ["顧客台帳.xlsx"] * 2
    report = run([path], auto=True, to=f"sqlite:///{tmp_path / 'crm.db'}", rejects_dir=tmp_path)
    assert report.tables["customers"].rows_loaded == 2


def test_detect_same_tables_from_the_dense_array_as_from_the_rows() -> None:
    """Every workbook fixture: the tables found from a sheet's dense array (what the
    calamine reader hands over) are the ones found from its rows alone, trailing blanks
    dropped as other readers give them."""
    from dataclasses import replace

    from migrator.read.excel import read_workbook
    from migrator.read.guard import check_source
    from migrator.read.settings import ReadOptions

    fixtures = Path(__file__).parent.parent / "fixtures" / "read"
    dense = 0
    for path in sorted(p for p in fixtures.iterdir() if p.suffix in (".xlsx", ".xlsm", ".ods")):
        options = ReadOptions()
        grids, _ = read_workbook(path, path.name, check_source(path, path.name,
                                                               options.limits), options)
        for g in grids:
            if g.cells is None:
                continue
            dense += 1
            assert g.cells.shape == (len(g.rows), g.width)
            rows = [list(r) for r in g.rows]
            for row in rows:
                while row and row[-1] is None:
                    row.pop()
            found = detect_tables(g)
            again = detect_tables(replace(g, rows=rows, cells=None))
            assert [t.frame.to_dict("list") for t in found] == \
                [t.frame.to_dict("list") for t in again], path.name
            assert [t.frame.dtypes.tolist() for t in found] == \
                [t.frame.dtypes.tolist() for t in again], path.name
            assert [(t.header_rows, skipped(t), t.columns_at) for t in found] == \
                [(t.header_rows, skipped(t), t.columns_at) for t in again], path.name
    assert dense >= 10
