"""One hand fix: a raw value of one row, named by lineage and by the value it replaces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from migrator.display import place
from migrator.errors import FixesError
from migrator.lineage import LINEAGE_COLUMNS
from migrator.tables import FixPlace

Lineage = Any
"""Where a row was read: a mapping (a rejects row, a dict) with `_source_file`,
`_source_sheet` and `_source_row`, or a (file, sheet, row) tuple."""


@dataclass(frozen=True)
class Fix:
    """One corrected, or accepted, raw value of one row."""

    table: str
    """The target table (`customers`)."""
    field: str
    """The target field whose raw value is replaced (`phone`)."""
    file: str
    """`_source_file` of the row: the file name as read."""
    sheet: str | None
    """`_source_sheet` of the row; None where the file has no sheets (a CSV)."""
    row: int
    """`_source_row`: the 1-based row a person sees in Excel."""
    replace: str
    """The raw value it replaces, exactly as read, as text (`""` for an empty cell)."""
    with_: str | None
    """The corrected raw value (YAML key `with`), cleaned like any other; None (or blank)
    accepts the row without this value, which only an optional field allows."""
    note: str | None = None
    """Why, for whoever reviews the file; not used to find the row."""

    @property
    def accepted(self) -> bool:
        """True when the fix loads the row without the value instead of correcting it."""
        return self.with_ is None

    @property
    def lineage(self) -> tuple[str, str | None, int]:
        return self.file, self.sheet, self.row

    @property
    def place(self) -> FixPlace:
        """(table, field, file, sheet, row): what a fix is keyed by, and how it is reported."""
        return self.table, self.field, self.file, self.sheet, self.row

    def where(self) -> str:
        """`customers.phone at 部署別顧客.xlsx [東京支店] row 6`."""
        return f"{self.table}.{self.field} at {place(self.file, self.sheet, self.row)}"

    def asdict(self) -> dict[str, Any]:
        """The fix as the file holds it: `with` for `with_`, no empty sheet or note."""
        out: dict[str, Any] = {"table": self.table, "field": self.field, "file": self.file}
        if self.sheet is not None:
            out["sheet"] = self.sheet
        out.update({"row": self.row, "replace": self.replace, "with": self.with_})
        if self.note is not None:
            out["note"] = self.note
        return out


def as_text(value: Any) -> str:
    """A raw value as text, the way fixes compare it: an empty cell is `""`."""
    if value is None or (isinstance(value, float) and value != value) or \
            type(value).__name__ in ("NAType", "NaTType"):
        return ""
    return value if isinstance(value, str) else str(value)


def correction(value: Any) -> str | None:
    """A corrected value as text; a blank one accepts the row without the value (None), so
    that clearing a required field is refused like any accept."""
    text = None if value is None else as_text(value)
    return text if text and text.strip() else None


def lineage_of(given: Lineage) -> tuple[str, str | None, int]:
    """(file, sheet, row) from a rejects row, a dict or a tuple; a missing sheet is None."""
    try:
        if isinstance(given, tuple | list):
            file, sheet, row = given
        else:
            file, sheet, row = (given[c] for c in LINEAGE_COLUMNS)
        return str(file), (sheet if isinstance(sheet, str) and sheet else None), int(row)
    except (KeyError, TypeError, ValueError):
        raise FixesError("a fix's lineage is a row's _source_file, _source_sheet and "
                         "_source_row (as a rejects row holds them), or a (file, sheet, row) "
                         "tuple") from None
