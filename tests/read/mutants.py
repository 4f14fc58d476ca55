"""Damaged and hostile variants of the repository's own spreadsheets, for the read tests.

`generate(out, seed)` writes a corpus of over a thousand files into `out`, every one
made from sample_data/ and tests/fixtures/ by a seeded random generator: truncations,
bytes flipped anywhere or inside one zip member (its CRC then wrong), XML damaged with
the CRC right, members dropped or duplicated, types renamed, sheets with far-apart
cells, lying dimensions or no cell positions, CSVs cut, flipped, mixed in encoding,
empty or header-only tables, and bombs that are small on disk and huge once read (ODS
repeats, CSVs 200,000 columns wide, workbooks of many sheets). Nothing is committed:
the tests write it into their tmp_path.
"""

from __future__ import annotations

import io
import random
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.memory import own_peak_kib
from tests.conftest import FIXTURES, SAMPLE_DATA

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
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, RuntimeError,
               NotImplementedError)
"""What zipfile raises for the damaged seeds (tests/fixtures/bad), which are not mutated."""
_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt", ".dat")


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
    return zip_bytes([("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
                      ("META-INF/manifest.xml", _MANIFEST.encode()),
                      ("content.xml", (_ODS_HEAD + body + _ODS_TAIL).encode())])


def wide_csv(columns: int, rows: int = 1) -> bytes:
    """A header `c0,c1,...` and `rows` rows of numbers, `columns` wide."""
    header = ",".join(f"c{i}" for i in range(columns))
    row = ",".join(str(i) for i in range(columns))
    return ("\n".join([header, *[row] * rows]) + "\n").encode()


def peak_rss_mb() -> int:
    """This process's peak resident memory in MB (VmHWM: unlike ru_maxrss, it starts
    again at exec, so a child forked from a large test process measures only itself)."""
    return own_peak_kib() // 1024


def zip_members(data: bytes) -> list[tuple[str, bytes]]:
    """The members of a zip, in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def zip_bytes(members: list[tuple[str, bytes]], level: int = 6) -> bytes:
    """A zip of `members`, deflated (the ODS mimetype stored, as the format asks)."""
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as zf:
        warnings.simplefilter("ignore", UserWarning)  # a doubled member is the point
        for name, data in members:
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            zf.writestr(zipfile.ZipInfo(name, (2024, 4, 1, 9, 0, 0)), data, method, level)
    return out.getvalue()


@dataclass(frozen=True)
class Mutant:
    """One generated file and how it was made."""

    path: Path
    kind: str
    """The mutation, `zip.truncate`, `csv.mixed_encoding`, `bomb.ods_repeats`..."""
    seed: str
    """The file it was made from (or `generated`)."""


Made = Iterator[tuple[str, str, bytes]]
"""What a mutation yields: (kind, file extension, bytes)."""


def seeds() -> list[Path]:
    """The repository's own spreadsheets the corpus is made from."""
    found = [*sorted(SAMPLE_DATA.glob("*.xlsx")), SAMPLE_DATA / "shop_export_cp932.csv"]
    for folder in (FIXTURES / "read", FIXTURES / "bad"):
        found += sorted(p for p in folder.iterdir() if p.is_file()
                        and ".expected." not in p.name and p.name != "zip_bomb.xlsx")
    return found


def generate(out: Path, seed: int = 17) -> list[Mutant]:
    """Write the corpus into `out` (deterministic for a seed); what was written."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    made: list[Mutant] = []

    def write(kind: str, source: str, ext: str, data: bytes) -> None:
        path = out / f"{len(made):04d}_{kind.replace('.', '_')}{ext}"
        path.write_bytes(data)
        made.append(Mutant(path, kind, source))

    for path in seeds():
        data = path.read_bytes()
        mutations: list[Made] = [_renamed(rng, path.suffix, data)]
        if data[:4] == b"PK\x03\x04":
            mutations += [_zip_damage(rng, path.suffix, data), _sheet_damage(rng, data)]
        elif path.suffix in (".csv", ".tsv", ".txt") and data:
            mutations.append(_text_damage(rng, path.suffix, data))
        for mutation in mutations:
            for kind, ext, blob in mutation:
                write(kind, path.name, ext, blob)
    for kind, ext, blob in _bombs(rng):
        write(kind, "generated", ext, blob)
    return made


def _renamed(rng: random.Random, suffix: str, data: bytes) -> Made:
    for ext in rng.sample([e for e in _EXTENSIONS if e != suffix], 3):
        yield "renamed", ext, data


def _flip(rng: random.Random, data: bytes, start: int = 0, end: int | None = None) -> bytes:
    blob = bytearray(data)
    at = rng.randrange(start, len(data) if end is None else end)
    blob[at] ^= rng.randrange(1, 256)
    return bytes(blob)


def _zip_damage(rng: random.Random, suffix: str, data: bytes) -> Made:
    """Damage at the zip level: cut, flipped, members lost, doubled, locked."""
    for _ in range(5):
        yield "zip.truncate", suffix, data[: rng.randrange(1, len(data))]
    for _ in range(5):
        yield "zip.flip_anywhere", suffix, _flip(rng, data)
    try:
        members = zip_members(data)
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except _ZIP_ERRORS:
        return
    packed = [i for i in infos if i.compress_size > 2]
    for info in rng.sample(packed, min(4, len(packed))):
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        yield "zip.flip_in_member", suffix, _flip(rng, data, start, start + info.compress_size)
    for _ in range(4):
        yield "zip.xml_damage", suffix, zip_bytes(_damage_one_xml(rng, members))
    for name, _ in rng.sample(members, min(3, len(members))):
        yield "zip.member_dropped", suffix, zip_bytes([m for m in members if m[0] != name])
    name, blob = rng.choice(members)
    yield "zip.member_doubled", suffix, zip_bytes([*members, (name, blob[: len(blob) // 2])])
    entry = data.rfind(b"PK\x01\x02")
    if entry > 0:
        locked, method = bytearray(data), bytearray(data)
        locked[entry + 8] |= 0x1
        method[entry + 10] = 99  # AES, which no spreadsheet writer uses
        yield "zip.encrypted_flag", suffix, bytes(locked)
        yield "zip.unknown_method", suffix, bytes(method)


def _damage_one_xml(rng: random.Random, members: list[tuple[str, bytes]]
                    ) -> list[tuple[str, bytes]]:
    """One XML member with a slice deleted, doubled or replaced by junk; CRCs right."""
    xml = [i for i, (n, _) in enumerate(members) if n.endswith((".xml", ".rels"))]
    if not xml:
        return members
    i = rng.choice(xml)
    name, blob = members[i]
    at = rng.randrange(max(len(blob), 1))
    cut = blob[at : at + rng.randrange(1, 40)]
    damaged = rng.choice([blob[:at] + blob[at + len(cut):], blob[:at] + cut + cut + blob[at:],
                          blob[:at] + b"<x y='\x00&#0;'>" + blob[at + len(cut):]])
    return [*members[:i], (name, damaged), *members[i + 1:]]


_Sheet = Callable[[random.Random, bytes], bytes]
_ROW = re.compile(rb"<row\b.*?</row>", re.S)


def _far_cell(rng: random.Random, xml: bytes) -> bytes:
    col = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWX") for _ in range(rng.randint(1, 3)))
    row = rng.choice([1048576, rng.randrange(1, 1048577), 70000])
    cell = f'<row r="{row}"><c r="{col}{row}" t="inlineStr"><is><t>end</t></is></c></row>'
    xml = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="A1:{col}{row}"'.encode(), xml)
    return xml.replace(b"</sheetData>", cell.encode() + b"</sheetData>", 1)


_SHEET_MUTATIONS: dict[str, _Sheet] = {
    "far_cell": _far_cell,
    "dimension_lies": lambda rng, xml: re.sub(rb'<dimension ref="[^"]*"',
                                              b'<dimension ref="A1:B2"', xml),
    "no_cell_positions": lambda rng, xml: re.sub(rb'(<c) r="[A-Z]+[0-9]+"', rb"\1", xml),
    "rows_reversed": lambda rng, xml: _ROW.sub(b"", xml).replace(
        b"<sheetData>", b"<sheetData>" + b"".join(reversed(_ROW.findall(xml))), 1),
    "huge_row_number": lambda rng, xml: re.sub(rb'<c r="[A-Z]+[0-9]+"', rb'<c r="A99999999"',
                                               xml, count=1),
    "shared_string_missing": lambda rng, xml: re.sub(rb't="s"><v>[0-9]+</v>',
                                                     rb't="s"><v>999999</v>', xml, count=2),
    "number_garbage": lambda rng, xml: re.sub(rb"<v>[0-9.]+</v>", rb"<v>1e999x</v>", xml,
                                              count=2),
    "date_overflow": lambda rng, xml: re.sub(rb'(s="[1-9][0-9]*"[^>]*>)<v>[0-9.]+</v>',
                                             rb"\1<v>99999999999</v>", xml, count=3),
    "unclosed_sheet_data": lambda rng, xml: xml.replace(b"</sheetData>", b"", 1),
    "empty_sheet": lambda rng, xml: re.sub(rb"<sheetData>.*</sheetData>", b"<sheetData/>",
                                           xml, flags=re.S),
    "header_only": lambda rng, xml: _ROW.sub(b"", xml).replace(
        b"<sheetData>", b"<sheetData>" + (_ROW.findall(xml) or [b""])[0], 1),
}


def _sheet_damage(rng: random.Random, data: bytes) -> Made:
    """The first worksheet of an .xlsx rewritten one way per mutation, CRCs right."""
    try:
        members = zip_members(data)
    except _ZIP_ERRORS:
        return
    sheet = next((i for i, (n, _) in enumerate(members)
                  if n.startswith("xl/worksheets/sheet") and n.endswith(".xml")), None)
    if sheet is None:
        return
    name, xml = members[sheet]
    for kind, mutate in _SHEET_MUTATIONS.items():
        changed = [*members[:sheet], (name, mutate(rng, xml)), *members[sheet + 1:]]
        yield f"sheet.{kind}", ".xlsx", zip_bytes(changed)


def _text_damage(rng: random.Random, suffix: str, data: bytes) -> Made:
    """A CSV cut, flipped, mixed in encoding, emptied, widened, unquoted."""
    lines = data.splitlines(keepends=True)
    for _ in range(4):
        yield "csv.truncate", suffix, data[: rng.randrange(1, len(data))]
    for _ in range(4):
        yield "csv.flip", suffix, _flip(rng, data)
    at = rng.randrange(len(lines))
    cp932 = "C999,株式会社テスト,日本橋1-5-11\r\n".encode("cp932")
    utf8 = "C999,株式会社テスト,日本橋1-5-11\r\n".encode()
    yield "csv.mixed_encoding", suffix, data + (cp932 if _is_utf8(data) else utf8)
    yield "csv.line_in_cp932", suffix, b"".join([*lines[:at], cp932, *lines[at:]])
    yield "csv.bad_byte_pair", suffix, b"".join([*lines[:at], b"C998,\x85\x40\x85\x40\r\n",
                                                 *lines[at:]])
    yield "csv.nul_bytes", suffix, data.replace(b",", b",\x00", 3)
    yield "csv.unclosed_quote", suffix, b"".join([*lines[:at], b'C997,"never closed\r\n',
                                                  *lines[at:]])
    yield "csv.header_only", suffix, lines[0]
    yield "csv.blank_lines_only", suffix, b"\r\n" * rng.randint(1, 50)
    yield "csv.bom_only", suffix, b"\xef\xbb\xbf"
    yield "csv.long_field", suffix, lines[0] + b"x" * rng.randint(100_000, 300_000) + b"\n"
    yield "csv.cr_only", suffix, data.replace(b"\r\n", b"\r").replace(b"\n", b"\r")
    yield "csv.repeated_rows", suffix, lines[0] + b"".join(lines[1:] * 40)
    yield "csv.utf16_no_bom", suffix, data.decode("latin-1").encode("utf-16-le")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _bombs(rng: random.Random) -> Made:
    """Small on disk, huge once read; and tables that are empty or only a header."""
    header = ods_row(ods_cell("会社名") + ods_cell("TEL"))
    for _ in range(30):
        rows, cols = 10 ** rng.randint(0, 7), 10 ** rng.randint(0, 6)
        cell = ods_cell("x", cols) if rng.random() < 0.7 else \
            f'<table:table-cell table:number-columns-repeated="{cols}"/>' + ods_cell("y")
        yield "bomb.ods_repeats", ".ods", ods_bytes({"S": header + ods_row(cell, rows)})
    for _ in range(15):
        yield "bomb.wide_csv", ".csv", wide_csv(rng.choice([20, 5000, 16384, 16385, 200_000]),
                                                rng.randint(0, 3))
    yield "bomb.many_sheets", ".xlsx", _many_sheets(24, 45_000)
    yield "table.ods_header_only", ".ods", ods_bytes({"顧客": header})
    yield "table.ods_empty", ".ods", ods_bytes({"顧客": ""})
    yield "table.csv_empty", ".csv", b""
    yield "table.csv_header_only", ".csv", "顧客コード,会社名\r\n".encode()


def _many_sheets(sheets: int, rows: int) -> bytes:
    """`sheets` sheets of `rows` x 10 numbers: each sheet is fine, together too many."""
    cells = "".join(f'<c r="{c}{{r}}"><v>{k}</v></c>' for k, c in enumerate("ABCDEFGHIJ"))
    body = "".join(f'<row r="{r}">' + cells.replace("{r}", str(r)) + "</row>"
                   for r in range(1, rows + 1))
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<dimension ref="A1:J{rows}"/><sheetData>{body}</sheetData></worksheet>').encode()
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    book = (f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>' + "".join(
        f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, sheets + 1))
        + "</sheets></workbook>")
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships">' + "".join(
                f'<Relationship Id="rId{i}" Type="{rel}/worksheet" '
                f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, sheets + 1))
            + "</Relationships>")
    types = ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="xml" ContentType="application/xml"/></Types>')
    return zip_bytes([("[Content_Types].xml", types.encode()),
                      ("xl/workbook.xml", book.encode()),
                      ("xl/_rels/workbook.xml.rels", rels.encode()),
                      *[(f"xl/worksheets/sheet{i}.xml", sheet) for i in range(1, sheets + 1)]],
                     level=1)
