"""Export tests share one pipeline run over sample_data (the slow part) and read every
written file back in the encoding its CRM reads."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from migrator.export.writer import BOM
from migrator.schema import load_schema
from migrator.tables import ValidationReport

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
SAMPLE_FILES = [*sorted(SAMPLE.glob("*.xlsx")), SAMPLE / "shop_export_cp932.csv"]


@pytest.fixture(scope="session")
def sample_checked() -> ValidationReport:
    from migrator import prepare

    return prepare(SAMPLE_FILES, mapping=SAMPLE / "mapping.yaml")


def read_back(path: Path, encoding: str) -> tuple[list[str], list[list[str]], bool]:
    """(header, rows, had_bom) of a written CSV, decoded strictly as its CRM would."""
    raw = path.read_bytes()
    bom = raw.startswith(BOM)
    text = raw[len(BOM):].decode("utf-8" if encoding == "utf-8-sig" else encoding,
                                 errors="strict") if bom else raw.decode(encoding)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:], bom


def checked_from(customers: pd.DataFrame, contacts: pd.DataFrame) -> ValidationReport:
    """A ValidationReport of hand-made frames (export's input), lineage added."""
    frames = {}
    for name, frame in (("customers", customers), ("contacts", contacts)):
        frame = frame.copy()
        frame["_source_file"] = f"{name}.xlsx"
        frame["_source_sheet"] = "Sheet1"
        frame["_source_row"] = range(2, len(frame) + 2)
        frames[name] = frame
    return ValidationReport(schema=load_schema("crm"), frames=frames,
                            rows_read={t: len(f) for t, f in frames.items()})
