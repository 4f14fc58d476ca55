"""Every reason code a transform emits is a RejectReason, with a sentence for people."""

from __future__ import annotations

import csv

from migrator.errors import ErrorCategory, RejectReason
from tests.conftest import FIXTURES


def test_reasons_in_goldens_are_reject_reasons() -> None:
    seen: set[str] = set()
    for path in (FIXTURES / "clean").glob("*.csv"):
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row.get("reason"):
                    seen.add(row["reason"])
    assert seen and seen <= {str(r) for r in RejectReason}, seen - {str(r) for r in RejectReason}


def test_reasons_are_data_errors_with_sentences() -> None:
    for reason in RejectReason:
        assert reason.category is ErrorCategory.DATA and reason.sentence
