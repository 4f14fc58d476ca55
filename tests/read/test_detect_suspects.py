"""_suspects, which lets detection judge only some rows one by one, never misses a row
that _row_reason would skip."""

from __future__ import annotations

import datetime as dt
from itertools import chain

import numpy as np
import pytest

from migrator.read.detect import _folded, _row_reason, _suspects


class _Label(str):
    """Text of a str subclass: isinstance says str, type() does not."""


_CELLS = [
    "小計", "営業1課 小計", "合計", "総合計", "Total", "TOTAL:", "ｔｏｔａｌ", "Grand total",
    "※ 税込", "  ※ 注記", "\u3000注: 速報値", "Notes: none", "nb", "N.B. draft", "備考：なし",
    "顧客コード", "会社名", "C0001", "株式会社サンプル", "  ", "\n\n", "a\x00※", "\x00",
    "", None, None, None, 1, 2.5, dt.date(2024, 4, 1), True,
]


def _grid(step: int, width: int) -> list[list[object]]:
    n = len(_CELLS)
    rows = [[_CELLS[(r * step + c * 5) % n] for c in range(width)] for r in range(3 * n)]
    for kept in (["合計", 1000], ["  ※ 税込", None], [None, "小計"], [None, None]):
        rows.insert(len(rows) // 2, (kept + [None] * width)[:width])
    return rows


@pytest.mark.parametrize(("step", "width"), [(1, 1), (1, 4), (3, 5), (7, 2), (11, 6)])
@pytest.mark.parametrize("header", [None, ["顧客コード", "会社名"]])
def test_suspects_hold_every_row_row_reason_skips(step: int, width: int,
                                                  header: list[str] | None) -> None:
    rows = _grid(step, width)
    if header:
        rows.insert(0, (header + [None] * width)[:width])
    headers = [_folded(rows[0])] if header else []
    flat = np.fromiter(chain.from_iterable(rows), dtype=object, count=len(rows) * width)
    suspects = set(_suspects(flat.reshape(len(rows), width), any(headers)))
    skipped = {i for i, row in enumerate(rows) if _row_reason(row, headers) is not None}
    assert skipped, "the grid holds rows to skip"
    assert skipped <= suspects


def test_suspects_every_row_when_text_is_a_str_subclass() -> None:
    rows = [[_Label("合計"), 1000], ["C0001", 5]]
    flat = np.fromiter(chain.from_iterable(rows), dtype=object, count=4).reshape(2, 2)
    assert _row_reason(rows[0], []) is not None
    assert _suspects(flat, False) == [0, 1]
