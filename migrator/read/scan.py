"""Every part of a workbook's zip read once, before its cells are: checksums verified.

Why: python-calamine stops reading a sheet at its end tag, so a member whose bytes
changed after it was saved (one flipped byte turns 日本橋1-5-11 into 日本橋1-2-11) parses
and loads silently whenever the rest of the member is longer than its read buffer.
zipfile checks a member's CRC-32 when it is read to its end, so this pass reads every
member to its end, in chunks: memory is bounded by the chunk size, and the time is that
of unzipping (a few hundred MB per second).
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from migrator.errors import ReadError
from migrator.read.guard import CORRUPT_ZIP

_CHUNK = 1 << 20


def crc_failure(member: str) -> str:
    """The problem for a member whose bytes no longer match their CRC-32."""
    return (f"is corrupt ({member} does not match its checksum, so some of its values "
            "may have changed since it was saved); get a fresh copy of the file")


def scan_workbook(path: Path, name: str) -> None:
    """Read every member of the zip at `path` to its end; ReadError names the first bad one.

    Run before a parser reads any sheet, so nothing is returned from a damaged file.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                _read_member(zf, info, name)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as err:
        raise ReadError(name, CORRUPT_ZIP) from err


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    if info.flag_bits & 0x1:
        raise ReadError(name, "is a password-protected zip archive, not a workbook")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ReadError(name, CORRUPT_ZIP)  # no spreadsheet writes other methods
    try:
        with zf.open(info) as member:
            while member.read(_CHUNK):
                pass
    except zipfile.BadZipFile as err:
        if "CRC" in str(err):
            raise ReadError(name, crc_failure(info.filename)) from None
        raise
