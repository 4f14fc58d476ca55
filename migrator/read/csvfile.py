"""Delimited text → Grid: encoding and delimiter detected, every value kept as text.

Nothing is inferred here: `007` stays `007`, rows stay ragged, and finding the header
is left to migrator.read.detect, as for a sheet.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from itertools import islice
from pathlib import Path
from typing import cast

from migrator.errors import ReadError
from migrator.read.cells import JOINED_DIRTY, clean_text
from migrator.read.encoding import detect_encoding
from migrator.read.guard import check_columns
from migrator.read.model import Grid
from migrator.read.settings import ReadLimits, ReadOptions

DELIMITERS = ",\t;|"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
"""A line with its ending, as io.StringIO(newline="") splits them for csv.reader."""
_SAMPLE_CHARS = 65536
_SAMPLE_RECORDS = 50
_SNIFF_CHARS = 4096


def read_csv_grid(path: Path, display_name: str, options: ReadOptions) -> Grid:
    """The records of a CSV/TSV file as a Grid of text cells, one row per record.

    The caller has checked the file's size; an undecodable file is a ReadError.
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        problem = (err.strerror or type(err).__name__).lower()
        raise ReadError(display_name, f"cannot be opened ({problem})") from err
    text, encoding, method = decode_text(data, display_name, options.encoding)
    default = "\t" if path.suffix.lower() == ".tsv" else ","
    delimiter = detect_delimiter(text, default)
    rows = parse_rows(text, delimiter, display_name, options.limits)
    details = {"encoding": encoding, "delimiter": delimiter, "encoding_method": method}
    return Grid(file=display_name, sheet=None, rows=rows, merged=[], details=details)


def decode_text(data: bytes, display_name: str, encoding: str | None) -> tuple[str, str, str]:
    """(text, codec, method): decoded with the codec the user named, else the detected one.

    A leading BOM is dropped either way: it is never data.
    """
    if encoding is None:
        guess = detect_encoding(data, display_name)
        return data.decode(guess.name).removeprefix("\ufeff"), guess.name, guess.method
    try:
        codecs.lookup(encoding)
        text = data.decode(encoding)
    except LookupError:
        raise ReadError(display_name, f'cannot be decoded with --encoding "{encoding}", '
                        "which is not a text encoding Python knows (try utf-8, cp932, "
                        "euc_jp or latin-1)") from None
    except UnicodeError as err:
        raise ReadError(display_name, f"is not valid {encoding} text ({_where(err)}); "
                        "pass the right --encoding or leave it out to detect one") from None
    return text.removeprefix("\ufeff"), encoding, "option"


def _where(err: UnicodeError) -> str:
    if isinstance(err, UnicodeDecodeError):
        return f"byte 0x{err.object[err.start]:02x} at offset {err.start}"
    return str(err)


def detect_delimiter(text: str, default: str = ",") -> str:
    """The delimiter among `, tab ; |` that splits the first records most consistently.

    csv.Sniffer's pick breaks ties, then `default`; with no delimiter splitting the
    records into more than one field, `default`. For a .tsv (default tab), tab wins
    whenever it splits the records at all.
    """
    chunk, truncated = _sample(text)
    scores = {d: _consistency(_records(chunk, truncated, d)) for d in DELIMITERS}
    if default == "\t" and scores["\t"][0]:
        return default
    sniffed = _sniff(chunk)
    order = [d for d in (sniffed, default, *DELIMITERS) if d is not None]
    best = max(order, key=lambda d: scores[d])  # max keeps the first of equals
    return best if scores[best][0] else default


def parse_rows(text: str, delimiter: str, display_name: str,
               limits: ReadLimits | None = None) -> list[list[str | None]]:
    """Every record as a row: cells through clean_text, trailing blanks dropped, ragged kept.

    Most rows need no cleaning; one regex search over the joined row tells, so a
    100,000-row file costs one search per row instead of one call per cell. A record
    wider than limits.max_columns, or fields past limits.max_cells, stop the parse there.
    """
    limits = limits or ReadLimits()
    lines = (m.group() for m in _LINE.finditer(text))  # StringIO would copy it as UCS-4
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', strict=False)
    rows: list[list[str | None]] = []
    dirty, append = JOINED_DIRTY.search, rows.append
    fields, widest, most = 0, limits.max_columns, limits.max_cells
    try:
        for record in reader:
            fields += len(record)
            if len(record) > widest or fields > most:
                _too_big(display_name, len(record), fields, reader.line_num, limits)
            if dirty("\x1f" + "\x1f".join(record) + "\x1f"):
                cells = [clean_text(c) for c in record]
            elif "" in record:
                cells = [c or None for c in record]
            else:
                append(cast(list[str | None], record))  # clean and full: kept as it is
                continue
            while cells and cells[-1] is None:
                cells.pop()
            append(cells)
    except csv.Error as err:
        raise ReadError(display_name, _csv_problem(err, reader.line_num)) from None
    return rows


def _too_big(display_name: str, width: int, fields: int, line: int,
             limits: ReadLimits) -> None:
    check_columns(display_name, f"on line {line:,}", width, limits)
    raise ReadError(display_name, f"holds more than {limits.max_cells:,} cells by line "
                    f"{line:,}, the limit for one file; raise --max-cells if the file is trusted")


def _csv_problem(err: csv.Error, line: int) -> str:
    if "field limit" in str(err):
        return (f"has a field longer than {csv.field_size_limit():,} characters (by line "
                f"{line:,}), most likely from a quote that is never closed; close it and "
                "try again")
    return f"is not valid CSV at line {line:,} ({err}); check its quoting"


def _sample(text: str) -> tuple[str, bool]:
    """The start of the text that detection looks at, and whether the text goes on."""
    return text[:_SAMPLE_CHARS], len(text) > _SAMPLE_CHARS


def _records(chunk: str, truncated: bool, delimiter: str) -> list[list[str]]:
    """The first complete records of `chunk` split by `delimiter`, quotes respected."""
    reader = csv.reader(io.StringIO(chunk, newline=""), delimiter=delimiter, strict=False)
    try:
        records = list(islice(reader, _SAMPLE_RECORDS + 1))
    except csv.Error:  # a field over the limit: no evidence here; parse_rows will say so
        return []
    if truncated and len(records) <= _SAMPLE_RECORDS:
        records = records[:-1]  # the chunk may end inside its last record
    return records[:_SAMPLE_RECORDS]


def _consistency(records: list[list[str]]) -> tuple[bool, float]:
    """(the commonest field count is above 1, the share of non-blank records that have it)."""
    widths = [len(r) for r in records if any(f.strip() for f in r)]
    if not widths:
        return False, 0.0
    width, count = Counter(widths).most_common(1)[0]
    return width > 1, count / len(widths)


def _sniff(chunk: str) -> str | None:
    """csv.Sniffer's delimiter for the first lines, if it finds one of ours.

    The Sniffer's quote regex is quadratic on lines full of quotes, so it sees 4 KiB
    at most, cut at a line end.
    """
    lines = "".join(chunk.splitlines(keepends=True)[:_SAMPLE_RECORDS])
    if len(lines) > _SNIFF_CHARS:
        head = lines[:_SNIFF_CHARS]
        cut = max(head.rfind("\n"), head.rfind("\r"))
        lines = head[:cut + 1] if cut > 0 else head
    try:
        delimiter = csv.Sniffer().sniff(lines, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return None
    return delimiter if delimiter in DELIMITERS else None
