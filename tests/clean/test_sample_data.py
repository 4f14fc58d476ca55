"""The whole sample_data through clean, against golden cleaned tables and rejects."""

from __future__ import annotations

import pytest

from tests.clean.sample_run import SAMPLES, golden_files, run


@pytest.mark.parametrize("name", SAMPLES)
def test_clean_sample_data_matches_golden(name: str) -> None:
    result = run(name)
    for table, (read, kept, rejected) in result.accounting().items():
        assert read == kept + rejected, table
    for path, text in golden_files(name, result).items():
        assert text == path.read_text(encoding="utf-8"), path.name
