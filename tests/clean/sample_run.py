"""sample_data through read → (golden) mapping → apply → clean, as plain data for goldens."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from migrator import ReadOptions, read_sources
from migrator.clean import CleanedTables, clean
from migrator.mapping import Mapping, apply_mapping
from tests.conftest import FIXTURES, SAMPLE_DATA

SAMPLES = ["顧客台帳.xlsx", "部署別顧客.xlsx", "顧客カード.xlsx", "shop_export_cp932.csv",
           "us_customers.xlsx", "売上明細.xlsx"]
GOLDEN = FIXTURES / "clean" / "sample_data"


def run(name: str) -> CleanedTables:
    mapping = Mapping.load(FIXTURES / "mapping" / f"{name}.expected.yaml")
    tables = read_sources([SAMPLE_DATA / name], options=ReadOptions(include_hidden=True))
    return clean(apply_mapping(tables, mapping))


def as_csv(frame: pd.DataFrame) -> str:
    out = io.StringIO()
    frame.astype(object).where(frame.notna(), None).to_csv(out, index=False, lineterminator="\n")
    return out.getvalue()


def same_cleaned(a: CleanedTables, b: CleanedTables) -> None:
    """Two clean results alike: every frame, reject, change and cell issue, as CSV."""
    assert a.frames.keys() == b.frames.keys()
    for table in a.frames:
        assert as_csv(a.frames[table]) == as_csv(b.frames[table]), table
    for part in ("rejects", "changes", "issues"):
        assert as_csv(getattr(a, part)) == as_csv(getattr(b, part)), part


def summary(result: CleanedTables) -> dict[str, Any]:
    return {
        "accounting": {t: [c.read, c.kept, c.rejected] for t, c in result.counts().items()},
        "rejects": [[r["table"], r["_source_sheet"], int(r["_source_row"]), r["reasons"]]
                    for r in result.rejects.to_dict("records")],
        "changes_by_rule": result.changes["rule"].value_counts().sort_index().to_dict(),
        "cell_issues": [[r["table"], r["_source_sheet"], int(r["_source_row"]), r["field"],
                         r["value"], r["reason"]] for r in result.issues.to_dict("records")],
    }


def golden_files(name: str, result: CleanedTables) -> dict[Path, str]:
    import yaml

    files = {GOLDEN / f"{name}.{t}.expected.csv": as_csv(f) for t, f in result.frames.items()}
    files[GOLDEN / f"{name}.summary.expected.yaml"] = yaml.safe_dump(
        summary(result), allow_unicode=True, sort_keys=False)
    return files


if __name__ == "__main__":  # writes the goldens: only on purpose, review the diff
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for sample in SAMPLES:
        for path, text in golden_files(sample, run(sample)).items():
            path.write_text(text, encoding="utf-8")


def patient(take: Callable[..., Any]) -> Callable[..., Any]:
    """`ColumnHelper.take` that first waits (up to a minute) for the helper to begin the
    column, as a stage slower than the helper would: the helper cleans every column it
    is offered."""

    def waiting(self: Any, table: str, field: str, transform: str, values: pd.Series,
                region: str | None = None) -> Any:
        i = self.index.get((table, field))
        deadline = time.monotonic() + 60
        with self.cond:
            while (i is not None and i not in self.started and self.alive
                   and time.monotonic() < deadline):
                self.cond.wait(0.05)
        return take(self, table, field, transform, values, region)

    return waiting
