"""Customer cards: one form per sheet (labels with values beside or below) → one table.

Our own: no reader knows that a sheet holding `会社名 | 山田商事` and `TEL | 03-...`
in a form is one record. A sheet is a card when several known labels each have a
value to their right or below and no row looks like a table header with data under it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from migrator.lineage import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET, cell_address
from migrator.read.header import MergeMap
from migrator.read.model import Cell, Grid, to_series
from migrator.read.patterns import fold
from migrator.tables import SourceTable

# Labels people print on customer cards, folded (NFKC, lower case, no spaces).
CARD_LABELS = frozenset(fold(s) for s in """
顧客コード 顧客番号 顧客no 顧客id 取引先コード 会員番号 得意先コード
会社名 社名 法人名 顧客名 取引先名 得意先名 屋号 氏名 名前 お名前 名称
フリガナ ふりがな ヨミ よみがな カナ 会社名フリガナ 氏名フリガナ
郵便番号 〒 住所 所在地 本社所在地 住所1 住所2 都道府県 市区町村 番地 建物名
tel 電話 電話番号 代表電話 fax fax番号 携帯 携帯電話 携帯番号 メール メールアドレス e-mail email
url hp ホームページ webサイト 担当者 担当者名 ご担当者 担当 部署 部署名 所属 役職 肩書
業種 業務内容 従業員数 資本金 設立 取引開始日 取引開始 初回取引日 登録日 生年月日 誕生日
支払条件 締日 支払日 備考 メモ 特記事項 ランク 区分 営業担当 紹介者
company company name customer id customer no account name name contact contact name
address street city state zip zip code postal code phone telephone mobile fax email
website industry department title notes since customer since
""".split())
_MIN_LABELS = 3
_RIGHT_REACH = 4


@dataclass
class _Field:
    label: str
    value: Cell
    cell: tuple[int, int]
    """0-based (row, col) of the value, or of where the value belongs when it is empty."""
    label_cell: tuple[int, int]


def card_fields(grid: Grid) -> list[_Field] | None:
    """The label/value pairs of a card sheet, or None when the sheet is not a card."""
    wide = (row for row in grid.rows if len(row) - row.count(None) >= 5)
    if next(wide, None) is not None and next(wide, None) is not None and next(wide, None):
        return None  # wide rows are a table's, not a form's
    merges = MergeMap(grid.merged)
    width = grid.width
    rows = [list(r) + [None] * (width - len(r)) for r in grid.rows]
    fields: list[_Field] = []
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if _is_card_label(value):
                fields.append(_value_of(rows, merges, r, c, str(value)))
    per_row = Counter(f.label_cell[0] for f in fields)
    if len(per_row) < _MIN_LABELS or max(per_row.values()) > 2:
        return None  # labels side by side in one row are a table header
    return fields


def _is_card_label(value: Cell) -> bool:
    if not isinstance(value, str) or len(value) > 20:
        return False
    key = fold(value).rstrip(":：")
    return key in CARD_LABELS


def _value_of(rows: Sequence[Sequence[Cell]], merges: MergeMap, r: int, c: int,
              label: str) -> _Field:
    """The value to the right of the label (past its merge), else the cell below it."""
    m = merges.get(r, c)
    right = (m[3] if m else c) + 1
    for cc in range(right, min(right + _RIGHT_REACH, len(rows[r]))):
        value = rows[r][cc]
        if value is not None:
            if _is_card_label(value):
                break
            return _Field(_label(label), value, (r, cc), (r, c))
    below = (m[2] if m else r) + 1
    if below < len(rows) and rows[below][c] is not None and not _is_card_label(rows[below][c]):
        return _Field(_label(label), rows[below][c], (below, c), (r, c))
    return _Field(_label(label), None, (r, right), (r, c))


def _label(text: str) -> str:
    return text.strip().rstrip(":：").strip()


def cards_table(grids: Sequence[Grid], fields: Sequence[Sequence[_Field]]) -> SourceTable:
    """One row per card sheet; columns are the labels in the order the first card has them."""
    names: list[str] = []
    rows: list[dict[str, Cell]] = []
    cells: list[dict[str, str]] = []
    for grid, card in zip(grids, fields, strict=True):
        record: dict[str, Cell] = {}
        where: dict[str, str] = {}
        for f in card:
            name = _unique(f.label, record)
            record[name] = f.value
            where[name] = cell_address(grid.sheet_row(f.cell[0]), grid.sheet_col(f.cell[1]))
            if name not in names:
                names.append(name)
        rows.append(record)
        cells.append(where)
    data = {n: to_series([rec.get(n) for rec in rows]) for n in names}
    data[SOURCE_FILE] = pd.Series([g.file for g in grids], dtype="str")
    data[SOURCE_SHEET] = pd.Series([g.sheet for g in grids], dtype="str")
    data[SOURCE_ROW] = pd.Series([min(g.sheet_row(f.cell[0]) for f in card) + 1
                                  for g, card in zip(grids, fields, strict=True)], dtype="int64")
    usual = {n: Counter(c[n] for c in cells if n in c).most_common(1)[0][0] for n in names}
    return SourceTable(
        file=grids[0].file, sheet=None, frame=pd.DataFrame(data), layout="card",
        header_rows=[], cells=usual, value_cells=cells,
        details={"sheets": [g.sheet for g in grids]},
    )


def _unique(label: str, record: dict[str, Cell]) -> str:
    name, n = label, 1
    while name in record:
        n += 1
        name = f"{label} ({n})"
    return name

