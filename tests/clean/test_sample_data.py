"""The whole sample_data through clean, against golden cleaned tables and rejects."""

from __future__ import annotations

import pytest

from tests.clean.sample_run import SAMPLES, golden_files, run


@pytest.mark.parametrize("name", SAMPLES)
def test_clean_sample_data_matches_golden(name: str) -> None:
    result = run(name)
    for table, count in result.counts().items():
        assert count.read == count.kept + count.rejected and not count.merged, table
    for path, text in golden_files(name, result).items():
        assert text == path.read_text(encoding="utf-8"), path.name
