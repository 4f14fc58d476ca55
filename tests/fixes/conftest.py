"""Hand fixes tests share the sample run: sample_data/mapping.yaml and the six sample
files, and the golden fixes file made for them (a phone corrected, a phone accepted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.tables import ValidationReport
from tests.conftest import SAMPLE_DATA

SAMPLE_FILES = [*sorted(SAMPLE_DATA.glob("*.xlsx")), SAMPLE_DATA / "shop_export_cp932.csv"]
MAPPING = SAMPLE_DATA / "mapping.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLE_FIXES = GOLDEN / "sample_fixes.expected.yaml"
TOKYO = "部署別顧客.xlsx", "東京支店"
"""The sheet whose rows 6, 13 and 17 the sample run rejects for invalid_phone:phone."""


@pytest.fixture(scope="session")
def baseline() -> ValidationReport:
    """The sample run without fixes: what every fix is measured against."""
    from migrator import prepare

    return prepare(SAMPLE_FILES, mapping=MAPPING)
