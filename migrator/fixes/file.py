"""The hand fixes file: a person's corrections of single values, kept beside the mapping.

In the rejects browser a person corrects a value (a phone typed wrong, a wareki date with
a typo) or accepts a row without it. A fix names its row by lineage (file, sheet, the
1-based row seen in Excel) and by the raw value it replaces, exactly as read: once next
month's sheet moves the row or the value is corrected at the source, the fix finds nothing
and is reported as stale instead of changing a cell it was never meant for.
`migrator run --fixes FILE` replays every fix right after mapping, before cleaning.

    version: 1
    fixes:
      - table: customers
        field: phone
        file: 部署別顧客.xlsx
        sheet: 東京支店
        row: 6
        replace: '0119538098'
        with: 03-1234-5678
        note: typed wrong; the client's card says 03-1234-5678
      - table: customers
        field: email
        file: shop_export_cp932.csv
        row: 10
        replace: yamada@@example.jp
        with: null                  # accepted: the row loads without this value
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from migrator.display import hand_fixes, html_lines, html_table
from migrator.errors import FixesError, SchemaError
from migrator.fixes.fix import Fix, Lineage, as_text, correction, lineage_of
from migrator.schema import TargetSchema
from migrator.yamlfile import Problem, validated

HEADER = (
    "# Hand fixes (migrator run --fixes FILE): each replaces one raw value of one row, found\n"
    "# by where it was read (file, sheet, row) and by the value it replaces, before cleaning.\n"
    "# `with` is the corrected value; `with: null` accepts the row without it (optional\n"
    "# fields only). A fix whose row or value is gone (the source changed) is reported as\n"
    "# stale and changes nothing.\n"
)
_ENTRY_KEYS = ["table", "field", "file", "sheet", "row", "replace", "with", "note"]


class _Text(str):
    """A value written quoted, so that no YAML reader takes `0119538098` for a number."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Text, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", str(value), style="'"))


class _Entry(BaseModel):
    """One fix as written in the file."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    table: str
    field: str
    file: str
    sheet: str | None = None
    row: int = Field(strict=True, gt=0)
    replace: str
    with_: str | None = Field(alias="with")
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        """An unknown key first: `wiht` is a typo of `with`, not a missing `with`."""
        if isinstance(data, dict):
            for key in data:
                if key not in _ENTRY_KEYS:
                    close = difflib.get_close_matches(str(key), _ENTRY_KEYS, n=1, cutoff=0.6)
                    hint = f" (did you mean '{close[0]}'?)" if close else ""
                    raise ValueError(f"unknown key '{key}'{hint}")
        return data

    @field_validator("file", "sheet", "replace", "with_", mode="before")
    @classmethod
    def _quoted(cls, value: Any) -> Any:
        """YAML reads 600001 or 2024-04-01 unquoted as a number or a date; a fix compares
        text exactly as read, so such a value must be quoted."""
        if value is None or isinstance(value, str | list | dict):
            return value  # a list or mapping gets pydantic's "expected text"
        if isinstance(value, bool):
            raise ValueError("YAML reads yes, no, on, off, true and false unquoted as true or "
                             "false, not text; quote the value so it is compared as written")
        kind = "a date" if isinstance(value, date) else "a number"
        raise ValueError(f"YAML reads {value} as {kind}, not text; quote it ('{value}') so "
                         "it is compared as written")


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    fixes: list[_Entry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_fix_per_value(self) -> _File:
        seen: dict[tuple[Any, ...], int] = {}
        for i, entry in enumerate(self.fixes):
            key = (entry.table, entry.field, entry.file, entry.sheet, entry.row)
            if key in seen:
                raise Problem(("fixes", i), f"fixes the same {entry.table}.{entry.field} of "
                              f"the same row as fixes[{seen[key]}]; keep one of them")
            seen[key] = i
        return self


_KEYS = ["version", "fixes", *_ENTRY_KEYS]


class Fixes:
    """Every hand fix of one project: read, add, remove and save them.

    Example:
        >>> fixes = Fixes()
        >>> fixes.fix("customers", "phone", rejects.iloc[0], "0119538098", "03-1234-5678")
        >>> fixes.save(Path("fixes.yaml"))
    """

    def __init__(self, fixes: Iterable[Fix] = (), *, path: Path | None = None) -> None:
        self.fixes: list[Fix] = list(fixes)
        """The fixes in the order they were read or made (the file is written sorted)."""
        self.path = path
        """The file they were read from or last saved to."""
        self._read: tuple[str, str] | None = None
        """(to_yaml() when read or saved, the file's SHA-256), for `sha256`."""

    @classmethod
    def load(cls, path: Path) -> Fixes:
        """Read a fixes file; any error is one sentence naming the file and YAML path."""
        path = Path(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise FixesError(f"{path.name}: does not exist") from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise FixesError(f"{path.name}: is not UTF-8 text; save it as UTF-8") from None
        fixes = cls.from_yaml(text, file=path.name)
        fixes.path = path
        fixes._read = (fixes.to_yaml(), hashlib.sha256(raw).hexdigest())
        return fixes

    @classmethod
    def from_yaml(cls, text: str, *, file: str = "fixes") -> Fixes:
        """Fixes from the text of a fixes file; `file` names it in errors."""
        parsed = validated(text, _File, file=file, error=FixesError, keys=_KEYS, empty={})
        return cls(Fix(e.table, e.field, e.file, e.sheet, e.row, e.replace,
                       correction(e.with_), e.note) for e in parsed.fixes)

    def to_yaml(self) -> str:
        """The file's text: the header, `version: 1`, the fixes sorted by table and place."""
        ordered = sorted(self.fixes, key=lambda f: (f.table, f.file, f.sheet or "", f.row,
                                                    f.field))
        entries = [f.asdict() for f in ordered]
        for entry in entries:
            entry.update({k: _Text(entry[k]) for k in ("replace", "with") if entry[k] is not None})
        body = {"version": 1, "fixes": entries}
        return HEADER + yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                                  width=100)

    def save(self, path: Path | None = None) -> Path:
        """Write atomically (a reader never sees half a file), to `path` or where read."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise FixesError("these fixes were not read from a file; save(path) names one")
        text = self.to_yaml()
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
        self.path = target
        self._read = (text, hashlib.sha256(text.encode("utf-8")).hexdigest())
        return target

    @property
    def sha256(self) -> str:
        """The file's SHA-256 while the fixes are as read or saved; else that of to_yaml()."""
        text = self.to_yaml()
        if self._read is not None and self._read[0] == text:
            return self._read[1]
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def fix(self, table: str, field: str, lineage: Lineage, replace: Any, with_: Any,
            note: str | None = None) -> Fix:
        """Replace the raw value `replace` of `table.field` in the row read at `lineage` by
        `with_` (None or blank: accept the row without it); values are kept as text, an
        empty cell as `""`. An earlier fix of the same field of that row is replaced."""
        file, sheet, row = lineage_of(lineage)
        made = Fix(table, field, file, sheet, row, as_text(replace), correction(with_), note)
        at = next((i for i, f in enumerate(self.fixes) if f.place == made.place), None)
        if at is None:
            self.fixes.append(made)
        else:
            self.fixes[at] = made
        return made

    def accept(self, table: str, field: str, lineage: Lineage, replace: Any,
               note: str | None = None) -> Fix:
        """Load the row read at `lineage` without its value `replace` of `table.field` (an
        optional field: `check` refuses a required one)."""
        return self.fix(table, field, lineage, replace, None, note)

    def remove(self, table: str | Fix, field: str | None = None,
               lineage: Lineage | None = None) -> Fix | None:
        """Drop the fix of `table.field` in the row read at `lineage` (or the Fix given);
        the fix removed, or None when there was none."""
        if isinstance(table, Fix):
            wanted = table.place
        elif field is None or lineage is None:
            raise FixesError("remove() takes a Fix, or a table, field and lineage")
        else:
            wanted = (table, field, *lineage_of(lineage))
        at = next((i for i, f in enumerate(self.fixes) if f.place == wanted), None)
        return None if at is None else self.fixes.pop(at)

    def check(self, schema: TargetSchema, *, file: str | None = None) -> None:
        """Every fix names a field of `schema`, and accepts only an optional one."""
        name = file or (self.path.name if self.path is not None else "fixes")
        for i, f in enumerate(self.fixes):
            try:
                spec = schema.field(f"{f.table}.{f.field}")
            except SchemaError as err:
                raise FixesError(f"{name}: fixes[{i}]: {err.problem}") from None
            if f.accepted and spec.required:
                raise FixesError(f"{name}: fixes[{i}]: {f.table}.{f.field} is required; "
                                 "correct the value instead")

    def __len__(self) -> int:
        return len(self.fixes)

    def __iter__(self) -> Iterator[Fix]:
        return iter(self.fixes)

    def _headline(self) -> str:
        accepted = sum(f.accepted for f in self.fixes)
        where = f" in {self.path.name}" if self.path is not None else ""
        return (f"Fixes: {hand_fixes(len(self.fixes))}"
                f"{where} ({len(self.fixes) - accepted:,} corrected, {accepted:,} accepted)")

    _HEADER = ("table", "field", "file", "sheet", "row", "fix")

    def _rows(self) -> list[tuple[object, ...]]:
        return [(f.table, f.field, f.file, f.sheet or "", f.row,
                 "accepted without it" if f.accepted else "corrected") for f in self.fixes]

    def __repr__(self) -> str:
        shown = [f"  {f.where()}: {'accepted' if f.accepted else 'corrected'}"
                 for f in self.fixes[:5]]
        more = [f"  and {len(self.fixes) - 5:,} more"] if len(self.fixes) > 5 else []
        return "\n".join([self._headline(), *shown, *more])

    def _repr_html_(self) -> str:
        if not self.fixes:
            return html_lines([self._headline()])
        return html_table(self._HEADER, self._rows(), caption=self._headline())
