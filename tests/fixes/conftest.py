"""Hand fixes tests share the sample run: sample_data/mapping.yaml and the six sample
files, and the golden fixes file made for them (a phone corrected, a phone accepted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.mapping import Mapping
from migrator.tables import ValidationReport
from tests.conftest import SAMPLE_DATA, strict_phones

SAMPLE_FILES = [*sorted(SAMPLE_DATA.glob("*.xlsx")), SAMPLE_DATA / "shop_export_cp932.csv"]
MAPPING = SAMPLE_DATA / "mapping.yaml"
STRICT: Mapping = strict_phones(Mapping.load(MAPPING))
"""The sample mapping with `on_error: reject` on its phones: the bad phones reject their
rows (by default they load empty as cell issues), so a hand fix has a rejected row to
fix."""
GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLE_FIXES = GOLDEN / "sample_fixes.expected.yaml"
TOKYO = "部署別顧客.xlsx", "東京支店"
"""The sheet whose rows 6, 13 and 17 the strict sample run rejects for invalid_phone:phone
(the default run loads them with the phone empty, as cell issues)."""


@pytest.fixture(scope="session")
def baseline() -> ValidationReport:
    """The strict sample run without fixes: what every fix is measured against."""
    from migrator import prepare

    return prepare(SAMPLE_FILES, mapping=STRICT)
