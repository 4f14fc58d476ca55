"""The fixes file: what a person keeps in git beside the mapping, read and written both
ways, with one-sentence errors that name the file and the YAML path."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from migrator.errors import FixesError
from migrator.fixes import Fix, Fixes
from migrator.schema import load_schema
from tests.conftest import ROOT
from tests.fixes.conftest import SAMPLE_FIXES, TOKYO

CORRECTED = Fix("customers", "phone", *TOKYO, 6, "0119538098", "03-1234-5678",
                "typed wrong; the business card says 03-1234-5678")
ACCEPTED = Fix("customers", "phone", *TOKYO, 13, "011 976 7050", None,
               "no number on file; the client will send one")


def _sample_fixes() -> Fixes:
    """The golden file's fixes, made as the rejects browser makes them (accept first)."""
    fixes = Fixes()
    fixes.accept("customers", "phone", {"_source_file": TOKYO[0], "_source_sheet": TOKYO[1],
                                        "_source_row": 13}, "011 976 7050",
                 note="no number on file; the client will send one")
    fixes.fix("customers", "phone", (*TOKYO, 6), "0119538098", "03-1234-5678",
              note="typed wrong; the business card says 03-1234-5678")
    return fixes


def test_fixes_save_writes_the_golden_file(tmp_path: Path) -> None:
    """Sorted by table and place whatever the order they were made in, values quoted."""
    written = _sample_fixes().save(tmp_path / "fixes.yaml")
    assert written.read_text(encoding="utf-8") == SAMPLE_FIXES.read_text(encoding="utf-8")


def test_fixes_load_reads_the_golden_file() -> None:
    fixes = Fixes.load(SAMPLE_FIXES)
    assert fixes.fixes == [CORRECTED, ACCEPTED] and len(fixes) == 2
    assert fixes.path == SAMPLE_FIXES
    assert [f.accepted for f in fixes] == [False, True]


def test_fixes_sha256_is_the_files_until_changed(tmp_path: Path) -> None:
    fixes = Fixes.load(SAMPLE_FIXES)
    assert fixes.sha256 == hashlib.sha256(SAMPLE_FIXES.read_bytes()).hexdigest()
    fixes.remove(ACCEPTED)
    changed = fixes.sha256
    assert changed != hashlib.sha256(SAMPLE_FIXES.read_bytes()).hexdigest()
    saved = fixes.save(tmp_path / "fewer.yaml")
    assert fixes.sha256 == changed == hashlib.sha256(saved.read_bytes()).hexdigest()


def test_fixes_sha256_of_a_hand_edited_file_is_its_bytes(tmp_path: Path) -> None:
    """A file a person edited (comments of their own, other order) is named by its bytes,
    as `sha256sum` names it."""
    path = tmp_path / "fixes.yaml"
    text = "# checked with the client\n" + SAMPLE_FIXES.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    assert Fixes.load(path).sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_fixes_fix_replaces_the_fix_of_the_same_value() -> None:
    fixes = _sample_fixes()
    again = fixes.fix("customers", "phone", (*TOKYO, 6), "0119538098", "03-1234-9999")
    assert len(fixes) == 2 and again in fixes.fixes and CORRECTED not in fixes.fixes
    other = fixes.fix("customers", "email", (*TOKYO, 6), "x@@example.jp", "x@example.jp")
    assert len(fixes) == 3 and fixes.fixes[-1] == other


def test_fixes_take_a_rejects_row_as_lineage() -> None:
    """A rejects row (a pandas row: a CSV has no sheet, NaN) and a raw number as read."""
    row = pd.Series({"table": "customers", "_source_file": "shop_export_cp932.csv",
                     "_source_sheet": float("nan"), "_source_row": 10, "reasons": "x"})
    fix = Fixes().fix("customers", "postal_code", row, 600001, 6000001)
    assert fix == Fix("customers", "postal_code", "shop_export_cp932.csv", None, 10, "600001",
                      "6000001")
    assert fix.asdict() == {"table": "customers", "field": "postal_code",
                            "file": "shop_export_cp932.csv", "row": 10, "replace": "600001",
                            "with": "6000001"}


def test_fixes_an_empty_cell_is_replaced_as_empty_text() -> None:
    fix = Fixes().fix("customers", "name", (*TOKYO, 9), None, "山田商事株式会社")
    assert fix.replace == ""


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_fixes_a_blank_correction_accepts(blank: str | None) -> None:
    assert Fixes().fix("customers", "phone", (*TOKYO, 6), "0119538098", blank).accepted


def test_fixes_remove_by_place_or_fix() -> None:
    fixes = _sample_fixes()
    assert fixes.remove("customers", "phone", (*TOKYO, 13)) == ACCEPTED
    assert fixes.remove("customers", "phone", (*TOKYO, 13)) is None
    assert fixes.remove(CORRECTED) == CORRECTED and len(fixes) == 0


def test_fixes_lineage_that_is_not_one_is_one_sentence() -> None:
    with pytest.raises(FixesError) as err:
        Fixes().fix("customers", "phone", {"file": "a.csv"}, "x", "y")
    assert str(err.value) == ("a fix's lineage is a row's _source_file, _source_sheet and "
                              "_source_row (as a rejects row holds them), or a (file, sheet, "
                              "row) tuple")


ENTRY = "fixes:\n  - {table: customers, field: phone, file: a.csv, row: 6, "


@pytest.mark.parametrize(("text", "message"), [
    ("fixes:\n  - table: [customers\n",
     "line 3: YAML syntax error (expected ',' or ']', but got '<stream end>')"),
    ("fixes:\n  - table: customers\n    table: contacts\n", "line 3: duplicate key 'table'"),
    (ENTRY + "replace: x, wiht: y}\n", "fixes[0]: unknown key 'wiht' (did you mean 'with'?)"),
    (ENTRY + "replace: x}\n", "fixes[0]: missing required key 'with'"),
    (ENTRY + "replace: 600001, with: x}\n",
     "fixes[0].replace: YAML reads 600001 as a number, not text; quote it ('600001') so it "
     "is compared as written"),
    (ENTRY + "replace: x, with: 2024-04-01}\n",
     "fixes[0].with: YAML reads 2024-04-01 as a date, not text; quote it ('2024-04-01') so "
     "it is compared as written"),
    (ENTRY + "replace: no, with: x}\n",
     "fixes[0].replace: YAML reads yes, no, on, off, true and false unquoted as true or "
     "false, not text; quote the value so it is compared as written"),
    ("fixes:\n  - {table: customers, field: phone, file: a.csv, row: 0, replace: x, with: y}\n",
     "fixes[0].row: must be greater than 0"),
    (ENTRY + "replace: x, with: y}\n" + ENTRY.removeprefix("fixes:\n") + "replace: z, with: y}\n",
     "fixes[1]: fixes the same customers.phone of the same row as fixes[0]; keep one of them"),
    ("version: 2\n", "version: 2 is not supported (this migrator reads version 1)"),
    ("fixes: {table: customers}\n", "fixes: expected a list, got a mapping"),
])
def test_fixes_broken_file_is_one_sentence(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "fixes.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FixesError) as err:
        Fixes.load(path)
    assert str(err.value) == f"fixes.yaml: {message}"


def test_fixes_missing_or_undecodable_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(FixesError, match=r"^none\.yaml: does not exist$"):
        Fixes.load(tmp_path / "none.yaml")
    (tmp_path / "sjis.yaml").write_bytes("fixes: []\n# 修正\n".encode("shift_jis"))
    with pytest.raises(FixesError, match=r"^sjis\.yaml: is not UTF-8 text; save it as UTF-8$"):
        Fixes.load(tmp_path / "sjis.yaml")


def test_fixes_empty_file_has_no_fixes(tmp_path: Path) -> None:
    (tmp_path / "fixes.yaml").write_text("", encoding="utf-8")
    assert len(Fixes.load(tmp_path / "fixes.yaml")) == 0


@pytest.mark.parametrize(("fix", "message"), [
    (Fix("customer", "phone", *TOKYO, 6, "x", "y"),
     "fixes[0]: schema crm has no target 'customer.phone' (did you mean customers.phone?)"),
    (Fix("customers", "phon", *TOKYO, 6, "x", "y"),
     "fixes[0]: schema crm has no target 'customers.phon' (did you mean customers.phone?)"),
    (Fix("customers", "name", *TOKYO, 6, "若竹フーズ株式会社", None),
     "fixes[0]: customers.name is required; correct the value instead"),
])
def test_fixes_check_against_the_schema(fix: Fix, message: str) -> None:
    with pytest.raises(FixesError) as err:
        Fixes([fix]).check(load_schema("crm"))
    assert str(err.value) == f"fixes: {message}"


def test_fixes_check_names_the_file_read(tmp_path: Path) -> None:
    path = tmp_path / "fixes.yaml"
    Fixes([CORRECTED, Fix("customers", "name", *TOKYO, 13, "x", None)]).save(path)
    with pytest.raises(FixesError) as err:
        Fixes.load(path).check(load_schema("crm"))
    assert str(err.value) == "fixes.yaml: fixes[1]: customers.name is required; correct the " \
                             "value instead"
    Fixes.load(SAMPLE_FIXES).check(load_schema("crm"))  # optional phones accept


def test_fixes_show_places_not_values() -> None:
    fixes = Fixes.load(SAMPLE_FIXES)
    assert repr(fixes) == (
        "Fixes: 2 hand fixes in sample_fixes.expected.yaml (1 corrected, 1 accepted)\n"
        "  customers.phone at 部署別顧客.xlsx [東京支店] row 6: corrected\n"
        "  customers.phone at 部署別顧客.xlsx [東京支店] row 13: accepted")
    html = fixes._repr_html_()
    assert "<table>" in html and "accepted without it" in html
    assert "0119538098" not in repr(fixes) + html and "03-1234-5678" not in html


def test_fixes_readme_example_is_a_fixes_file() -> None:
    """The example README.md shows reads as the golden file does."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Hand fixes", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert Fixes.from_yaml(example).fixes == Fixes.load(SAMPLE_FIXES).fixes
