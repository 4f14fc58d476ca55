"""The pass over every zip member before a sheet is read: checksums, real cells."""

from __future__ import annotations

import importlib
import io
import re
import threading
import zipfile
from pathlib import Path

import openpyxl
import pytest

from migrator import ReadError, ReadOptions, read_sources
from migrator.lineage import column_letter
from migrator.read.guard import FileKind
from migrator.read.model import SheetCells
from migrator.read.scan import scan_workbook
from migrator.read.settings import ReadLimits
from migrator.read.xlsxcount import beyond
from tests.conftest import SAMPLE_DATA

scan = importlib.import_module("migrator.read.scan")

ADDRESS = "東京都中央区日本橋1-5-11"


def ledger_with_long_tail(path: Path, *, flip: bool) -> Path:
    """A workbook whose sheet holds the address and has 60 KB after </sheetData>.

    The tail (merged ranges) is longer than calamine's read buffer, so calamine never
    reads the member to its end, where the zip library would check its CRC. The sheet is
    stored uncompressed so that one flipped byte is a changed digit, not broken XML.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "顧客"
    ws.append(["顧客コード", "会社名", "住所"])
    ws.append(["C001", "株式会社日本橋", ADDRESS])  # openpyxl writes strings inline
    for r in range(3, 300):
        ws.append([f"C{r:03d}", f"会社{r}", f"住所{r}"])
    for i in range(2000):
        ws.merge_cells(start_row=400 + i, start_column=1, end_row=400 + i, end_column=2)
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w") as zf:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert ADDRESS.encode() in data
                zf.writestr(info.filename, data, zipfile.ZIP_STORED)
            else:
                zf.writestr(info.filename, data, zipfile.ZIP_DEFLATED)
    data = bytearray(out.getvalue())
    if flip:
        at = data.index(ADDRESS.encode()) + len(ADDRESS.encode()) - 4  # the 5 of 1-5-11
        assert data[at : at + 1] == b"5"
        data[at] = ord("2")
    path.write_bytes(bytes(data))
    return path


def test_scan_reads_the_untouched_workbook(tmp_path: Path) -> None:
    path = ledger_with_long_tail(tmp_path / "顧客.xlsx", flip=False)
    (table,) = read_sources([path])
    assert table.frame["住所"].iloc[0] == ADDRESS


def test_scan_refuses_a_member_whose_crc_does_not_match(tmp_path: Path) -> None:
    path = ledger_with_long_tail(tmp_path / "顧客.xlsx", flip=True)
    with pytest.raises(ReadError) as info:
        read_sources([path])
    assert str(info.value) == (
        "顧客.xlsx: is corrupt (xl/worksheets/sheet1.xml does not match its checksum, so some "
        "of its values may have changed since it was saved); get a fresh copy of the file")


def test_scan_refuses_an_encrypted_member(tmp_path: Path) -> None:
    path = ledger_with_long_tail(tmp_path / "顧客.xlsx", flip=False)
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")  # the first central directory entry
    data[entry + 8] |= 0x1  # its "encrypted" flag
    path.write_bytes(bytes(data))
    with pytest.raises(ReadError) as info:
        scan_workbook(path, path.name, FileKind.XLSX, ReadLimits())
    assert info.value.problem == "is a password-protected zip archive, not a workbook"


def test_scan_crc_failure_stops_a_run_in_one_line(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from tests.test_bad_input import run_cli

    path = ledger_with_long_tail(tmp_path / "顧客.xlsx", flip=True)
    db = tmp_path / "out.db"
    code, _, err = run_cli(["run", str(path), "--auto", "--to", f"sqlite:///{db}",
                            "--rejects", str(tmp_path / "rejects")], capsys)
    assert code == 1 and err.startswith("Error: 顧客.xlsx: is corrupt (") and err.count("\n") == 1
    assert not db.exists() and not (tmp_path / "rejects").exists()


@pytest.mark.parametrize("bound", ["J", "Z", "AX", "AZ", "XFD", "ZZZ"])
def test_scan_beyond_matches_exactly_the_later_columns(bound: str) -> None:
    pattern = re.compile(b"^" + beyond(bound.encode(), (65, 90)) + b"$")
    for index in range(1, 20000):
        letters = column_letter(index - 1)
        later = (len(letters), letters) > (len(bound), bound)
        assert bool(pattern.match(letters.encode())) is later, letters


@pytest.mark.parametrize("bound", ["1", "9", "10", "28034", "1048576"])
def test_scan_beyond_matches_exactly_the_later_rows(bound: str) -> None:
    pattern = re.compile(b"^" + beyond(bound.encode(), (48, 57)) + b"$")
    for row in [*range(1, 2000), *range(28000, 28100), 1048575, 1048576, 1048577, 9999999]:
        assert bool(pattern.match(str(row).encode())) is (row > int(bound)), row


def test_scan_cell_outside_its_dimension_has_no_known_area(tmp_path: Path) -> None:
    """A sheet that lies about its dimension is read sparsely, not trusted."""
    path = ledger_with_long_tail(tmp_path / "顧客.xlsx", flip=False)
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    members["xl/worksheets/sheet1.xml"] = re.sub(rb'<dimension ref="[^"]*"',
                                                 b'<dimension ref="A1:C10"', sheet)
    with zipfile.ZipFile(path, "w") as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    counts = scan_workbook(path, path.name, FileKind.XLSX, ReadLimits())
    assert counts["顧客"].cells == 3 * 299 and counts["顧客"].area is None
    (table,) = read_sources([path])
    assert table.data_rows == 298 and table.frame["住所"].iloc[0] == ADDRESS


def rezip(path: Path, change: dict[str, bytes | None], extra: list[tuple[str, bytes]]) -> Path:
    """`path` with members replaced (None: dropped), and `extra` members appended."""
    import warnings

    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w") as zf, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the duplicate name is the point
        for member, data in [*members, *extra]:
            new = change.get(member, data)
            if new is not None:
                zf.writestr(member, new, zipfile.ZIP_DEFLATED)
    return path


def test_scan_refuses_a_workbook_without_its_styles(tmp_path: Path) -> None:
    """Without styles.xml, dates would load as serial numbers (45383), silently."""
    path = rezip(_copy(SAMPLE_DATA / "顧客台帳.xlsx", tmp_path), {"xl/styles.xml": None}, [])
    with pytest.raises(ReadError) as info:
        read_sources([path])
    assert info.value.problem == ("is corrupt (xl/styles.xml is missing, though the workbook "
                                  "refers to it); get a fresh copy of the file")


def test_scan_refuses_a_missing_sheet_only_when_it_is_read(tmp_path: Path) -> None:
    path = rezip(_copy(SAMPLE_DATA / "部署別顧客.xlsx", tmp_path),
                 {"xl/worksheets/sheet3.xml": None}, [])
    assert {t.sheet for t in read_sources([path])} == {"営業1課", "営業2課", "東京支店"}
    with pytest.raises(ReadError) as info:
        read_sources([path], options=ReadOptions(include_hidden=True))
    assert info.value.problem == ('is corrupt (the part that holds sheet "旧データ" is missing); '
                                  "get a fresh copy of the file")


def test_scan_refuses_two_members_of_one_name(tmp_path: Path) -> None:
    path = _copy(SAMPLE_DATA / "顧客台帳.xlsx", tmp_path)
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    rezip(path, {}, [("xl/worksheets/sheet1.xml", sheet[: len(sheet) // 2])])
    with pytest.raises(ReadError) as info:
        read_sources([path])
    assert info.value.problem == (
        "is corrupt (it holds two parts named xl/worksheets/sheet1.xml, and readers disagree "
        "on which one counts); get a fresh copy of the file")


def _copy(source: Path, folder: Path) -> Path:
    target = folder / source.name
    target.write_bytes(source.read_bytes())
    return target


def write_only_workbook(path: Path, far: str | None = None) -> Path:
    """openpyxl's write-only mode writes no <dimension>; `far` adds a value there."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("顧客")
    ws.append(["顧客コード", "会社名"])
    for i in range(1, 301):
        ws.append([f"C{i:04d}", f"株式会社サンプル{i}"])
    wb.save(path)
    if far is not None:
        with zipfile.ZipFile(path) as zf:
            sheet = zf.read("xl/worksheets/sheet1.xml")
        row = int(re.sub(r"[A-Z]", "", far))
        cell = f'<row r="{row}"><c r="{far}" t="inlineStr"><is><t>end</t></is></c></row>'
        rezip(path, {"xl/worksheets/sheet1.xml":
                     sheet.replace(b"</sheetData>", cell.encode() + b"</sheetData>")}, [])
    return path


def test_scan_measures_a_sheet_without_a_dimension(tmp_path: Path) -> None:
    """Read densely, as before: the sparse reader is five times slower per cell."""
    path = write_only_workbook(tmp_path / "stream.xlsx")
    with zipfile.ZipFile(path) as zf:
        assert b"<dimension" not in zf.read("xl/worksheets/sheet1.xml")
    counts = scan_workbook(path, path.name, FileKind.XLSX, ReadLimits())
    assert counts == {"顧客": SheetCells(cells=602, area=301 * 2)}
    far = write_only_workbook(tmp_path / "far.xlsx", far="XFD1048576")
    counts = scan_workbook(far, far.name, FileKind.XLSX, ReadLimits())
    assert counts == {"顧客": SheetCells(cells=603, area=1048576 * 16384)}
    (table,) = read_sources([far])
    assert table.data_rows == 300


@pytest.fixture
def unzip_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every member unzipped in a thread, in chunks small enough that many are ahead."""
    monkeypatch.setattr(scan, "_AHEAD_FROM", 0)
    monkeypatch.setattr(scan, "_CHUNK", 4096)


def unzip_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "migrator-unzip"]


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_scan_unzipped_ahead_gives_each_member_s_bytes(tmp_path: Path, unzip_ahead: None,
                                                       method: int) -> None:
    path = tmp_path / "sample.xlsx"
    with zipfile.ZipFile(SAMPLE_DATA / "顧客台帳.xlsx") as src, \
            zipfile.ZipFile(path, "w", method) as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info))
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            chunks = list(scan._unzipped(zf, info))
            assert b"".join(chunks) == zf.read(info)
            assert all(len(c) <= 4096 for c in chunks)
            if info.file_size > 3 * 4096:
                assert len(chunks) > 3
    assert not unzip_threads()
    original = read_sources([SAMPLE_DATA / "顧客台帳.xlsx"])[0].frame
    assert read_sources([path])[0].frame.equals(original.assign(_source_file="sample.xlsx"))


def test_scan_unzipped_ahead_raises_a_bad_crc_and_stops(tmp_path: Path,
                                                        unzip_ahead: None) -> None:
    assert read_sources([ledger_with_long_tail(tmp_path / "a.xlsx", flip=False)])
    path = ledger_with_long_tail(tmp_path / "顧客.xlsx", flip=True)
    with pytest.raises(ReadError, match="does not match its checksum"):
        read_sources([path])
    with pytest.raises(ReadError, match="more than 100 cells"):  # stopped after a few chunks
        scan_workbook(tmp_path / "a.xlsx", "a.xlsx", FileKind.XLSX, ReadLimits(max_cells=100))
    assert not unzip_threads()


def test_scan_unzipped_ahead_closed_early_ends_its_thread(tmp_path: Path,
                                                         unzip_ahead: None) -> None:
    path = ledger_with_long_tail(tmp_path / "a.xlsx", flip=False)
    with zipfile.ZipFile(path) as zf:
        chunks = scan._unzipped(zf, zf.getinfo("xl/worksheets/sheet1.xml"))
        assert next(chunks)
        assert unzip_threads()  # unzipping ahead, until the queue is full
        chunks.close()
        assert not unzip_threads()


@pytest.mark.parametrize("size", [5, 64, 4096])
def test_scan_chunks_never_cut_a_tag(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """Chunks smaller than a tag too: a tag the carry began goes on in chunks holding
    no `<`, and is cut nowhere."""
    monkeypatch.setattr(scan, "_CHUNK", size)
    with zipfile.ZipFile(SAMPLE_DATA / "顧客台帳.xlsx") as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        whole = zf.read(info)
        chunks = list(scan._chunks(zf, info))
    assert b"".join(chunks) == whole
    for chunk in chunks:
        last = chunk.rfind(b"<")
        assert last < 0 or chunk.find(b">", last) >= 0, chunk[-40:]
