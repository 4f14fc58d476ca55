"""Every part of a workbook's zip read once, before its cells are: checksums and real cells.

Why: python-calamine stops reading a sheet at its end tag, so a member whose bytes
changed after it was saved (one flipped byte turns 日本橋1-5-11 into 日本橋1-2-11) parses
and loads silently whenever the rest of the member is longer than its read buffer. And
it lays every sheet out densely from the first to the last cell with a value: a value in
A1 and one in XFD1048576 make it allocate 512 GB, and abort the process.

So this pass reads every member to its end, in chunks (zipfile checks the CRC-32 there),
and counts what each sheet holds with byte searches, no XML parser: the cells with a
value, which the cell limit counts, and how far a dense read would lay them out, which
decides whether the sheet may be read densely (excel.py) or must be read sparsely
(sparse.py). Memory is bounded by the chunk size; time is that of unzipping.
"""

from __future__ import annotations

import queue
import re
import threading
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Generator
from contextlib import closing
from pathlib import Path
from typing import Protocol

from migrator.errors import ReadError
from migrator.read.guard import CORRUPT_ZIP, FileKind
from migrator.read.model import SheetCells
from migrator.read.odscount import OdsCounter
from migrator.read.settings import ReadLimits
from migrator.read.xlsxcount import XlsxSheetCounter
from migrator.read.xlsxparts import workbook_parts

_CHUNK = 1 << 20
_LONGEST_TAG = 16 << 20
"""A tag cut by a chunk's end is carried to the next chunk, up to this length."""
_BAD_CRC = re.compile(r"Bad CRC-32 for file '(.*)'$")
def crc_failure(member: str) -> str:
    """The problem for a member whose bytes no longer match their CRC-32."""
    return (f"is corrupt ({member} does not match its checksum, so some of its values "
            "may have changed since it was saved); get a fresh copy of the file")


class Tee(Protocol):
    """Told a sheet's XML as the scan unzips it (a SheetSplitter), each chunk once it is
    counted, with what the sheet holds so far."""

    def feed(self, data: bytes, counted: SheetCells | None = None) -> None: ...

    def close(self) -> None: ...


TeeFor = Callable[[str, zipfile.ZipInfo], Tee | None]
"""Given a sheet to be read and its member, what is told its XML, if anything."""


def scan_workbook(path: Path, name: str, kind: FileKind, limits: ReadLimits,
                  include_hidden: bool = False, tee: TeeFor | None = None
                  ) -> dict[str, SheetCells]:
    """Sheet name → what it holds; ReadError for a damaged member or too many cells.

    Every member is read to its end (CRC). The cells of the sheets that will be read
    (visible ones, or all with `include_hidden`) count against limits.max_cells, and the
    count stops as soon as they pass it, before the rest is unzipped. `tee(sheet, info)`
    may name something each such .xlsx sheet's XML is told as it is unzipped.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            return _scan(zf, name, kind, limits, include_hidden, tee)
    except zipfile.BadZipFile as err:
        crc = _BAD_CRC.match(str(err))
        if crc:
            raise ReadError(name, crc_failure(crc.group(1))) from None
        raise ReadError(name, CORRUPT_ZIP) from err
    except (zlib.error, EOFError, ValueError, OSError) as err:
        raise ReadError(name, CORRUPT_ZIP) from err


def _scan(zf: zipfile.ZipFile, name: str, kind: FileKind, limits: ReadLimits,
          include_hidden: bool, tee: TeeFor | None) -> dict[str, SheetCells]:
    infos = zf.infolist()
    for info in infos:
        _check_member(info, name)
    twice = [n for n, times in Counter(i.filename for i in infos).items() if times > 1]
    if twice:
        raise ReadError(name, f"is corrupt (it holds two parts named {twice[0]}, and readers "
                        "disagree on which one counts); get a fresh copy of the file")
    budget = _Budget(name, limits.max_cells)
    book = workbook_parts(zf, kind)
    if book.missing:
        raise ReadError(name, f"is corrupt ({book.missing[0]} is missing, though the workbook "
                        "refers to it); get a fresh copy of the file")
    read = [s for s in book.sheets if include_hidden or s.visible]
    for part in read:
        if part.member is None:
            raise ReadError(name, f'is corrupt (the part that holds sheet "{part.name}" is '
                            "missing); get a fresh copy of the file")
    parts = {s.member: s for s in book.sheets if s.member is not None}
    counted = {s.member for s in read}
    found: dict[str, SheetCells] = {}
    unmeasured: list[zipfile.ZipInfo] = []
    # The counted sheets first, so that a file over the limit stops early.
    for info in sorted(infos, key=lambda i: i.filename not in counted):
        counter: XlsxSheetCounter | OdsCounter | None = None
        told: Tee | None = None
        if kind == FileKind.ODS and info.filename == "content.xml":
            counter = OdsCounter()
        elif info.filename in parts:
            counter = XlsxSheetCounter(parts[info.filename].name)
            if tee is not None and info.filename in counted:
                told = tee(parts[info.filename].name, info)
        for sheet, cells in _count(zf, info, counter,
                                   budget if info.filename in counted or not parts else None,
                                   told):
            seen = found.get(sheet)
            found[sheet] = cells if seen is None else SheetCells(seen.cells + cells.cells, None)
        if isinstance(counter, XlsxSheetCounter) and counter.unmeasured:
            unmeasured.append(info)
    # Only now, when the file is within the limit: the sheets without a dimension again,
    # measuring how far their cells reach (a regex match per cell).
    for info in unmeasured:
        for sheet, cells in _count(zf, info, XlsxSheetCounter(parts[info.filename].name,
                                                              measure=True), None):
            found[sheet] = cells
    return found


class _Budget:
    """The cells counted so far against the limit, and the one sentence when it is passed."""

    def __init__(self, name: str, limit: int) -> None:
        self.name, self.limit = name, limit
        self.done = 0
        self.sheets = 0

    def check(self, sheet: str, current: int, repeats: bool = False) -> None:
        """Refuse once the finished sheets and the current one pass the limit."""
        if self.done + current <= self.limit:
            return
        what = f"more than {self.limit:,} cells with values"
        if repeats:
            what += " (repeats counted)"
        where = (f'sheet "{sheet}" holds {what}' if not self.sheets
                 else f"holds {what} in its first {self.sheets + 1} sheets")
        raise ReadError(self.name, f"{where}, the limit for one file; "
                        "raise --max-cells if the file is trusted")

    def add(self, sheet: str, cells: int, repeats: bool) -> None:
        """A finished sheet; checked, as it may have ended within one chunk."""
        self.check(sheet, cells, repeats)
        self.done += cells
        self.sheets += 1


def _check_member(info: zipfile.ZipInfo, name: str) -> None:
    if info.flag_bits & 0x1:
        raise ReadError(name, "is a password-protected zip archive, not a workbook")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ReadError(name, CORRUPT_ZIP)  # no spreadsheet writes other methods


def _count(zf: zipfile.ZipFile, info: zipfile.ZipInfo,
           counter: XlsxSheetCounter | OdsCounter | None,
           budget: _Budget | None, tee: Tee | None = None) -> list[tuple[str, SheetCells]]:
    """Read one member to its end through `counter` (and `tee`); the sheets it holds."""
    repeats = isinstance(counter, OdsCounter)
    found: list[tuple[str, SheetCells]] = []
    with closing(_chunks(zf, info)) as chunks:
        for chunk in chunks:
            if counter is None:
                continue
            counter.feed(chunk)
            found += _finished(counter, budget, repeats)
            if budget is not None:
                budget.check(counter.sheet, counter.cells, repeats)
            if tee is not None:
                tee.feed(chunk, counter.so_far() if isinstance(counter, XlsxSheetCounter)
                         else None)
    if counter is not None:
        counter.close()
        found += _finished(counter, budget, repeats)
    if tee is not None:
        tee.close()
    return found


def _finished(counter: XlsxSheetCounter | OdsCounter, budget: _Budget | None,
              repeats: bool) -> list[tuple[str, SheetCells]]:
    done = counter.finished()
    if budget is not None:
        for sheet, cells in done:
            budget.add(sheet, cells.cells, repeats)
    return done


def _chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Generator[bytes, None, None]:
    """The member's bytes in chunks that never cut a tag; the CRC is checked at the end."""
    carry = b""
    with closing(_unzipped(zf, info)) as unzipped:
        for data in unzipped:
            cut = data.rfind(b"<")
            if cut < 0:  # a tag the carry began may go on: cut where the two end
                data = carry + data
                cut = data.rfind(b"<")
                carry = b""
            if cut < 0 or data.find(b">", cut) >= 0 or len(data) - cut > _LONGEST_TAG:
                cut = len(data)  # no tag is cut here
            # one copy of the chunk, not two (carry + data, then its head)
            yield b"".join((carry, memoryview(data)[:cut])) if carry else data[:cut]
            carry = data[cut:]
    if carry:
        yield carry


_AHEAD_FROM = 4 << 20
"""A member at least this large (unzipped) is unzipped in a thread, _AHEAD chunks ahead."""
_AHEAD = 4


def _unzipped(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Generator[bytes, None, None]:
    """The member's bytes in chunks of _CHUNK, the CRC checked at the end.

    Why a thread: inflating and the CRC-32 (zlib, without the GIL) took 0.24 s of the
    0.6 s scan of a 107 MB sheet, and the counting (and the split) the rest; a thread
    inflates the next chunks while this one counts, on the other core.
    """
    if info.file_size < _AHEAD_FROM:
        with zf.open(info) as member:
            while data := member.read(_CHUNK):
                yield data
        return
    chunks: queue.Queue[bytes | BaseException] = queue.Queue(maxsize=_AHEAD)
    stop = threading.Event()

    def unzip() -> None:
        try:
            with zf.open(info) as member:
                while not stop.is_set():
                    data = member.read(_CHUNK)
                    chunks.put(data)
                    if not data:
                        return
        except BaseException as err:  # raised in the reading thread, at its chunk
            chunks.put(err)

    thread = threading.Thread(target=unzip, name="migrator-unzip", daemon=True)
    thread.start()
    try:
        while True:
            got = chunks.get()
            if isinstance(got, BaseException):
                raise got
            if not got:
                return
            yield got
    finally:
        stop.set()  # then room in the queue lets a waiting put end, and the thread sees stop
        while thread.is_alive():
            try:
                chunks.get(timeout=0.05)
            except queue.Empty:
                pass
        thread.join()


