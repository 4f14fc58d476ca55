"""The one writer every target shares: lines → CSV parts within the target's limits.

Each line is rendered and encoded once, so a part is cut exactly where the next line
would pass the row or byte limit (header and BOM counted). Fields holding the delimiter,
a quote or a line break are quoted with inner quotes doubled (RFC 4180), every other
field is written bare, so a header copied from a template keeps its bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from migrator.errors import ExportError
from migrator.export.profile import CrmProfile, FileSpec

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class WrittenFile:
    """One file written: which import file it is a part of, and what it holds."""

    path: Path
    spec: str
    """The FileSpec name (`accounts`)."""
    part: int
    parts: int
    rows: int
    """Data lines, header not counted."""
    bytes: int
    encoding: str


def write_file(profile: CrmProfile, spec: FileSpec, lines: pd.DataFrame, folder: Path, *,
               header: bytes | None = None) -> list[WrittenFile]:
    """Write `lines` (one column per header of `spec`) as one or more parts in `folder`.

    `header` is the header line's exact bytes (a template's), else it is rendered from
    the spec. A single file keeps the spec's name; parts are `<name>-1.csv`, `-2`...
    """
    codec, bom = ("utf-8", BOM) if profile.encoding == "utf-8-sig" else (profile.encoding, b"")
    if profile.max_columns is not None and len(spec.columns) > profile.max_columns:
        raise ExportError(f"{spec.name} has {len(spec.columns)} columns; {profile.title} "
                          f"reads at most {profile.max_columns}")
    head = header if header is not None else _encoded(_render(spec.headers, profile.newline),
                                                      codec, spec.name, "its header")
    if not head.endswith(profile.newline.encode()):
        head += profile.newline.encode()
    parts = list(_parts(profile, spec, lines, codec, len(bom) + len(head)))
    written = []
    many = len(parts) > 1
    for number, (rows, body) in enumerate(parts, start=1):
        path = folder / (f"{spec.name}-{number}.csv" if many else f"{spec.name}.csv")
        data = bom + head + b"".join(body)
        path.write_bytes(data)
        written.append(WrittenFile(path, spec.name, number, len(parts), rows, len(data),
                                   profile.encoding))
    return written


def _parts(profile: CrmProfile, spec: FileSpec, lines: pd.DataFrame, codec: str,
           fixed: int) -> Iterator[tuple[int, list[bytes]]]:
    """(rows, encoded lines) per part; always one part, empty when there are no lines."""
    max_rows = profile.max_rows or len(lines) + 1
    max_bytes = profile.max_bytes
    body: list[bytes] = []
    size = fixed
    values = lines[spec.headers].itertuples(index=False, name=None) if len(lines) else []
    for number, row in enumerate(values, start=2):
        line = _encoded(_render(row, profile.newline), codec, spec.name, f"line {number}")
        if profile.max_line_bytes is not None and len(line) > profile.max_line_bytes:
            raise ExportError(f"line {number} of {spec.name} is {len(line):,} bytes; "
                              f"{profile.title} reads at most {profile.max_line_bytes:,}")
        if max_bytes is not None and fixed + len(line) > max_bytes:
            raise ExportError(f"line {number} of {spec.name} alone passes the "
                              f"{max_bytes:,}-byte file limit of {profile.title}")
        if body and (len(body) >= max_rows
                     or (max_bytes is not None and size + len(line) > max_bytes)):
            yield len(body), body
            body, size = [], fixed
        body.append(line)
        size += len(line)
    yield len(body), body


def _render(values: Sequence[object], newline: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator=newline).writerow(values)
    return buffer.getvalue()


def _encoded(text: str, codec: str, name: str, where: str) -> bytes:
    try:
        return text.encode(codec)
    except UnicodeEncodeError as exc:
        raise ExportError(f"{where} of {name} holds {text[exc.start:exc.end]!r}, which "
                          f"{codec} cannot write") from exc
