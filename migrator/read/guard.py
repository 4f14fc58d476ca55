"""The gate every source file passes before a parser touches it.

It decides what a file is from its content (first bytes, zip or compound-file
directory), the extension only breaking ties, so that a PNG named .xlsx, an
encrypted workbook or a zip bomb fails with one sentence instead of a parser's
traceback or an exhausted memory. It reads directories, never the data itself.
"""

from __future__ import annotations

import codecs
import stat
import struct
import zipfile
import zlib
from enum import StrEnum
from pathlib import Path
from typing import Any

import olefile

from migrator.errors import ReadError
from migrator.read.settings import ReadLimits


class FileKind(StrEnum):
    """What a source file holds, which picks its parser."""

    XLSX = "xlsx"
    """Office Open XML workbook (.xlsx, .xlsm)."""
    XLS = "xls"
    """Excel 97-2003 workbook in an OLE2 compound file."""
    ODS = "ods"
    """OpenDocument spreadsheet."""
    TEXT = "text"
    """Delimited text (CSV, TSV, TXT) in any encoding."""


_MIB = 1 << 20
_HEAD_BYTES = 8192
_BIG_MEMBER = 10 * _MIB
"""Zip members above this size are checked for their compression ratio, never tested."""

PASSWORD_PROTECTED = ("is password-protected; remove the password in Excel "
                      "(File > Info > Protect Workbook) and try again")
CORRUPT_ZIP = "is corrupt or truncated (not a readable zip archive)"
CORRUPT_CFB = "is corrupt or truncated (not a readable Excel 97-2003 workbook)"
_RESAVE = "which cannot be read; open it in Excel and save it as .xlsx"

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (b"\x7fELF", "an executable program"),
    (b"\xcf\xfa\xed\xfe", "an executable program"),
)
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "an executable program"),
    (b"BZh", "a bzip2 archive"),
)
"""Magic numbers short or printable enough to start a text file: trusted on binary content only."""

_TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
_WORKBOOK_SUFFIXES = {".xlsx": "an Excel workbook", ".xlsm": "an Excel workbook",
                      ".xls": "an Excel workbook", ".ods": "an OpenDocument spreadsheet"}
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 26), *range(28, 32)])
"""C0 controls that text does not hold; tab, newlines, form feed, DOS EOF and ESC are spared."""

_ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
_OTHER_ZIPS = (("word/document.xml", "a Word document"),
               ("ppt/presentation.xml", "a PowerPoint presentation"))
_SMALL_MEMBERS = {
    FileKind.XLSX: ("[content_types].xml", "xl/workbook.xml", "xl/styles.xml"),
    FileKind.ODS: ("mimetype", "meta-inf/manifest.xml", "styles.xml"),
}
"""Members whose CRC is tested: small, and read first by every parser."""
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, struct.error, ValueError, OSError)

_FILEPASS, _EOF = 0x002F, 0x000A
"""BIFF record types: the encryption header, and the end of the workbook globals."""


def check_source(path: Path, display_name: str, limits: ReadLimits) -> FileKind:
    """What `path` holds, or ReadError with one sentence saying why it cannot be read.

    Run before any parser, so unusable input fails fast and clearly:

    >>> check_source(Path("sample_data/顧客台帳.xlsx"), "顧客台帳.xlsx", ReadLimits())
    <FileKind.XLSX: 'xlsx'>
    """
    head = _read_head(path, display_name, limits)
    if head.startswith(_ZIP_MAGIC):
        return _check_zip(path, display_name, limits)
    if head.startswith(_CFB_MAGIC):
        return _check_cfb(path, display_name)
    what = next((w for magic, w in _SIGNATURES if head.startswith(magic)), None)
    if what:
        raise ReadError(display_name, f"is {what}, not a spreadsheet")
    return _check_text(head, path.suffix.lower(), display_name)


def check_cell_count(display_name: str, sheet: str, rows: int, cols: int,
                     limits: ReadLimits) -> None:
    """Refuse a sheet whose used area would not fit in memory, before its cells are read."""
    cells = rows * cols
    if cells > limits.max_cells:
        raise ReadError(display_name, f'sheet "{sheet}" has {cells:,} cells, more than the '
                        f"limit of {limits.max_cells:,}; raise --max-cells if the file is trusted")


def check_columns(display_name: str, where: str, columns: int, limits: ReadLimits) -> None:
    """Refuse a sheet or CSV record wider than the limit: each column costs in every stage.

    `where` says which: `sheet "顧客"`, or `line 1` of a CSV.
    """
    if columns > limits.max_columns:
        raise ReadError(display_name, f"has {columns:,} columns {where}, more than the limit "
                        f"of {limits.max_columns:,}; raise --max-columns if the file is trusted")


def _read_head(path: Path, name: str, limits: ReadLimits) -> bytes:
    """The first bytes of a regular, non-empty file within the size limit."""
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise ReadError(name, "does not exist") from None
    except OSError as err:
        raise ReadError(name, _os_problem(err)) from err
    if stat.S_ISDIR(info.st_mode):
        raise ReadError(name, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise ReadError(name, "is not a regular file")
    if info.st_size == 0:
        raise ReadError(name, "is empty")
    if info.st_size > limits.max_file_bytes:
        raise ReadError(name, f"is {_mb(info.st_size)} MB, more than the limit of "
                        f"{_mb(limits.max_file_bytes)} MB; "
                        "raise --max-file-mb if the file is trusted")
    try:
        with path.open("rb") as f:
            return f.read(_HEAD_BYTES)
    except OSError as err:
        raise ReadError(name, _os_problem(err)) from err


def _os_problem(err: OSError) -> str:
    if isinstance(err, PermissionError):
        return "cannot be opened (permission denied); check the file's permissions"
    return f"cannot be opened ({(err.strerror or type(err).__name__).lower()})"


def _mb(size: float) -> str:
    """Bytes as MB (MiB) for messages: 300, 2,048, 1.5, 0.0095."""
    mb = size / _MIB
    return f"{mb:,.0f}" if mb >= 10 else f"{mb:.2g}"


def _check_zip(path: Path, name: str, limits: ReadLimits) -> FileKind:
    """An xlsx or ods, whole and of sane size, judged from the zip's directory."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            size = path.stat().st_size
            if any(i.header_offset + 30 + i.compress_size > size for i in infos):
                raise zipfile.BadZipFile("a member ends past the end of the file")
            members = {i.filename.lower(): i for i in infos}
            kind = _zip_kind(zf, members, name)
            _check_expansion(infos, name, limits)
            _test_small_members(zf, [members[m] for m in _SMALL_MEMBERS[kind] if m in members],
                                name)
    except _ZIP_ERRORS as err:
        raise ReadError(name, CORRUPT_ZIP) from err
    return kind


def _zip_kind(zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], name: str) -> FileKind:
    """XLSX or ODS from the members' names (lower-cased), or what else the zip is."""
    if "[content_types].xml" in members:
        if "xl/workbook.xml" in members:
            return FileKind.XLSX
        if "xl/workbook.bin" in members:
            raise ReadError(name, f"is an Excel binary workbook (.xlsb), {_RESAVE}")
    if "mimetype" in members:
        with zf.open(members["mimetype"]) as f:
            mime = f.read(100).decode("ascii", "replace").strip()
        if mime.startswith(_ODS_MIME):
            return FileKind.ODS
        if mime.startswith("application/vnd.oasis.opendocument."):
            sort = mime.rsplit(".", 1)[-1]
            raise ReadError(name, f"is an OpenDocument {sort} file, not a spreadsheet")
    what = next((w for marker, w in _OTHER_ZIPS if marker in members), "a zip archive")
    raise ReadError(name, f"is {what}, not a spreadsheet")


def _check_expansion(infos: list[zipfile.ZipInfo], name: str, limits: ReadLimits) -> None:
    """Refuse a zip bomb from the sizes its directory declares, before anything is unzipped."""
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        raise ReadError(name, f"expands to {_mb(total)} MB when unzipped, more than the limit of "
                        f"{_mb(limits.max_uncompressed_bytes)} MB; "
                        "raise --max-uncompressed-mb if the file is trusted")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _BIG_MEMBER and ratio > limits.max_compression_ratio:
            raise ReadError(name, f"expands to {_mb(total)} MB when unzipped ({info.filename} is "
                            f"compressed {ratio:,.0f}:1, more than the limit of "
                            f"{limits.max_compression_ratio:,g}:1); "
                            "raise --max-compression-ratio if the file is trusted")


def _test_small_members(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str) -> None:
    """Unzip the small parts every parser reads first; a bad CRC raises BadZipFile."""
    for info in infos:
        if info.flag_bits & 0x1:
            raise ReadError(name, "is a password-protected zip archive, not a workbook")
        if info.file_size > _BIG_MEMBER:
            continue
        if info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            zf.read(info)


def _check_cfb(path: Path, name: str) -> FileKind:
    """An unencrypted Excel 97-2003 workbook, judged from the compound file's directory."""
    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
                raise ReadError(name, PASSWORD_PROTECTED)
            stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
            if stream is None:
                raise ReadError(name, f"is {_cfb_what(ole)}, not a spreadsheet")
            if _has_filepass(_stream_head(ole, stream, path)):
                raise ReadError(name, PASSWORD_PROTECTED)
    except (OSError, struct.error, ValueError, IndexError) as err:
        raise ReadError(name, CORRUPT_CFB) from err
    return FileKind.XLS


def _cfb_what(ole: Any) -> str:
    if ole.exists("WordDocument"):
        return "a Word 97-2003 document"
    if ole.exists("PowerPoint Document"):
        return "a PowerPoint 97-2003 presentation"
    return "an OLE compound file without a workbook"


def _stream_head(ole: Any, stream: str, path: Path) -> bytes:
    """The first sector of a stream, read directly: olefile would read all of it."""
    entry = next(k for k in ole.root.kids if k.name.lower() == stream.lower())
    if entry.size < ole.minisectorcutoff:
        return bytes(ole.openstream(entry.name).read(_HEAD_BYTES))
    with path.open("rb") as f:
        f.seek((entry.isectStart + 1) * ole.sectorsize)  # sector 0 follows the header sector
        return f.read(min(ole.sectorsize, entry.size))


def _has_filepass(head: bytes) -> bool:
    """Whether the BIFF records at the start of a Workbook stream include FILEPASS.

    FILEPASS follows the globals' BOF record, so the first sector is enough.
    """
    pos = 0
    while pos + 4 <= len(head):
        kind, size = struct.unpack_from("<HH", head, pos)
        if kind == _FILEPASS:
            return True
        if kind == _EOF:
            return False
        pos += 4 + size
    return False


def _check_text(head: bytes, suffix: str, name: str) -> FileKind:
    """TEXT for delimited text; a refusal for binary junk, markup, or text posing as a workbook."""
    if _looks_binary(head):
        what = next((w for magic, w in _BINARY_SIGNATURES if head.startswith(magic)), None)
        if what:
            raise ReadError(name, f"is {what}, not a spreadsheet")
        if suffix in _TEXT_SUFFIXES:
            raise ReadError(name, "is binary, not a text file")
        if suffix in _WORKBOOK_SUFFIXES:
            raise ReadError(name, f"is not {_WORKBOOK_SUFFIXES[suffix]} "
                            "(its content is unrecognised binary data)")
        raise ReadError(name, "is binary, not a spreadsheet or a text file")
    markup = _markup(head)
    if markup:
        raise ReadError(name, markup)
    if suffix in _WORKBOOK_SUFFIXES:
        raise ReadError(name, f"is a text file, not {_WORKBOOK_SUFFIXES[suffix]}; "
                        "rename it to .csv")
    return FileKind.TEXT


def _looks_binary(head: bytes) -> bool:
    """Many NULs or control bytes; UTF-16 with a BOM is text."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    nuls = head.count(0)
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return nuls * 100 > len(head) or controls * 20 > len(head)


def _markup(head: bytes) -> str | None:
    """The refusal for HTML or SpreadsheetML 2003, which web systems often name .xls."""
    start = head.removeprefix(codecs.BOM_UTF8).lstrip()[:1024].lower()
    if not start.startswith(b"<"):
        return None
    if b"urn:schemas-microsoft-com:office:spreadsheet" in head.lower():
        return f"is an Excel 2003 XML spreadsheet, {_RESAVE}"
    if start.startswith((b"<!doctype html", b"<html")) or b"<table" in start:
        return "is an HTML page, not a spreadsheet; open it in Excel and save it as .xlsx"
    return None
