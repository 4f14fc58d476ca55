"""The read guard: every refusal is one exact sentence, every good file gets its kind."""

from __future__ import annotations

import gzip
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from migrator.errors import ReadError
from migrator.read.guard import FileKind, check_cell_count, check_source
from migrator.read.settings import ReadLimits

LIMITS = ReadLimits()
PASSWORD = ("is password-protected; remove the password in Excel "
            "(File > Info > Protect Workbook) and try again")
CORRUPT = "is corrupt or truncated (not a readable zip archive)"


def refusal(path: Path, limits: ReadLimits = LIMITS) -> str:
    """The message check_source gives for `path`, shown under its file name."""
    with pytest.raises(ReadError) as info:
        check_source(path, path.name, limits)
    return str(info.value)


def good_xlsx(path: Path, rows: int = 3) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["顧客コード", "会社名"])
    for i in range(rows):
        ws.append([f"C{i:05d}", f"株式会社サンプル{i}"])
    wb.save(path)
    return path


BAD_FIXTURES = [
    ("png_renamed.xlsx", "is a PNG image, not a spreadsheet"),
    ("pdf_renamed.xlsx", "is a PDF document, not a spreadsheet"),
    ("encrypted_workbook.xlsx", PASSWORD),
    ("truncated_zip.xlsx", CORRUPT),
    ("corrupt_member_crc.xlsx", CORRUPT),
    ("zip_bomb.xlsx", "expands to 300 MB when unzipped (xl/worksheets/sheet1.xml is compressed "
                      "686:1, more than the limit of 200:1); raise --max-compression-ratio "
                      "if the file is trusted"),
    ("empty.xlsx", "is empty"),
    ("empty.csv", "is empty"),
    ("docx_renamed.xlsx", "is a Word document, not a spreadsheet"),
    ("binary.csv", "is binary, not a text file"),
    ("text_renamed.xlsx", "is a text file, not an Excel workbook; rename it to .csv"),
]


@pytest.mark.parametrize(("name", "problem"), BAD_FIXTURES, ids=[n for n, _ in BAD_FIXTURES])
def test_guard_refuses_bad_fixture(fixtures: Path, name: str, problem: str) -> None:
    assert refusal(fixtures / "bad" / name) == f"{name}: {problem}"


def test_guard_zip_bomb_fixture_is_small(fixtures: Path) -> None:
    assert (fixtures / "bad" / "zip_bomb.xlsx").stat().st_size < 1 << 20


def test_guard_accepts_xlsx_and_xlsm(tmp_path: Path) -> None:
    path = good_xlsx(tmp_path / "顧客台帳.xlsx")
    assert check_source(path, path.name, LIMITS) is FileKind.XLSX
    macro = tmp_path / "macro.xlsm"
    shutil.copy(path, macro)
    assert check_source(macro, macro.name, LIMITS) is FileKind.XLSX


def test_guard_content_wins_over_extension(tmp_path: Path) -> None:
    path = good_xlsx(tmp_path / "really_xlsx.xls")
    assert check_source(path, path.name, LIMITS) is FileKind.XLSX


def test_guard_accepts_ods(tmp_path: Path) -> None:
    path = tmp_path / "customers.ods"
    pd.DataFrame({"会社名": ["株式会社サンプル"], "TEL": ["03-1234-5678"]}).to_excel(
        path, engine="odf", index=False)
    assert check_source(path, path.name, LIMITS) is FileKind.ODS


def test_guard_accepts_legacy_xls(wild: Path) -> None:
    path = wild / "calamine" / "date_1904.xls"
    assert check_source(path, path.name, LIMITS) is FileKind.XLS


def test_guard_refuses_wild_password_protected_xlsx(wild: Path) -> None:
    assert refusal(wild / "calamine" / "pass_protected.xlsx") == f"pass_protected.xlsx: {PASSWORD}"


@pytest.mark.parametrize("source", ["calamine/date_1904.xls", "xlrd/Formate.xls"],
                         ids=["workbook_in_mini_stream", "workbook_in_sectors"])
def test_guard_refuses_xls_with_filepass(wild: Path, tmp_path: Path, source: str) -> None:
    """An .xls whose Workbook stream has a FILEPASS record right after its BOF."""
    data = bytearray((wild / source).read_bytes())
    bof = data.index(b"\x09\x08\x10\x00\x00\x06\x05\x00")  # BIFF8 BOF of the globals
    data[bof + 20 : bof + 22] = b"\x2f\x00"  # the next record becomes FILEPASS
    path = tmp_path / "locked.xls"
    path.write_bytes(bytes(data))
    assert refusal(path) == f"locked.xls: {PASSWORD}"


def test_guard_refuses_corrupt_xls(wild: Path, tmp_path: Path) -> None:
    data = (wild / "xlrd" / "Formate.xls").read_bytes()
    path = tmp_path / "half.xls"
    path.write_bytes(data[: len(data) // 2])
    assert refusal(path) == (
        "half.xls: is corrupt or truncated (not a readable Excel 97-2003 workbook)")


@pytest.mark.parametrize(("name", "data"), [
    ("shop.csv", "顧客コード,会社名\nC1,株式会社サンプル\n".encode("cp932")),
    ("export.tsv", "\ufeff顧客コード\t会社名\nC1\t㈱サンプル\n".encode("utf-16-le")),
    ("notes.txt", b"name;phone\r\nYamada;03-1234-5678\r\n\x1a"),
    ("codes.csv", b"MZ-0001,Bz-0002\nMZ-0003,Bz-0004\n"),
], ids=["cp932_csv", "utf16_bom_tsv", "crlf_txt_with_dos_eof", "starts_like_exe_magic"])
def test_guard_accepts_text(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert check_source(path, path.name, LIMITS) is FileKind.TEXT


BY_CONTENT = [
    ("backup.xlsx", gzip.compress(b"a,b\n", mtime=0), "is a gzip archive, not a spreadsheet"),
    ("photo.xls", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64),
     "is a JPEG image, not a spreadsheet"),
    ("tool.xlsx", b"\x7fELF\x02\x01\x01" + bytes(64),
     "is an executable program, not a spreadsheet"),
    ("odd.xlsx", bytes(range(256)) * 4,
     "is not an Excel workbook (its content is unrecognised binary data)"),
    ("odd.ods", bytes(range(256)) * 4,
     "is not an OpenDocument spreadsheet (its content is unrecognised binary data)"),
    ("odd.dat", bytes(range(256)) * 4, "is binary, not a spreadsheet or a text file"),
    ("report.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>",
     "is an HTML page, not a spreadsheet; open it in Excel and save it as .xlsx"),
    ("legacy.xls", b'<?xml version="1.0"?>\n<Workbook xmlns='
     b'"urn:schemas-microsoft-com:office:spreadsheet"><Worksheet/></Workbook>',
     "is an Excel 2003 XML spreadsheet, which cannot be read; "
     "open it in Excel and save it as .xlsx"),
    ("cards.ods", b"a,b\n1,2\n",
     "is a text file, not an OpenDocument spreadsheet; rename it to .csv"),
]


@pytest.mark.parametrize(("name", "data", "problem"), BY_CONTENT, ids=[c[0] for c in BY_CONTENT])
def test_guard_refuses_by_content(tmp_path: Path, name: str, data: bytes, problem: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert refusal(path) == f"{name}: {problem}"


@pytest.mark.parametrize(("members", "problem"), [
    ({"data/customers.csv": b"a,b\n"}, "is a zip archive, not a spreadsheet"),
    ({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"},
     "is an OpenDocument text file, not a spreadsheet"),
    ({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x00"},
     "is an Excel binary workbook (.xlsb), which cannot be read; "
     "open it in Excel and save it as .xlsx"),
], ids=["plain_zip", "opendocument_text", "xlsb"])
def test_guard_refuses_zip_that_is_no_workbook(tmp_path: Path, members: dict[str, bytes],
                                               problem: str) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    assert refusal(path) == f"archive.xlsx: {problem}"


def test_guard_refuses_member_past_end_of_file(tmp_path: Path) -> None:
    """The directory is whole but a sheet's data would run past the end of the file."""
    data = bytearray(good_xlsx(tmp_path / "good.xlsx").read_bytes())
    entry = data.rindex(b"xl/worksheets/sheet1.xml") - 46  # its central directory header
    assert data[entry : entry + 4] == b"PK\x01\x02"
    data[entry + 20 : entry + 24] = (len(data) * 2).to_bytes(4, "little")  # compressed size
    path = tmp_path / "cut_sheet.xlsx"
    path.write_bytes(bytes(data))
    assert refusal(path) == f"cut_sheet.xlsx: {CORRUPT}"


def test_guard_refuses_missing_file(tmp_path: Path) -> None:
    assert refusal(tmp_path / "nowhere.xlsx") == "nowhere.xlsx: does not exist"


def test_guard_refuses_directory(tmp_path: Path) -> None:
    folder = tmp_path / "ledger.xlsx"
    folder.mkdir()
    assert refusal(folder) == "ledger.xlsx: is a folder, not a file"


def test_guard_refuses_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulated: the tests may run as root, who reads any file."""
    path = good_xlsx(tmp_path / "locked.xlsx")

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Path, "open", denied)
    assert refusal(path) == (
        "locked.xlsx: cannot be opened (permission denied); check the file's permissions")


def test_guard_refuses_file_over_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" * (3 << 18))  # 3 MiB
    assert refusal(path, ReadLimits(max_file_bytes=2 << 20)) == (
        "big.csv: is 3 MB, more than the limit of 2 MB; raise --max-file-mb if the file is trusted")


def test_guard_refuses_workbook_over_uncompressed_limit(tmp_path: Path) -> None:
    """192 distinct 16 KiB strings: the shared strings alone unzip to just over 3 MiB."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for i in range(192):
        ws.append([f"{i:05d}" + "x" * 16379])
    path = tmp_path / "normal.xlsx"
    wb.save(path)
    assert check_source(path, path.name, LIMITS) is FileKind.XLSX
    assert refusal(path, ReadLimits(max_uncompressed_bytes=2 << 20)) == (
        "normal.xlsx: expands to 3 MB when unzipped, more than the limit of 2 MB; "
        "raise --max-uncompressed-mb if the file is trusted")


def test_guard_reads_only_the_zip_directory(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A 50 MB workbook passes without its big member being decompressed."""
    path = good_xlsx(tmp_path / "big.xlsx")
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/media/image1.bin", os.urandom(50 << 20), zipfile.ZIP_STORED)
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self: zipfile.ZipFile, name: object, *args: object, **kwargs: object) -> object:
        opened.append(getattr(name, "filename", name))  # type: ignore[arg-type]
        return real_open(self, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    assert check_source(path, path.name, LIMITS) is FileKind.XLSX
    assert opened and "xl/media/image1.bin" not in opened


def test_guard_cell_count_under_limit_passes() -> None:
    check_cell_count("a.xlsx", "顧客", 1000, 50, ReadLimits(max_cells=50_000))


def test_guard_cell_count_over_limit() -> None:
    with pytest.raises(ReadError) as info:
        check_cell_count("a.xlsx", "顧客", 1_048_576, 60, LIMITS)
    assert str(info.value) == (
        'a.xlsx: sheet "顧客" has 62,914,560 cells, more than the limit of 10,000,000; '
        "raise --max-cells if the file is trusted")


def test_guard_problem_is_one_sentence(fixtures: Path) -> None:
    err = pytest.raises(ReadError, check_source, fixtures / "bad" / "truncated_zip.xlsx",
                        "in/truncated_zip.xlsx", LIMITS).value
    assert (err.path, err.problem) == ("in/truncated_zip.xlsx", CORRUPT)
    assert "\n" not in str(err) and not str(err).endswith(".")

