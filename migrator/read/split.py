"""A large .xlsx sheet parsed in parts at once, one thread per part; the sheets of a
workbook parsed one ahead of the sheet being tidied.

Why: calamine parses a sheet without the GIL, but on one core: the read benchmark's
107 MB sheet (100,000 rows x 20) takes 1.40 s to parse whole and 0.68 s cut in two parts
parsed side by side, while the second core would otherwise idle. The scan (scan.py)
unzips every sheet anyway, to check its CRC and count its cells; as it does, a
SheetSplitter writes the sheet's XML into part workbooks, cut between rows. Each part
holds the sheet's head (everything up to `<sheetData>`), a run of whole rows and the
end tags, and every other member of the workbook except the other sheets, so calamine
reads it as the same sheet of the same workbook (shared strings, styles and so dates,
the 1904 system). The scan has checked that every cell names its position (`r="B7"`),
so each part's cells keep their places, and its rows laid one part after the other are
the sheet's rows: the same values, blank cells and size as one dense read.

A part is parsed in a thread as soon as the scan has unzipped and counted it (`early`),
while the scan goes on with the rest: the scan holds the GIL and one core, calamine the
other. Then this thread tidies the parts' rows (Python values, cleaned: under the GIL)
in order as they come (`tidied_parts`), while the threads still parse the later ones:
cleaning works column by column within a part, and gives each cell what it gives it in
the whole sheet. So the first part is cut smaller (FIRST), and there is a part more than
threads. The read benchmark's sheet, in 2 parts parsed after the scan, against 3 parsed
as the scan passes them (8 interleaved pairs of fresh processes, all 8 won): 1.480 ->
1.363 s, the same frame.

A part is parsed early only when a dense read of it cannot ask for much more memory
than its cells need: the sheet declares its dimension, every cell so far lies inside it,
and that area would pass `SheetCells.fits_densely` with the cells counted so far
projected over the whole sheet, and is within twice the cell limit. Else it is parsed
once the scan has finished and found the sheet fit to be read densely, as before.

A sheet of COPY_FROM bytes and more that is not cut (one core reads) is copied so, in one
part: a part is parsed unzipped, and its rows once instead of twice (NO_MERGES), which
took a 300,000-row sheet's parse from 1.9-2.2 s to 1.2 s.

The parts are stored uncompressed in /dev/shm when it has room (memory, so writing them
costs about 0.07 s for that sheet), else in the temporary folder, and are removed once
parsed. Whatever goes wrong with them (no room, parts that overlap because the sheet's
rows are out of order, calamine refusing a part), the sheet is read whole as before.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterable
from pathlib import Path
from typing import IO, Any

import numpy as np

from migrator.read.cells import BLANK, without_blank_end
from migrator.read.model import SheetCells
from migrator.read.xlsxcount import SHEET_DATA

SPLIT_FROM = 16 << 20
"""A sheet's XML at least this large (unzipped) is parsed in parts..."""
PART_BYTES = 8 << 20
"""...each of at least this many bytes: a part costs a thread, its own parse of the
shared strings and a copy of the other members."""
MAX_PARTS = 4
SHM = "/dev/shm"
PREFIX = "migrator-parts-"
"""The part workbooks' folder is made in SHM (or the temporary folder) named with this
prefix and the reading process's id."""

_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
_SHARED_STRINGS = "xl/sharedStrings.xml"
"""Where calamine looks for the shared strings: a sheet without rows needs none."""
NO_MERGES = b'<%bmergeCells count="0"></%bmergeCells>'
"""Written into each part before <sheetData> (with the sheet's element prefix).

Why: python-calamine reads a sheet's merged ranges with each sheet it parses, by reading
the sheet's XML a second time up to its first <mergeCells>, which follows the rows: 0.35 s
of a 1.05 s parse of 63 MB of rows. This one comes first and holds none; the sheet's own
are read from a workbook of its XML without the rows (`merges`, `merged_ranges`)."""
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
"""The sheet's root element, the first in its head that is not a declaration."""
_HEAD_MAX = 16 << 20
"""The head before <sheetData> (column widths, views) kept to start each part with."""


COPY_FROM = 4 << 20
"""A sheet's XML at least this large is parsed from a copy, in one part, when it is not cut
in two or more: python-calamine then reads its rows once (NO_MERGES), and unzipped."""


def parts_for(size: int, threads: int) -> int:
    """Parts to cut a sheet of `size` unzipped bytes into, given `threads`; 0 when the
    sheet is parsed from the workbook itself (small, or parsed ahead: SheetsAhead). One
    part more than threads: the first is parsed while the scan still reads the others."""
    if size < SPLIT_FROM or threads < 2:
        return 1 if threads < 2 and size >= COPY_FROM else 0
    return max(2, min(threads + 1, MAX_PARTS, size // PART_BYTES))


FIRST = 0.5
"""The first part's size, against each of the others': this thread tidies its rows
while the threads still parse the others (`tidied_parts`), so the sooner it is parsed
the better. The read benchmark's sheet in 3 parts, medians of 5 twice: 0.3 1.25-1.32 s,
0.5 1.24-1.26 s, 1.0 1.28-1.29 s."""

Opener = Callable[[Path], Any]
"""Opens a part workbook with calamine."""


class PartParse:
    """One part workbook parsed in a thread; `sheet()` waits for it."""

    def __init__(self, path: Path, sheet: str, opener: Opener, here: bool = False) -> None:
        """`here`: parsed in the calling thread, now."""
        self._path, self._name, self._opener = path, sheet, opener
        self._book: Any = None
        self._sheet: Any = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if here:
            self._parse()
        else:
            self._thread = threading.Thread(target=self._parse, name="migrator-part",
                                            daemon=True)
            self._thread.start()

    def _parse(self) -> None:
        try:
            self._book = self._opener(self._path)
            if os.name == "posix":  # open, the part stays readable; a killed read leaves none
                self._path.unlink(missing_ok=True)
            self._sheet = self._book.get_sheet_by_name(self._name)
        except BaseException as err:  # raised when its part comes, in the caller's thread
            self._error = err

    def _wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def sheet(self) -> Any:
        """The parsed sheet, no longer held here: calamine's cells (about the size of
        their Python values) are freed as soon as the taker is done with them. Raises
        what the parse raised."""
        self._wait()
        if self._error is not None:
            raise self._error
        sheet, self._sheet = self._sheet, None
        return sheet

    def close(self) -> None:
        """Wait for the parse, and let go of the workbook."""
        self._wait()
        self._sheet = None
        book, self._book = self._book, None
        if book is not None:
            book.close()


class SheetSplitter:
    """Fed a sheet's XML in chunks cut between tags (the scan's); writes `parts` part
    workbooks cut at the first row after each share of `size` bytes (the first FIRST of
    the others).

    Given the workbook it reads (`source`) and an `opener`, it completes each part as
    the next begins and starts parsing it (`early`) when the counts say it may (see the
    module's docstring); `max_area` is the largest dense area it may start one for."""

    def __init__(self, sheet: str, member: str, size: int, parts: int, *,
                 source: Path | None = None, opener: Opener | None = None,
                 max_area: int = 0) -> None:
        self.sheet, self.member = sheet, member
        self._size = size
        self._source, self._opener, self._max_area = source, opener, max_area
        self._members: list[tuple[str, bytes]] | None = None  # the source's other members
        self._end = b""  # the sheet's root end tag (</worksheet>), from its head
        self._ended: list[int] = []  # parts whose rows are all written, not yet completed
        self.early: dict[int, PartParse] = {}
        """Parts completed and being parsed while the scan still reads the sheet."""
        whole = FIRST + parts - 1
        self._shares = [int(size * (FIRST + k) / whole) for k in range(parts - 1)]
        self._folder: Path | None = None
        self._books: list[zipfile.ZipFile] = []
        self._open: list[IO[bytes]] = []
        self._head = b""  # the member up to <sheetData>, once found
        self._part_head = b""  # the same with NO_MERGES before <sheetData>: each part's start
        self._after: list[bytes] | None = None  # the member from </sheetData> on, once seen
        self.merges: Path | None = None  # the workbook that holds the sheet's merged ranges
        self._row: re.Pattern[bytes] | None = None  # a row's start tag, once the prefix is known
        self._close = b""  # </sheetData>, with the prefix
        self._seen = 0  # bytes of the member fed so far
        self._holds_row = False  # whether a row is written into the last part
        self._tail = b""  # the member's last bytes, for its end tag
        self.failed = False

    def feed(self, data: bytes, counted: SheetCells | None = None) -> None:
        """The next chunk of the sheet's XML; `counted`: what the sheet holds up to the
        end of this chunk (scan.py)."""
        if self.failed:
            return
        try:
            self._feed(data)
            if self._ended and self._may_parse(counted):
                self._parse_ended()
        except (OSError, zipfile.BadZipFile, zlib.error, EOFError):
            self.discard()  # no room for the parts, or a damaged member: read it whole
            self.failed = True

    def _may_parse(self, counted: SheetCells | None) -> bool:
        """Whether a dense read of any part so far is bounded: by the sheet's dimension,
        which every cell so far lies inside, and which the cells so far, projected over
        the sheet, would fill as a dense read of the whole must."""
        if counted is None or counted.area is None or self._opener is None \
                or self._source is None or not self._end or counted.area > self._max_area:
            return False
        projected = counted.cells * self._size // max(self._seen, 1)
        return SheetCells(projected, counted.area).fits_densely()

    def _parse_ended(self) -> None:
        """Complete the parts whose rows are all written, and start parsing them."""
        assert self._source is not None and self._opener is not None
        if self._members is None:
            self._members = list(workbook_members(self._source))
        for k in self._ended:
            member = self._open[k]
            member.write(self._close + self._end)
            member.close()
            book = self._books[k]
            for name, data in self._members:
                book.writestr(name, data)
            book.close()
            self.early[k] = PartParse(Path(str(book.filename)), self.sheet, self._opener)
        self._ended = []

    def _feed(self, data: bytes) -> None:
        start = self._seen
        self._seen += len(data)
        self._tail = (self._tail + data[-256:])[-256:]
        if self._row is None:
            self._head += data
            found = SHEET_DATA.search(self._head)
            if found is None:
                if len(self._head) > _HEAD_MAX:
                    self.failed = True
                return
            if found.group(2):  # <sheetData/>: nothing to cut
                self.failed = True
                return
            prefix = found.group(1) or b""
            self._row = re.compile(b"<" + re.escape(prefix) + rb"row[\s>/]")
            self._close = b"</" + prefix + b"sheetData>"
            root = _ROOT.search(self._head, 0, found.start())
            self._end = b"</" + root.group(1) + b">" if root else b""
            head, self._head = self._head, self._head[: found.end()]
            self._part_head = (head[: found.start()] + NO_MERGES % (prefix, prefix)
                               + head[found.start():found.end()])
            start = self._seen - (len(head) - found.end())
            data = head[found.end():]
            self._start_part()
        while len(self._open) <= len(self._shares) and start + len(data) > self._share():
            # the first row after the share, and never the part's first: no part is empty
            low = self._share() - start
            if not self._holds_row:
                first = self._row.search(data)
                if first is None:
                    break
                low = max(low, first.start() + 1)
            at = self._row.search(data, max(0, low))
            end = data.find(self._close)
            if at is None or (end >= 0 and end < at.start()):
                break  # the next part starts in a later chunk, or never (no row after)
            self._open[-1].write(data[: at.start()])
            start += at.start()
            data = data[at.start():]
            self._ended.append(len(self._open) - 1)
            self._start_part()
        self._open[-1].write(data)
        if not self._holds_row:
            self._holds_row = self._row.search(data) is not None
        if self._after is not None:
            self._after.append(data)
        elif (end := data.find(self._close)) >= 0:
            self._after = [data[end:]]

    def _share(self) -> int:
        return self._shares[len(self._open) - 1]

    def _start_part(self) -> None:
        if self._folder is None:
            room = _room(self._size)
            _sweep(Path(room or tempfile.gettempdir()))
            self._folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=room))
        book = zipfile.ZipFile(self._folder / f"part{len(self._books)}.xlsx", "w",
                               zipfile.ZIP_STORED)
        self._books.append(book)
        self._open.append(book.open(self.member, "w"))
        self._open[-1].write(self._part_head)
        self._holds_row = False

    def close(self) -> None:
        """The sheet's XML ended: every part but the last gets the end tags."""
        if self.failed or not self._open:
            return
        ends = self._tail.rfind(b"</")
        last = self._tail[ends:] if ends >= 0 else b""
        try:
            for k, member in enumerate(self._open):
                if k in self.early:
                    continue
                if k < len(self._open) - 1:
                    member.write(self._close + last)
                member.close()
        except OSError:
            self.discard()
            self.failed = True
        self._open = []

    def finish(self, path: Path) -> list[Path]:
        """The part workbooks, each completed with the members of the workbook at `path`
        but its worksheets; [] when they cannot be used. When the sheet holds merged
        ranges, `merges` names a workbook of its XML without its rows."""
        if self.failed or not self._books or self._after is None:
            self.discard()
            return []
        assert self._folder is not None
        sheet = self._head + b"".join(self._after)
        merges = self._folder / "merges.xlsx" if b"mergeCell" in sheet else None
        try:
            with contextlib.ExitStack() as stack:
                rowless = None
                if merges is not None:
                    rowless = stack.enter_context(zipfile.ZipFile(merges, "w",
                                                                  zipfile.ZIP_STORED))
                    rowless.writestr(self.member, sheet)
                books = [b for k, b in enumerate(self._books) if k not in self.early]
                for name, data in self._members or workbook_members(path):
                    for book in books:
                        book.writestr(name, data)
                    if rowless is not None and name != _SHARED_STRINGS:
                        rowless.writestr(name, data)
            for book in books:
                book.close()
            self._members = None
        except (OSError, zipfile.BadZipFile):
            self.discard()
            return []
        self.merges = merges
        return [Path(str(b.filename)) for b in self._books]

    def discard(self) -> None:
        """Remove the parts (when read, or when they cannot be used), once the parses
        started early have ended."""
        for parse in self.early.values():
            parse.close()
        self._members = None
        for member in self._open:
            try:
                member.close()
            except (OSError, ValueError):
                pass
        for book in self._books:
            try:
                book.close()
            except (OSError, ValueError):
                pass
        self._open, self._books = [], []
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def workbook_members(path: Path, shared_strings: bool = True
                     ) -> Generator[tuple[str, bytes], None, None]:
    """Each member of the .xlsx at `path` but its worksheets (and its shared strings, unless
    `shared_strings`), with its bytes: what calamine reads besides the sheet it parses."""
    with zipfile.ZipFile(path) as source:
        for info in source.infolist():
            if not _WORKSHEET.fullmatch(info.filename) \
                    and (shared_strings or info.filename != _SHARED_STRINGS):
                yield info.filename, source.read(info)


def _room(size: int) -> str | None:
    """/dev/shm when it is there with room to spare for parts of `size` bytes in all (they
    then never touch a disk); else None, the temporary folder."""
    try:
        stat = os.statvfs(SHM)
    except (AttributeError, OSError):
        return None
    return SHM if stat.f_bavail * stat.f_frsize > 2 * size + (256 << 20) else None


def _sweep(folder: Path) -> None:
    """Remove the part folders of processes that ended without removing them (killed while
    reading): in /dev/shm they would hold memory until the machine restarts."""
    if os.name != "posix":  # elsewhere os.kill(pid, 0) is no question, and files in use stay
        return
    for old in folder.glob(PREFIX + "*"):
        pid = old.name[len(PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's, say
        return True
    return True


def parsed_parts(paths: list[Path], sheet: str, opener: Opener,
                 early: dict[int, PartParse] | None = None) -> Generator[Any, None, None]:
    """The sheet of each part workbook, in order, as each is parsed: those in `early`
    already are, in threads; of the others the first part is parsed here, the rest in
    threads meanwhile. `opener(path)` opens a workbook. Raises what a parse raised when
    its part comes. Closed early, it waits for the threads' parses."""
    parses = dict(early or {})
    for k in range(1, len(paths)):
        if k not in parses:
            parses[k] = PartParse(paths[k], sheet, opener)
    try:
        if 0 not in parses:
            parses[0] = PartParse(paths[0], sheet, opener, here=True)
        for k in range(len(paths)):
            yield parses[k].sheet()
    finally:
        for parse in parses.values():
            parse.close()


Tidy = Callable[[list[list[Any]]], tuple[np.ndarray, np.ndarray]]
"""Cleans rows of one length in place; their cells and kinds (cells.clean_dense)."""


def tidied_parts(sheets: Iterable[Any], tidy: Tidy
                 ) -> tuple[list[list[Any]], np.ndarray, np.ndarray, int, int] | None:
    """The parts' rows as one dense sheet laid out from A1, as calamine's to_python lays
    out the whole sheet, each part tidied as soon as it comes (while later parts still
    parse): its rows, their cells and kinds, and its last row and column (0-based); None
    when the parts overlap (rows out of order), so that the sheet is read whole. A part
    is let go of once its rows are Python values."""
    blocks: list[tuple[list[list[Any]], np.ndarray, np.ndarray]] = []
    laid, width = 0, 0  # rows laid so far, and columns

    def blank(rows: int, columns: int) -> tuple[list[list[Any]], np.ndarray, np.ndarray]:
        cells = np.full((rows, columns), None, dtype=object)
        return ([[None] * columns for _ in range(rows)], cells,
                np.full((rows, columns), BLANK, dtype=np.int8))

    for part in sheets:
        if part.start is None:
            continue
        first, left = part.start
        if first < laid:
            return None
        columns = part.end[1] + 1
        rows = part.to_python(skip_empty_area=True)
        del part
        if left:
            for row in rows:
                row[:0] = [""] * left
        if columns < width:  # as wide as a part before, not widened once tidied
            for row in rows:
                row.extend([None] * (width - columns))
            columns = width
        if first > laid:
            blocks.append(blank(first - laid, columns))
        blocks.append((rows, *tidy(rows)))
        laid, width = first + len(rows), max(width, columns)
    if not blocks:  # no part holds a cell: the whole read says what that sheet is
        return None
    for k, (rows, cells, kinds) in enumerate(blocks):
        short = width - cells.shape[1]
        if short:
            for row in rows:
                row.extend([None] * short)
            extra = blank(len(rows), short)
            blocks[k] = (rows, np.hstack([cells, extra[1]]), np.hstack([kinds, extra[2]]))
    rows = [row for block in blocks for row in block[0]]
    cells = np.concatenate([block[1] for block in blocks])
    kinds = np.concatenate([block[2] for block in blocks])
    del blocks
    last = len(rows) - 1
    return (*without_blank_end(rows, cells, kinds), last, width - 1)


def merged_ranges(split: SheetSplitter, opener: Any) -> list[Any]:
    """The merged ranges of the sheet cut by `split` (finished), as calamine gives them
    ((first row, column), (last row, column)); `opener(path)` opens a workbook."""
    if split.merges is None:
        return []
    book = opener(split.merges)
    try:
        return list(book.get_sheet_by_name(split.sheet).merged_cell_ranges or [])
    finally:
        book.close()


class SheetsAhead:
    """The sheets of a workbook parsed one ahead, in a thread, while the caller tidies the
    sheet before (its cells made Python values and cleaned).

    Why: calamine parses without the GIL and tidying holds it, so the two overlap on two
    cores: a workbook of 8 department sheets of 12,500 rows each reads in 1.63 -> 1.34 s
    (median of 7, interleaved; calamine's parses, 0.88 s of it, now bound it).
    python-calamine lends the workbook to one parse at a time, so the caller leaves it
    alone between asking for one sheet and the next (`sheet`), and closes this first.
    """

    def __init__(self, book: Any, names: list[str], on: bool) -> None:
        """`names`: the sheets the caller will ask for whole, in that order."""
        self._book, self._names, self._on = book, names, on
        self._thread: threading.Thread | None = None
        self._done: dict[str, tuple[Any, BaseException | None]] = {}
        if on and names:
            self._start(names[0])

    def sheet(self, name: str) -> Any:
        """The sheet `name` parsed (ahead, if it was next); then the next one begins."""
        self._wait()
        parsed, error = self._done.pop(name, (None, None))
        if error is not None:
            raise error
        if parsed is None:
            parsed = self._book.get_sheet_by_name(name)
        if self._on and name in self._names:
            after = self._names.index(name) + 1
            if after < len(self._names):
                self._start(self._names[after])
        return parsed

    def _start(self, name: str) -> None:
        def parse() -> None:
            try:
                self._done[name] = (self._book.get_sheet_by_name(name), None)
            except BaseException as err:  # raised when the caller asks for this sheet
                self._done[name] = (None, err)

        self._thread = threading.Thread(target=parse, name="migrator-sheet", daemon=True)
        self._thread.start()

    def _wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def close(self) -> None:
        """Wait for a parse under way, and drop what was parsed and not asked for."""
        self._wait()
        self._done.clear()
