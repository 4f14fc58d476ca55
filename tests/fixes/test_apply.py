"""apply_fixes on hand-made mapped tables: a fix applies only where its row still holds
the value it replaces, logs one `manual` change, and is otherwise reported as stale."""

from __future__ import annotations

import pandas as pd
import pytest

from migrator import clean
from migrator.errors import FixesError, StageOrderError
from migrator.fixes import Fix, Fixes, apply_fixes
from migrator.rejects import CHANGE_COLUMNS
from migrator.schema import load_schema
from migrator.tables import MappedTables


def _mapped() -> MappedTables:
    """Two customers of one sheet and one of a CSV (no sheet), raw as read: object
    columns, as apply_mapping makes them (a number stays a number, an empty cell None)."""
    customers = pd.DataFrame({
        "name": ["山田商事", "木漏日不動産", "若竹フーズ"],
        "phone": ["03-1234-567", None, "011 976 705"],
        "postal_code": [1000001, 600001, None],
        "_source_file": ["台帳.xlsx", "台帳.xlsx", "shop.csv"],
        "_source_sheet": ["顧客", "顧客", None],
        "_source_row": [5, 6, 5],
    }, dtype=object)
    return MappedTables(schema=load_schema("crm"), frames={"customers": customers},
                        rows_read={"customers": 3})


def test_apply_fixes_replaces_the_value_and_logs_it_manual() -> None:
    mapped = _mapped()
    fixes = Fixes([Fix("customers", "phone", "台帳.xlsx", "顧客", 5, "03-1234-567",
                       "03-1234-5678")])
    fixed = apply_fixes(mapped, fixes)
    assert fixed.frames["customers"]["phone"].tolist() == ["03-1234-5678", None,
                                                           "011 976 705"]
    assert mapped.frames["customers"]["phone"].iat[0] == "03-1234-567"  # input untouched
    assert fixed.changes.to_dict("records") == [
        {"table": "customers", "_source_file": "台帳.xlsx", "_source_sheet": "顧客",
         "_source_row": 5, "field": "phone", "before": "03-1234-567",
         "after": "03-1234-5678", "rule": "manual"}]
    assert list(fixed.changes.columns) == CHANGE_COLUMNS
    assert (fixed.trail.fixes_applied, fixed.trail.fixes_stale) == (1, ())
    assert fixed.trail.fixes_sha256 == fixes.sha256
    assert isinstance(fixed, MappedTables) and fixed.rows_read == mapped.rows_read


def test_apply_fixes_stale_when_the_value_or_the_row_changed() -> None:
    fixes = Fixes([
        Fix("customers", "phone", "台帳.xlsx", "顧客", 5, "03-1234-560", "03-1234-5678"),
        Fix("customers", "phone", "台帳.xlsx", "顧客", 7, "03-1234-567", "03-1234-5678"),
        Fix("customers", "phone", "台帳.xlsx", "別シート", 5, "03-1234-567", "03-1234-5678"),
        Fix("contacts", "email", "台帳.xlsx", "顧客", 5, "a@@b.jp", "a@b.jp"),
    ])
    mapped = _mapped()
    fixed = apply_fixes(mapped, fixes)
    pd.testing.assert_frame_equal(fixed.frames["customers"], mapped.frames["customers"])
    assert fixed.changes.empty and fixed.trail.fixes_applied == 0
    assert fixed.trail.fixes_stale == tuple(f.place for f in fixes)


def test_apply_fixes_compares_values_as_text() -> None:
    """A number as read (600001) is fixed by its text; a CSV row has no sheet."""
    fixes = Fixes()
    fixes.fix("customers", "postal_code", ("台帳.xlsx", "顧客", 6), 600001, "0600001")
    fixes.fix("customers", "postal_code", ("shop.csv", None, 5), "", "060-0001")
    fixed = apply_fixes(_mapped(), fixes)
    assert fixed.frames["customers"]["postal_code"].tolist() == [1000001, "0600001",
                                                                 "060-0001"]
    assert fixed.changes[["before", "after"]].values.tolist() == [[600001, "0600001"],
                                                                  [None, "060-0001"]]


def test_apply_fixes_fills_a_field_the_source_does_not_feed() -> None:
    fixes = Fixes([Fix("customers", "fax", "shop.csv", None, 5, "", "011-976-7051")])
    frame = apply_fixes(_mapped(), fixes).frames["customers"]
    assert frame["fax"].tolist() == [None, None, "011-976-7051"]


def test_apply_fixes_then_clean_takes_the_fixed_value() -> None:
    """A corrected phone is cleaned to E.164; an accepted one is empty, not a cell issue."""
    fixes = Fixes([Fix("customers", "phone", "台帳.xlsx", "顧客", 5, "03-1234-567",
                       "03-1234-5678"),
                   Fix("customers", "phone", "shop.csv", None, 5, "011 976 705", None)])
    unfixed = clean(_mapped())
    assert unfixed.rejects.empty  # both phones are invalid as read: loaded empty, as issues
    assert unfixed.issues["value"].tolist() == ["03-1234-567", "011 976 705"]
    cleaned = clean(apply_fixes(_mapped(), fixes))
    assert cleaned.rejects.empty and cleaned.issues.empty
    assert cleaned.frames["customers"]["phone"].tolist() == ["+81312345678", None, None]
    manual = cleaned.changes[cleaned.changes["rule"] == "manual"]
    assert manual["after"].tolist() == ["03-1234-5678", None]


def test_apply_fixes_checks_the_fixes_first() -> None:
    fixes = Fixes([Fix("customers", "name", "shop.csv", None, 5, "若竹フーズ", None)])
    with pytest.raises(FixesError, match=r"^fixes: fixes\[0\]: customers.name is required; "
                                         r"correct the value instead$"):
        apply_fixes(_mapped(), fixes)


def test_apply_fixes_takes_mapped_tables_only() -> None:
    with pytest.raises(StageOrderError, match=r"^apply_fixes\(\) takes what apply_mapping\(\) "
                                              r"returns, not CleanedTables"):
        apply_fixes(clean(_mapped()), Fixes())  # type: ignore[arg-type]


def test_apply_fixes_on_a_text_column_keeps_empty_cells_empty() -> None:
    """A pandas text column (NaN for empty) becomes object; its empty cells stay None."""
    mapped = _mapped()
    mapped.frames["customers"]["phone"] = mapped.frames["customers"]["phone"].astype("str")
    fixes = Fixes([Fix("customers", "phone", "shop.csv", None, 5, "011 976 705", None)])
    assert apply_fixes(mapped, fixes).frames["customers"]["phone"].tolist() == [
        "03-1234-567", None, None]
