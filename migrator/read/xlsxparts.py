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


@dataclass(frozen=True)
class SheetPart:
    """One worksheet of a workbook and the zip member that holds it."""

    name: str
    member: str
    """The member's name as the zip spells it."""
    visible: bool
    """False for hidden and very hidden sheets."""


def sheet_members(zf: zipfile.ZipFile, kind: FileKind) -> list[SheetPart]:
    """The worksheets of an .xlsx in workbook order; [] for other kinds or when unreadable.

    Unreadable parts are left to calamine, which says what is wrong with them; a sheet
    missing here has no cell count and is read sparsely.
    """
    if kind != FileKind.XLSX:
        return []
    members = {n.lower(): n for n in zf.namelist()}
    try:
        targets = _worksheet_targets(zf, members)
        sheets = []
        for name, rid, state in _sheets(zf, members):
            member = members.get(_resolve(targets.get(rid, "")).lower())
            if member is not None:
                sheets.append(SheetPart(name, member, state not in ("hidden", "veryHidden")))
    except (KeyError, ParseError):
        return []
    return sheets


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


def _worksheet_targets(zf: zipfile.ZipFile, members: dict[str, str]) -> dict[str, str]:
    """Relationship id → target of the workbook's worksheet relationships."""
    targets = {}
    with zf.open(members[_RELS]) as f:
        for _, el in iterparse(f):
            if _local(el.tag) == "Relationship" and el.get("Type", "").endswith("/worksheet"):
                targets[el.get("Id", "")] = el.get("Target", "")
            el.clear()
    return targets


def _resolve(target: str) -> str:
    """A relationship target as a member name: relative to xl/, or absolute from the root."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join("xl", target))
