"""An address typed over several columns under one `住所` header: every part is mapped."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from migrator.mapping import suggest_mapping
from migrator.mapping.address import address_groups
from migrator.pipeline import run
from migrator.profile import profile
from migrator.read import read_sources
from migrator.schema import load_schema
from tests.conftest import FIXTURES, stored_rows

SOURCE = FIXTURES / "read" / "address_over_blank_headers.xlsx"


def test_suggest_maps_each_part_of_an_address_over_blank_headers() -> None:
    (source,) = suggest_mapping(profile(read_sources([SOURCE]))).sources
    assert {c: t.to for c, t in source.columns.items() if c.startswith("住所")} == {
        "住所": "customers.region", "住所 (2)": "customers.city",
        "住所 (3)": "customers.address_line1"}


def test_run_auto_loads_the_address_parts_into_their_fields(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    report = run([SOURCE], auto=True, to=url, rejects_dir=tmp_path)
    assert report.tables["customers"].rows_loaded == 3
    stored = {r["customer_code"]: (r["region"], r["city"], r["address_line1"])
              for r in stored_rows(url, "customers")}
    assert stored["C002"] == ("大阪府", "大阪市北区", "梅田2-4-9")


def _choose(column: str, target: str, like: str | None) -> str:
    return target


def test_address_groups_without_a_region_are_line_one_then_line_two() -> None:
    frame = pd.DataFrame({"住所": ["東京都渋谷区渋谷1-2-3"], "住所 (2)": ["渋谷ビル3F"],
                          "TEL": ["03-1"]})
    best = {"住所": "customers.address_line1", "住所 (2)": "customers.address_line1",
            "TEL": "customers.phone"}
    chosen = address_groups(frame, {"TEL": "customers.phone"}, best,
                            {"住所": "address", "住所 (2)": "address"}, load_schema("crm"),
                            _choose)
    assert chosen == {"TEL": "customers.phone", "住所": "customers.address_line1",
                      "住所 (2)": "customers.address_line2"}


def test_address_groups_leave_groups_that_are_not_addresses() -> None:
    frame = pd.DataFrame({"備考": ["a"], "備考 (2)": ["b"]})
    chosen = address_groups(frame, {}, {"備考": "customers.notes"}, {}, load_schema("crm"),
                            _choose)
    assert chosen == {}
