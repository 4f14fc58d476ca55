"""The rejects file: exact CSV bytes, the highlighted xlsx, atomic writes, no rejects."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from migrator import rejects_file
from migrator.rejects_file import RejectsFiles, write_rejects

LIGHT_RED = "FFFFC7CE"


def _rejects() -> pd.DataFrame:
    records = [
        {"customer_code": "=SUM(A1)", "name": None, "phone": "+81312345678", "notes": "@x"},
        {"customer_code": "C002", "name": "株式会社山田", "email": "\tbad@", "notes": "a\tb"},
        {"sale_id": 1, "amount": "-1234", "quantity": -3},
    ]
    return pd.DataFrame({
        "table": ["customers", "customers", "sales"],
        "_source_file": ["顧客台帳.xlsx", "顧客台帳.xlsx", "shop.csv"],
        "_source_sheet": ["営業1課", "営業1課", None],
        "_source_row": [5, 9, 2],
        "reasons": ["invalid_phone:phone; missing_required:name", "invalid_email:email",
                    "invalid_amount:amount"],
        "record": [json.dumps(r, ensure_ascii=False) for r in records],
    })


EXPECTED_CSV = (
    '\ufeff"table","file","sheet","row","reasons","why","customer_code","name","phone",'
    '"notes","email","sale_id","amount","quantity"\r\n'
    '"customers","顧客台帳.xlsx","営業1課","5","invalid_phone:phone; missing_required:name",'
    '"phone: is not a valid phone number for its country; name: is empty but required",'
    '"\'=SUM(A1)","","\'+81312345678","\'@x","","","",""\r\n'
    '"customers","顧客台帳.xlsx","営業1課","9","invalid_email:email",'
    '"email: is not a valid e-mail address","C002","株式会社山田","","a\tb","\'\tbad@","","",""'
    '\r\n'
    '"sales","shop.csv","","2","invalid_amount:amount","amount: is not an amount of money",'
    '"","","","","","1","\'-1234","-3"\r\n'
).encode("utf-8")


def test_write_rejects_csv_exact_bytes(tmp_path: Path) -> None:
    files = write_rejects(_rejects(), tmp_path, run_id="r1")
    assert files == RejectsFiles(csv=tmp_path / "rejects-r1.csv",
                                 xlsx=tmp_path / "rejects-r1.xlsx", rows=3)
    data = (tmp_path / "rejects-r1.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data == EXPECTED_CSV


def test_write_rejects_xlsx_header_values_and_highlights(tmp_path: Path) -> None:
    files = write_rejects(_rejects(), tmp_path, run_id="r1")
    assert files.xlsx is not None
    sheet = openpyxl.load_workbook(files.xlsx).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header == ["table", "file", "sheet", "row", "reasons", "why", "customer_code",
                      "name", "phone", "notes", "email", "sale_id", "amount", "quantity"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    col = {name: i + 1 for i, name in enumerate(header)}
    bad = {(2, col["phone"]), (2, col["name"]), (3, col["email"]), (4, col["amount"])}
    painted = {(c.row, c.column) for row in sheet.iter_rows() for c in row
               if c.fill.fgColor.rgb == LIGHT_RED}
    assert painted == bad
    formula = sheet.cell(2, col["customer_code"])
    assert (formula.value, formula.data_type) == ("=SUM(A1)", "s")  # text, never a formula
    assert formula.quotePrefix
    assert sheet.cell(4, col["quantity"]).value == -3
    assert sheet.cell(4, col["amount"]).value == "-1234"
    assert sheet.cell(2, col["row"]).value == 5
    assert sheet.cell(3, col["name"]).value == "株式会社山田"
    assert sheet.cell(2, col["why"]).alignment.wrap_text
    assert sheet.column_dimensions["B"].width >= 13  # 顧客台帳.xlsx: 4 wide + 5 narrow


def test_write_rejects_adds_a_column_for_a_reason_field_missing_from_the_record(
        tmp_path: Path) -> None:
    rejects = _rejects().iloc[[2]].reset_index(drop=True)
    rejects.loc[0, "reasons"] = "missing_required:customer_code; duplicate_key:sale_id"
    files = write_rejects(rejects, tmp_path, run_id="r2")
    assert files.csv is not None and files.xlsx is not None
    lines = files.csv.read_bytes().decode("utf-8-sig").split("\r\n")
    assert lines[0].endswith('"sale_id","amount","quantity","customer_code"')
    assert ('"customer_code: is empty but required; sale_id: repeats the key of an earlier '
            'row"') in lines[1]
    sheet = openpyxl.load_workbook(files.xlsx).active
    assert sheet is not None
    painted = {c.coordinate for row in sheet.iter_rows() for c in row
               if c.fill.fgColor.rgb == LIGHT_RED}
    assert painted == {"G2", "J2"}


def test_write_rejects_failing_xlsx_leaves_no_file(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(rejects_file, "_write_xlsx", broken)
    with pytest.raises(OSError, match="disk full"):
        write_rejects(_rejects(), tmp_path, run_id="r1")
    assert list(tmp_path.iterdir()) == []


def test_write_rejects_failing_final_rename_leaves_no_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = Path.replace

    def replace(self: Path, target: Path) -> Path:
        if str(target).endswith(".xlsx"):
            raise PermissionError("locked by Excel")
        return real(self, target)

    monkeypatch.setattr(Path, "replace", replace)
    with pytest.raises(PermissionError):
        write_rejects(_rejects(), tmp_path, run_id="r1")
    assert list(tmp_path.iterdir()) == []


def test_write_rejects_empty_writes_nothing(tmp_path: Path) -> None:
    empty = _rejects().iloc[0:0]
    assert write_rejects(empty, tmp_path / "out", run_id="r1") == RejectsFiles(None, None, 0)
    assert not (tmp_path / "out").exists()
    assert str(RejectsFiles(None, None, 0)) == "no rejected rows"


def test_write_rejects_prints_and_logs_no_values(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        files = write_rejects(_rejects(), tmp_path, run_id="r1")
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    assert all("SUM" not in r.getMessage() and "山田" not in r.getMessage()
               for r in caplog.records)
    assert str(files) == f"3 rejected rows: {tmp_path / 'rejects-r1.csv'} (and .xlsx)"


@pytest.mark.parametrize("run_id", ["", "../x", "a/b", "a b"])
def test_write_rejects_refuses_a_run_id_that_is_not_a_file_name(tmp_path: Path,
                                                                run_id: str) -> None:
    with pytest.raises(ValueError, match="run_id"):
        write_rejects(_rejects(), tmp_path, run_id=run_id)


def _issues() -> pd.DataFrame:
    return pd.DataFrame({
        "table": ["customers", "customers"],
        "_source_file": ["部署別顧客.xlsx", "shop.csv"],
        "_source_sheet": ["東京支店", None],
        "_source_row": [6, 10],
        "field": ["phone", "customer_since"],
        "value": ["=0119538098", "令和9年13月1日"],
        "reason": ["invalid_phone", "wareki_unparseable"],
    })


EXPECTED_ISSUES_CSV = (
    '\ufeff"table","file","sheet","row","field","value","reason","why"\r\n'
    '"customers","部署別顧客.xlsx","東京支店","6","phone","\'=0119538098","invalid_phone",'
    '"phone: is not a valid phone number for its country"\r\n'
    '"customers","shop.csv","","10","customer_since","令和9年13月1日","wareki_unparseable",'
).encode("utf-8")


def test_write_rejects_cell_issues_csv_and_sheet_beside_the_rejects(tmp_path: Path) -> None:
    files = write_rejects(_rejects(), tmp_path, run_id="r1", issues=_issues())
    assert files == RejectsFiles(csv=tmp_path / "rejects-r1.csv",
                                 xlsx=tmp_path / "rejects-r1.xlsx", rows=3,
                                 issues_csv=tmp_path / "cell-issues-r1.csv", issues=2)
    assert (tmp_path / "rejects-r1.csv").read_bytes() == EXPECTED_CSV
    data = (tmp_path / "cell-issues-r1.csv").read_bytes()
    assert data.startswith(EXPECTED_ISSUES_CSV) and data.endswith(b'"\r\n')
    book = openpyxl.load_workbook(tmp_path / "rejects-r1.xlsx")
    assert book.sheetnames == ["rejects", "cell issues"]
    sheet = book["cell issues"]
    assert [c.value for c in sheet[1]] == ["table", "file", "sheet", "row", "field", "value",
                                           "reason", "why"]
    assert [c.value for c in sheet[2]][:7] == ["customers", "部署別顧客.xlsx", "東京支店", 6,
                                              "phone", "=0119538098", "invalid_phone"]
    assert sheet["F2"].data_type == "s" and sheet["F2"].fill.fgColor.rgb == LIGHT_RED
    assert str(files) == (f"3 rejected rows: {tmp_path / 'rejects-r1.csv'} (and .xlsx); "
                          f"2 cell issues: {tmp_path / 'cell-issues-r1.csv'}")


def test_write_rejects_cell_issues_alone_write_their_csv_and_the_xlsx(tmp_path: Path) -> None:
    files = write_rejects(_rejects().iloc[0:0], tmp_path, run_id="r1", issues=_issues())
    assert (files.csv, files.rows, files.issues) == (None, 0, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cell-issues-r1.csv",
                                                         "rejects-r1.xlsx"]
    assert openpyxl.load_workbook(tmp_path / "rejects-r1.xlsx").sheetnames == ["cell issues"]


def test_write_rejects_failing_xlsx_leaves_no_cell_issues_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(rejects_file, "_write_xlsx", broken)
    with pytest.raises(OSError, match="disk full"):
        write_rejects(_rejects(), tmp_path, run_id="r1", issues=_issues())
    assert list(tmp_path.iterdir()) == []
