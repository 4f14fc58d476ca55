"""Every workbook fixture read end to end against its golden `*.expected.yaml`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.read.snapshot import golden_path, read_golden, snapshot

WORKBOOKS = sorted(
    p for p in (FIXTURES / "read").iterdir()
    if p.suffix in {".xlsx", ".xlsm", ".ods", ".csv", ".tsv", ".txt"}
    and golden_path(p).exists()
)


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_read_fixture_matches_golden(path: Path) -> None:
    assert snapshot(path) == read_golden(path)


def test_read_fixture_goldens_exist_for_every_workbook() -> None:
    workbooks = [p for p in (FIXTURES / "read").iterdir() if p.suffix in {".xlsx", ".xlsm", ".ods"}]
    assert workbooks and all(golden_path(p).exists() for p in workbooks)
