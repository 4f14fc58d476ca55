"""Hand fixes on the sample run: sample_data/mapping.yaml, with `on_error: reject` on its
phones (STRICT), over the six sample files.

Without fixes the strict run rejects 部署別顧客.xlsx [東京支店] rows 6, 13 and 17 for
invalid_phone:phone, and the contact read from each of those rows as unknown_reference.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from migrator import prepare, run
from migrator.errors import FixesError
from migrator.fixes import Fixes
from migrator.report import RunReport
from migrator.tables import ValidationReport
from tests.conftest import stored_rows
from tests.fixes.conftest import SAMPLE_FILES, STRICT, TOKYO


def _rejected(checked: ValidationReport, table: str, row: int) -> pd.Series:
    """The rejects row of `table` read at 東京支店 `row`, as the rejects browser holds it."""
    r = checked.rejects
    found = r[(r["table"] == table) & (r["_source_file"] == TOKYO[0])
              & (r["_source_sheet"] == TOKYO[1]) & (r["_source_row"] == row)]
    assert len(found) == 1, f"{table} row {row} is not rejected once"
    return found.iloc[0]


def _phone_fix(baseline: ValidationReport, row: int, corrected: str | None,
               replace: str | None = None) -> Fixes:
    """A person's fix of the rejected phone of 東京支店 `row`, made from its rejects row."""
    rejected = _rejected(baseline, "customers", row)
    assert rejected["reasons"] == "invalid_phone:phone"
    raw = json.loads(rejected["record"])["phone"]
    fixes = Fixes()
    fixes.fix("customers", "phone", rejected, raw if replace is None else replace, corrected)
    return fixes


def _stored(url: str, table: str, row: int) -> list[dict[str, Any]]:
    return [r for r in stored_rows(url, table)
            if (r["_source_file"], r["_source_sheet"], r["_source_row"]) == (*TOKYO, str(row))]


def _run(fixes: Fixes, folder: Path) -> tuple[RunReport, str]:
    url = f"sqlite:///{folder / 'crm.db'}"
    return run(SAMPLE_FILES, mapping=STRICT, fixes=fixes, to=url, rejects_dir=folder), url


def test_sample_corrected_phone_loads_the_customer(baseline: ValidationReport,
                                                   tmp_path: Path) -> None:
    fixes = _phone_fix(baseline, 6, "03-1234-5678")
    report, url = _run(fixes, tmp_path)
    (customer,) = _stored(url, "customers", 6)
    assert (customer["name"], customer["phone"]) == ("株式会社木漏日不動産", "+81312345678")
    (contact,) = _stored(url, "contacts", 6)
    assert contact["customer_code"] == customer["customer_code"]
    before = baseline.counts()
    for table in ("customers", "contacts"):  # the contact was rejected with its customer
        t = report.tables[table]
        assert t.rows_rejected == before[table].rejected - 1
        assert t.rows_loaded == before[table].kept + 1 and t.rows_read == before[table].read
        assert t.accounting_ok
    still = {(r["table_name"], r["_source_row"]) for r in stored_rows(url, "_rejects")
             if r["_source_sheet"] == TOKYO[1]}
    assert still == {(t, r) for t in ("customers", "contacts") for r in ("13", "17")}
    assert (report.fixes_sha256, report.fixes_applied, report.fixes_stale) == \
        (fixes.sha256, 1, [])
    (stored,) = stored_rows(url, "_runs")
    assert (stored["fixes_sha256"], stored["fixes_applied"], stored["fixes_stale"]) == \
        (fixes.sha256, "1", "[]")


def test_sample_fix_is_a_manual_change_then_cleaned(baseline: ValidationReport) -> None:
    checked = prepare(SAMPLE_FILES, mapping=STRICT, fixes=_phone_fix(baseline, 6,
                                                                      "03-1234-5678"))
    c = checked.changes
    row6 = c[(c["_source_sheet"] == TOKYO[1]) & (c["_source_row"] == 6) & (c["field"] == "phone")]
    assert row6[["before", "after", "rule"]].values.tolist() == [
        ["0119538098", "03-1234-5678", "manual"],
        ["03-1234-5678", "+81312345678", "phone_assigned"]]
    assert (baseline.changes["rule"] == "manual").sum() == 0
    assert "1 hand fix applied, 0 stale" in repr(checked)


def test_sample_fix_of_another_value_is_stale_and_changes_nothing(
        baseline: ValidationReport, tmp_path: Path) -> None:
    """The source changed: row 6 no longer holds the value the fix replaces."""
    fixes = _phone_fix(baseline, 6, "03-1234-5678", replace="011-953-8098")
    checked = prepare(SAMPLE_FILES, mapping=STRICT, fixes=fixes)
    assert checked.trail.fixes_applied == 0
    assert checked.trail.fixes_stale == (("customers", "phone", *TOKYO, 6),)
    pd.testing.assert_frame_equal(checked.rejects, baseline.rejects)
    pd.testing.assert_frame_equal(checked.changes, baseline.changes)
    for table, frame in baseline.frames.items():
        pd.testing.assert_frame_equal(checked.frames[table], frame)
    report, url = _run(fixes, tmp_path)
    assert report.fixes_stale == [{"table": "customers", "field": "phone", "file": TOKYO[0],
                                   "sheet": TOKYO[1], "row": 6}]
    assert ("  0 hand fixes applied, 1 stale (the source changed): customers.phone at "
            "部署別顧客.xlsx [東京支店] row 6") in str(report).splitlines()
    assert _stored(url, "customers", 6) == []


def test_sample_accepted_optional_phone_loads_the_row_without_it(
        baseline: ValidationReport, tmp_path: Path) -> None:
    fixes = _phone_fix(baseline, 13, None)
    assert fixes.fixes[0].accepted
    report, url = _run(fixes, tmp_path)
    (customer,) = _stored(url, "customers", 13)
    assert (customer["name"], customer["phone"]) == ("若竹フーズ株式会社", None)
    assert customer["postal_code"] == "060-0001"  # the rest of the row is cleaned as usual
    assert report.tables["customers"].rows_rejected == \
        baseline.counts()["customers"].rejected - 1
    assert report.accounting_ok and report.fixes_applied == 1


def test_sample_accept_of_a_required_field_is_refused_before_reading(
        baseline: ValidationReport, tmp_path: Path) -> None:
    rejected = _rejected(baseline, "customers", 13)
    fixes = Fixes()
    fixes.accept("customers", "name", rejected, json.loads(rejected["record"])["name"])
    path = tmp_path / "fixes.yaml"
    fixes.save(path)
    with pytest.raises(FixesError) as err:
        run([*SAMPLE_FILES, tmp_path / "not_read_yet.xlsx"], mapping=STRICT, fixes=path,
            to=f"sqlite:///{tmp_path / 'crm.db'}", rejects_dir=tmp_path / "rejects")
    assert str(err.value) == ("fixes.yaml: fixes[0]: customers.name is required; correct the "
                              "value instead")
    assert not (tmp_path / "crm.db").exists() and not (tmp_path / "rejects").exists()
