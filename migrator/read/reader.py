"""read_sources: files in, SourceTables out, every file checked before it is parsed."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from os import PathLike
from pathlib import Path

from migrator.errors import ReadError
from migrator.gcpause import fewer_collections, no_collections
from migrator.progress import Progress, now_iso, silent
from migrator.read.card import Card, cards_table, find_cards
from migrator.read.csvfile import read_csv_grid
from migrator.read.detect import detect_tables
from migrator.read.excel import read_workbook
from migrator.read.guard import FileKind, check_source
from migrator.read.model import Grid
from migrator.read.settings import ReadOptions
from migrator.read.workers import Helper, helpers_available, plan
from migrator.tables import SkippedSheet, SourceFile, SourceTable, SourceTables


@fewer_collections()
def read_sources(paths: Iterable[str | PathLike[str]], *,
                 options: ReadOptions | None = None,
                 progress: Progress | None = None,
                 meanwhile: Callable[[], object] | None = None,
                 early: Callable[[SourceTables, Callable[[], bool]], object] | None = None
                 ) -> SourceTables:
    """Read every table of every file, with lineage; refuse unusable files in one sentence.

    >>> tables = read_sources(["sample_data/顧客台帳.xlsx"])
    >>> tables[0].header_rows
    [4, 5]

    Raises ReadError for the first file that cannot be used; nothing is returned then.
    `progress` is told the bytes read so far, file by file. Large files are read by
    helper processes on the other cores (see `workers`); `meanwhile` is work this process
    does while they read (the pipeline imports the validation engine). `seconds` is how
    long reading took; `meanwhile_seconds` how much longer the call took for `meanwhile`
    (none while the helpers were still reading). `early(tables, waiting)` is work on
    the tables this process read, done after `meanwhile` while helpers still read:
    `waiting()` is True until the first of them begins its answer (the pipeline cleans
    columns ahead then); `early_seconds` is how much longer the call took for it.
    """
    started, clock, wall = now_iso(), time.perf_counter(), time.time()
    options = options or ReadOptions()
    files = [Path(p) for p in paths]
    sizes = [_size(p) for p in files]
    total = sum(sizes)
    tick = progress or silent
    tick("reading", 0, total)
    spare = helpers_available()
    chosen = plan(sizes, meanwhile=meanwhile is not None, helpers=spare,
                  early=early is not None)
    if options.sheet_threads is None:  # the idle cores parse ahead (split.py)
        alone = meanwhile is None and early is None and not any(chosen)
        options = replace(options, sheet_threads=1 + spare if alone else 1)
    helpers = []
    for h in sorted(set(chosen) - {0}):
        try:
            helpers.append(Helper.start([i for i, w in enumerate(chosen) if w == h], files,
                                        options))
        except OSError:  # no process could be started: read its share here
            chosen = [0 if w == h else w for w in chosen]
    found: dict[int, SourceTables | BaseException] = {}

    def read_here(indexes: list[int]) -> None:
        for i in indexes:
            try:
                found[i] = read_one(files[i], options)
            except ReadError as error:
                found[i] = error
                return
            tick("reading", sum(sizes[j] for j in found), total)

    try:
        read_here([i for i, w in enumerate(chosen) if w == 0])
        own, busy, extra = time.perf_counter() - clock, 0.0, 0.0
        failed = any(isinstance(v, BaseException) for v in found.values())
        if meanwhile is not None and not failed:
            meanwhile()
            busy = time.perf_counter() - clock - own
        if early is not None and helpers and not failed:
            early(_joined([t for _, t in sorted(found.items()) if isinstance(t, SourceTables)]),
                  lambda: not any(h.answering() for h in helpers))
            extra = time.perf_counter() - clock - own - busy
        for helper in helpers:
            if any(isinstance(v, BaseException) and k < min(helper.indexes)
                   for k, v in found.items()):
                continue  # an earlier file already failed: what it read is not needed
            answer = helper.outcome(files)
            if answer is None:
                read_here(helper.indexes)  # this process's own work after all
                own = time.perf_counter() - clock - busy
                continue
            found.update(zip(helper.indexes, answer, strict=False))
            tick("reading", sum(sizes[j] for j in found), total)
    finally:
        for helper in helpers:
            helper.stop()
    result = SourceTables(started_at=started)
    for i in range(len(files)):
        if i not in found:
            continue
        part = found[i]
        if isinstance(part, BaseException):
            raise part
        result.extend(part)
        result.skipped_sheets.extend(part.skipped_sheets)
        result.files.extend(part.files)
    # `meanwhile` added only what it outlasted the slowest reader by, which its caller counts
    # as its own; the rest of the wall time is reading's, stopping the helpers and joining
    # their tables included (on a busy machine that can take a tenth of a second)
    read = max([own, *(h.finished - wall for h in helpers)])
    elapsed = time.perf_counter() - clock
    result.meanwhile_seconds = min(max(0.0, own + busy - read), elapsed)
    # `early` likewise: only what it outlasted the slowest reader and `meanwhile` by
    result.early_seconds = min(max(0.0, own + busy + extra - max(read, own + busy)),
                               elapsed - result.meanwhile_seconds)
    result.seconds = elapsed - result.meanwhile_seconds - result.early_seconds
    return result


def _joined(parts: list[SourceTables]) -> SourceTables:
    """Several files' tables as one SourceTables, in the order given."""
    joined = SourceTables()
    for part in parts:
        joined.extend(part)
    return joined


def read_one(path: Path, options: ReadOptions) -> SourceTables:
    """`read_file`, with the file's size and hash in `files` (what the run report lists)."""
    with no_collections():
        found = read_file(path, options)
    found.files.append(SourceFile(path, _sha256(path), _size(path)))
    return found


def _sha256(path: Path) -> str:
    """The file's SHA-256, for the run report (read in blocks: workbooks can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _size(path: Path) -> int:
    """Bytes of `path` (progress units); 0 when it cannot be seen, read_file says why."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def read_file(path: Path, options: ReadOptions) -> SourceTables:
    """The tables of one file; a file with none is an error."""
    name = path.name
    kind = check_source(path, name, options.limits)
    if kind == FileKind.TEXT:
        grids: list[Grid] = [read_csv_grid(path, name, options)]
        skipped: list[SkippedSheet] = []
    else:
        grids, skipped = read_workbook(path, name, kind, options)
    tables = grids_to_tables(grids, skipped)
    if not tables:
        raise ReadError(name, _no_table(kind, tables.skipped_sheets))
    return tables


def grids_to_tables(grids: list[Grid], skipped: list[SkippedSheet]) -> SourceTables:
    """Card sheets become one card table; every other sheet is searched for tables."""
    result = SourceTables(skipped_sheets=skipped)
    cards: list[Card] = []
    for grid in grids:
        found_cards = find_cards(grid) if grid.sheet is not None else None
        if found_cards is not None:
            cards.extend(found_cards)
            continue
        found = detect_tables(grid)
        if not found:
            result.skipped_sheets.append(SkippedSheet(grid.file, grid.sheet or "", "no table"))
        result.extend(found)
    if cards:
        result.insert(0, cards_table(cards))
    if not result:
        # Nothing looked like a table (a lone text cell): read what is there rather than
        # refuse it; the rows keep their lineage and later stages judge them.
        for grid in grids:
            result.extend(detect_tables(grid, loose=True))
        if result:
            result.skipped_sheets = [s for s in result.skipped_sheets if s.reason != "no table"]
    return result


def _no_table(kind: FileKind, skipped: list[SkippedSheet]) -> str:
    if kind == FileKind.TEXT:
        return "holds no table (no rows with values were found)"
    hidden = sum(1 for s in skipped if s.reason in ("hidden", "very hidden"))
    if hidden:
        return (f"holds no table in its visible sheets; pass --include-hidden to read "
                f"its {hidden} hidden sheet(s)")
    return "holds no table in any sheet (every sheet is empty, a chart, or has no rows of data)"


__all__ = ["SourceTable", "SourceTables", "read_file", "read_sources"]
