"""Damaged and hostile variants of the repository's own spreadsheets, for the read tests.

Bombs are built small on disk and large once read: an ODS whose rows repeat a million
times, a CSV a hundred thousand columns wide. Nothing here is committed as a file;
every test writes what it needs into its tmp_path.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:spreadsheet>")
_ODS_TAIL = "</office:spreadsheet></office:body></office:document-content>"
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type='
    '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
    'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')


def ods_cell(text: str, repeat: int = 1) -> str:
    """A string cell, repeated across `repeat` columns."""
    times = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return (f'<table:table-cell office:value-type="string"{times}><text:p>{text}</text:p>'
            "</table:table-cell>")


def ods_row(cells: str, repeat: int = 1) -> str:
    """A row of `cells` XML, repeated down `repeat` rows."""
    times = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{times}>{cells}</table:table-row>"


def ods_bytes(tables: dict[str, str]) -> bytes:
    """A minimal valid .ods: sheet name → its rows' XML."""
    body = "".join(f'<table:table table:name="{name}">{rows}</table:table>'
                   for name, rows in tables.items())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                    zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", _MANIFEST, zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", _ODS_HEAD + body + _ODS_TAIL, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def wide_csv(columns: int, rows: int = 1) -> bytes:
    """A header `c0,c1,...` and `rows` rows of numbers, `columns` wide."""
    header = ",".join(f"c{i}" for i in range(columns))
    row = ",".join(str(i) for i in range(columns))
    return ("\n".join([header, *[row] * rows]) + "\n").encode()


def peak_rss_mb() -> int:
    """This process's peak resident memory in MB (VmHWM: unlike ru_maxrss, it starts
    again at exec, so a child forked from a large test process measures only itself)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
