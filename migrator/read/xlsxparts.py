"""Which zip member holds which worksheet of an .xlsx, and whether it is visible.

Read from xl/workbook.xml and its relationships with a streaming parser, the way
python-calamine resolves them, so that the scan can count a sheet's cells by name
before calamine opens it.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError, iterparse

from migrator.read.guard import FileKind

_WORKBOOK = "xl/workbook.xml"
_RELS = "xl/_rels/workbook.xml.rels"


_VALUE_PARTS = ("/styles", "/sharedStrings")
"""Parts without which cells still parse, with other values: serials for dates, no text."""


@dataclass(frozen=True)
class SheetPart:
    """One worksheet of a workbook and the zip member that holds it."""

    name: str
    member: str | None
    """The member's name as the zip spells it; None when the workbook's is missing."""
    visible: bool
    """False for hidden and very hidden sheets."""


@dataclass(frozen=True)
class WorkbookParts:
    """The worksheets of an .xlsx in workbook order, and the parts it names but lacks."""

    sheets: list[SheetPart]
    missing: list[str]
    """Styles or shared strings the workbook refers to that the zip does not hold."""


def workbook_parts(zf: zipfile.ZipFile, kind: FileKind) -> WorkbookParts:
    """What the workbook part of an .xlsx lists; nothing for other kinds or when unreadable.

    Unreadable parts are left to calamine, which says what is wrong with them; a sheet
    missing here has no cell count and is read sparsely.
    """
    if kind != FileKind.XLSX:
        return WorkbookParts([], [])
    members = {n.lower(): n for n in zf.namelist()}
    try:
        targets = _targets(zf, members)
        sheets = []
        for name, rid, state in _sheets(zf, members):
            kind_, target = targets.get(rid, ("/worksheet", ""))
            if kind_.endswith("/worksheet"):  # not a chart, dialog or macro sheet
                member = members.get(_resolve(target).lower()) if target else None
                sheets.append(SheetPart(name, member, state not in ("hidden", "veryHidden")))
    except (KeyError, ParseError):
        return WorkbookParts([], [])
    missing = [_resolve(target) for kind_, target in targets.values()
               if kind_.endswith(_VALUE_PARTS) and _resolve(target).lower() not in members]
    return WorkbookParts(sheets, missing)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheets(zf: zipfile.ZipFile, members: dict[str, str]) -> list[tuple[str, str, str]]:
    """(name, relationship id, state) of every <sheet> in the workbook part."""
    found = []
    with zf.open(members[_WORKBOOK]) as f:
        for _, el in iterparse(f):
            if _local(el.tag) == "sheet":
                rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
                found.append((el.get("name", ""), rid, el.get("state", "visible")))
            el.clear()
    return found


def _targets(zf: zipfile.ZipFile, members: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, target) of the workbook's parts inside the package."""
    targets = {}
    with zf.open(members[_RELS]) as f:
        for _, el in iterparse(f):
            if _local(el.tag) == "Relationship" and el.get("TargetMode") != "External":
                targets[el.get("Id", "")] = (el.get("Type", ""), el.get("Target", ""))
            el.clear()
    return targets


def _resolve(target: str) -> str:
    """A relationship target as a member name: relative to xl/, or absolute from the root."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join("xl", target))
