"""Random sheets and random bytes: the reader never crashes and never double-counts a row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrator import ReadError, read_sources
from migrator.read.detect import detect_tables
from migrator.read.model import Grid

CELLS = st.one_of(
    st.none(), st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, width=32),
    st.sampled_from(["顧客コード", "会社名", "TEL", "小計", "合計", "※ 注意", "Total", "C001",
                     "山田商事", "03-1234-5678", "Notes: x", "", "連絡先"]),
    st.text(max_size=8), st.dates(min_value=dt.date(1950, 1, 1)),
)


@st.composite
def grids(draw: st.DrawFn) -> Grid:
    rows = draw(st.lists(st.lists(CELLS, max_size=6), max_size=14))
    rows = [[c or None for c in row] for row in rows]  # the readers give None, never ""
    merges = []
    for _ in range(draw(st.integers(0, 3))):
        r0, c0 = draw(st.integers(0, 12)), draw(st.integers(0, 5))
        merges.append((r0, c0, r0 + draw(st.integers(0, 2)), c0 + draw(st.integers(0, 2))))
    return Grid(file="f.xlsx", sheet="S", rows=rows, merged=merges)


@settings(max_examples=500, deadline=None)
@given(grids())
def test_fuzz_detect_rows_are_data_or_skipped_never_both(grid: Grid) -> None:
    seen: set[tuple[int, str]] = set()
    for table in detect_tables(grid):
        data = set(table.frame["_source_row"].tolist())
        skipped = {s.row for s in table.skipped}
        header = set(table.header_rows)
        assert not (data & skipped) and not (data & header) and not (skipped & header)
        accounted = data | skipped | header
        assert accounted == set(range(min(accounted), max(accounted) + 1)), "a row vanished"
        cells = {(r, c) for r in data for c in table.columns_at}
        assert not (cells & seen), "a cell went to two tables"
        seen |= cells
        assert len(table.columns) == len(set(table.columns))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=1, max_size=400), st.sampled_from([".csv", ".tsv", ".txt", ".xlsx"]))
def test_fuzz_random_bytes_read_or_refused(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    try:
        read_sources([path])
    except ReadError as err:
        assert str(err).startswith(f"random{suffix}: ") and "\n" not in str(err)
