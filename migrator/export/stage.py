"""export: validated tables (or a database `run` loaded) → a CRM's import files, checked
against the CRM's documented rules before anything is uploaded.

Everything is written to a temporary folder beside `out` and moved in at the end, so a
failure leaves `out` as it was. The accounting (read = exported + merged + rejected) is
checked per object table before the files are moved.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from migrator.display import html_lines, html_table, plural, text_table
from migrator.errors import AccountingError, ExportError
from migrator.export import apps
from migrator.export.build import OBJECTS, Built, Unencodable, build
from migrator.export.profile import CrmProfile
from migrator.export.targets import PROFILES
from migrator.export.writer import WrittenFile, write_file
from migrator.gcpause import fewer_collections
from migrator.lineage import LINEAGE_COLUMNS
from migrator.rejects import REJECT_COLUMNS, concat_frames, count_by_table
from migrator.rejects_file import write_rejects
from migrator.safety import safe_frame
from migrator.schema import TargetSchema, load_schema
from migrator.tables import ValidationReport, require
from migrator.target import stored_frame
from migrator.urls import redact

FORMATS = tuple(PROFILES)
"""The `--format` values: salesforce, hubspot, zoho, dynamics, kintone, sansan."""


@dataclass(frozen=True)
class ObjectCounts:
    """One object table: read = exported + merged + rejected."""

    read: int
    exported: int
    merged: int
    rejected: int

    @property
    def accounting_ok(self) -> bool:
        return self.read == self.exported + self.merged + self.rejected


@dataclass(repr=False)
class ExportResult:
    """What export wrote: the files in import order, the accounting, what was left out."""

    format: str
    title: str
    out: Path
    files: list[WrittenFile]
    counts: dict[str, ObjectCounts]
    rejects_file: Path | None = None
    changes_file: Path | None = None
    changes: dict[str, int] = field(default_factory=dict)
    """Cells changed by this export, per rule (substitute, formula_guard, ...)."""
    left_out: dict[str, int] = field(default_factory=dict)
    """Tables a CRM import does not hold (sales), with their rows."""
    shared_names_file: Path | None = None
    shared_names: int = 0
    """Exported customers whose name another one has (listed in shared_names.csv)."""

    @property
    def accounting_ok(self) -> bool:
        return all(c.accounting_ok for c in self.counts.values())

    def summary_lines(self) -> list[str]:
        lines = [f"exported for {self.title} into {self.out}"]
        for name, c in self.counts.items():
            lines.append(f"  {name}: {c.read:,} read = {c.exported:,} exported + "
                         f"{c.merged:,} merged + {c.rejected:,} rejected"
                         f" ({'holds' if c.accounting_ok else 'DOES NOT HOLD'})")
        for table, rows in self.left_out.items():
            lines.append(f"  {table}: {rows:,} rows not exported (a CRM import holds "
                         "accounts and contacts)")
        if self.rejects_file is not None:
            lines.append(f"  rejected rows: {self.rejects_file} (and .xlsx)")
        if self.changes:
            done = ", ".join(f"{rule} ×{n}" for rule, n in self.changes.items())
            lines.append(f"  cells changed: {done}: {self.changes_file}")
        if self.shared_names:
            lines.append(f"  {self.shared_names} customers share a name with another; the CRM "
                         f"links by name, check them: {self.shared_names_file}")
        lines.append(f"  import in this order (see {self.out / 'README.txt'}):")
        return lines

    _HEADER = ("file", "rows", "bytes", "encoding")

    def _rows(self) -> list[tuple[str, int, int, str]]:
        return [(f.path.name, f.rows, f.bytes, f.encoding) for f in self.files]

    def __repr__(self) -> str:
        return "\n".join([*self.summary_lines(), text_table(self._HEADER, self._rows(), "    ")])

    __str__ = __repr__

    def _repr_html_(self) -> str:
        lines = self.summary_lines()
        return html_lines(lines[:-1]) + html_table(self._HEADER, self._rows(),
                                                   caption="files, in import order")


@fewer_collections()
def export(checked: ValidationReport | str, format: str, out: Path | str, *,
           unencodable: Unencodable = "substitute", encoding: str | None = None,
           max_rows: int | None = None, app: Mapping[str, Path] | Path | None = None,
           template: Path | None = None, owner: str | None = None,
           schema: TargetSchema | None = None) -> ExportResult:
    """Write the import files of the CRM `format` for the validated tables into `out`.

    `checked` is what `validate()` (or `prepare()`) returns, or the URL of a database
    `run` loaded. `unencodable` says what a character the target's encoding cannot write
    does: `substitute` (the stated table in encode.py; a value with no substitute is left
    empty, or rejects its row when the field is required) or `reject` (the row goes to the
    rejects file). `encoding` overrides the target's (kintone, Sansan); `max_rows` splits
    files smaller than the target's limit. kintone takes its app's fields from `app` (a
    path, or {"customers": path, "contacts": path}); Sansan its header from `template`
    and the card owner's user ID from `owner`.

    Example:
        >>> export(prepare(files, mapping="mapping.yaml"), "kintone", "out/")
    """
    profile = _profile(format, encoding=encoding, max_rows=max_rows)
    target = schema or load_schema("crm")
    profile, header = _customised(profile, app, template, target)
    options = {"owner": owner or ""}
    if profile.name == "sansan" and not owner:
        raise ExportError("sansan needs the card owner's Sansan user ID: pass --owner USER_ID")
    frames, rows_read, merges, run_rejects, left_out = _inputs(checked, target)
    built = build(profile, frames, options=options, unencodable=unencodable)
    counts = _accounting(built, rows_read, merges, run_rejects)
    if not all(c.accounting_ok for c in counts.values()):
        raise AccountingError("export lost rows: " + ", ".join(
            f"{t} {c.read} read != {c.exported} + {c.merged} + {c.rejected}"
            for t, c in counts.items() if not c.accounting_ok))
    return _write(profile, built, Path(out), counts, run_rejects, left_out, header)


def _profile(name: str, *, encoding: str | None, max_rows: int | None) -> CrmProfile:
    from dataclasses import replace

    if name not in PROFILES:
        raise ExportError(f"unknown export format {name!r}; choose one of "
                          f"{', '.join(FORMATS)}")
    profile = PROFILES[name]
    if encoding is not None:
        if encoding not in profile.encodings:
            choices = ", ".join(profile.encodings) or profile.encoding
            raise ExportError(f"{profile.title} files are written in {choices}, "
                              f"not {encoding}")
        profile = replace(profile, encoding=encoding)
    if max_rows is not None:
        if max_rows < 1:
            raise ExportError("--max-rows must be at least 1")
        profile = replace(profile, max_rows=min(max_rows, profile.max_rows or max_rows))
    return profile


def _customised(profile: CrmProfile, app: Mapping[str, Path] | Path | None,
                template: Path | None, schema: TargetSchema
                ) -> tuple[CrmProfile, bytes | None]:
    """The profile with the user's kintone app fields or Sansan format header."""
    if app is not None and profile.name != "kintone":
        raise ExportError("--app describes a kintone app; it does not apply to "
                          f"{profile.name}")
    if template is not None and profile.name != "sansan":
        raise ExportError(f"--template is Sansan's format file; it does not apply to "
                          f"{profile.name}")
    if app is not None:
        given = app if isinstance(app, Mapping) else {"customers": Path(app)}
        unknown = sorted(set(given) - {"customers", "contacts"})
        if unknown:
            raise ExportError(f"--app names {', '.join(unknown)}; the kintone apps are "
                              "customers and contacts")
        files = tuple(apps.kintone_file(spec, Path(given[spec.name]), schema, spec.name)
                      if spec.name in given else spec for spec in profile.files)
        return profile.with_files(files, app=", ".join(str(p) for p in given.values())), None
    if template is not None:
        spec, header = apps.sansan_file(profile.files[0], Path(template), profile.encoding)
        return profile.with_files((spec,), template=str(template)), header
    return profile, None


def _inputs(checked: ValidationReport | str, schema: TargetSchema
            ) -> tuple[dict[str, pd.DataFrame], dict[str, int], pd.DataFrame, pd.DataFrame,
                       dict[str, int]]:
    """Frames of the object tables, rows read, merges, the run's rejects, tables left out."""
    if isinstance(checked, str):
        frames = {}
        for table in OBJECTS:
            columns = [*schema.tables[table].fields, *LINEAGE_COLUMNS]
            frames[table] = stored_frame(checked, table, columns)
        if frames["customers"].empty or "customer_code" not in frames["customers"].columns:
            raise ExportError(f"{redact(checked)} holds no customers; load them with "
                              "migrator run first")
        if "customer_code" not in frames["contacts"].columns:
            frames["contacts"] = pd.DataFrame({"customer_code": pd.Series(dtype=object)})
        sales = stored_frame(checked, "sales", ["sale_id"])
        empty = concat_frames([], REJECT_COLUMNS)
        return (frames, {t: len(f) for t, f in frames.items()}, empty, empty,
                {"sales": len(sales)} if len(sales) else {})
    require(checked, ValidationReport, verb="export")
    frames = {t: f for t, f in checked.frames.items() if t in OBJECTS}
    rows_read = {t: n for t, n in checked.rows_read.items() if t in OBJECTS}
    left_out = {t: n for t, n in checked.rows_read.items() if t not in OBJECTS and n}
    run_rejects = checked.rejects[checked.rejects["table"].isin(OBJECTS)] \
        if len(checked.rejects) else checked.rejects
    return frames, rows_read, checked.merges, run_rejects, left_out


def _accounting(built: Built, rows_read: Mapping[str, int], merges: pd.DataFrame,
                run_rejects: pd.DataFrame) -> dict[str, ObjectCounts]:
    return {table: ObjectCounts(read, built.exported.get(table, 0),
                                count_by_table(merges, table),
                                count_by_table(run_rejects, table)
                                + count_by_table(built.rejects, table))
            for table, read in rows_read.items()}


def _write(profile: CrmProfile, built: Built, out: Path, counts: dict[str, ObjectCounts],
           run_rejects: pd.DataFrame, left_out: dict[str, int],
           header: bytes | None) -> ExportResult:
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".export-", dir=out))
    except OSError as exc:
        raise ExportError(f"cannot write into {out} ({exc.strerror or type(exc).__name__})") \
            from exc
    try:
        written = [f for spec, lines in built.lines
                   for f in write_file(profile, spec, lines, staging, header=header)]
        rejects = concat_frames([run_rejects, built.rejects], REJECT_COLUMNS)
        rejected = write_rejects(rejects, staging, run_id=profile.name)
        shared_path = None
        if len(built.shared_names) and profile.links_by_name:
            shared_path = staging / "shared_names.csv"
            safe_frame(built.shared_names).to_csv(shared_path, index=False,
                                                  encoding="utf-8-sig", lineterminator="\r\n")
        changes_path = None
        if len(built.changes):
            changes_path = staging / "changes.csv"
            safe_frame(built.changes).to_csv(changes_path, index=False,
                                             encoding="utf-8-sig", lineterminator="\r\n")
        result = ExportResult(
            format=profile.name, title=profile.title, out=out,
            files=[_moved(f, out) for f in written], counts=counts,
            rejects_file=out / rejected.csv.name if rejected.csv else None,
            changes_file=out / "changes.csv" if changes_path else None,
            changes=built.changes["rule"].value_counts().to_dict() if len(built.changes)
            else {},
            left_out=left_out,
            shared_names=len(built.shared_names) if profile.links_by_name else 0,
            shared_names_file=out / "shared_names.csv" if shared_path else None)
        (staging / "README.txt").write_text(readme(profile, result), encoding="utf-8",
                                            newline="\r\n")
        _replace_outputs(profile, staging, out)
    except OSError as exc:
        raise ExportError(f"cannot write into {out} ({exc.strerror or type(exc).__name__}); "
                          "nothing was changed there") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


def _moved(written: WrittenFile, out: Path) -> WrittenFile:
    from dataclasses import replace

    return replace(written, path=out / written.path.name)


def _replace_outputs(profile: CrmProfile, staging: Path, out: Path) -> None:
    """Remove what an earlier export of this format wrote (its parts may be more), then
    move the new files in."""
    ours = {"README.txt", "changes.csv", "shared_names.csv", f"rejects-{profile.name}.csv",
            f"rejects-{profile.name}.xlsx"}
    for spec in profile.files:
        ours |= {p.name for p in out.glob(f"{spec.name}.csv")}
        ours |= {p.name for p in out.glob(f"{spec.name}-*.csv")
                 if p.stem.rpartition("-")[2].isdigit()}
    for name in ours:
        (out / name).unlink(missing_ok=True)
    for path in staging.iterdir():
        path.replace(out / path.name)


def readme(profile: CrmProfile, result: ExportResult) -> str:
    """README.txt: which file to import first, what was split, left out and why."""
    lines = [f"migrator export for {profile.title}", "",
             "Import these files in this order:"]
    for number, f in enumerate(result.files, start=1):
        spec = next(s for s in profile.files if s.name == f.spec)
        part = f" (part {f.part} of {f.parts})" if f.parts > 1 else ""
        lines.append(f"  {number}. {f.path.name}{part}: {spec.purpose}; {f.rows:,} rows, "
                     f"{f.bytes:,} bytes, {f.encoding}")
    limits = [f"{n:,} {what}" for n, what in ((profile.max_rows, "rows"),
                                               (profile.max_bytes, "bytes"),
                                               (profile.max_columns, "columns"))
              if n is not None]
    split = {f.spec: f.parts for f in result.files if f.parts > 1}
    lines += ["", f"Limits per file: {', '.join(limits) or 'none documented'}."]
    lines.append("Split: " + (", ".join(f"{s} into {plural(n, 'part')}" for s, n in split.items())
                              if split else "nothing; every file is within the limits."))
    lines += ["", "Accounting (read = exported + merged + rejected):"]
    lines += [f"  {t}: {c.read:,} = {c.exported:,} + {c.merged:,} + {c.rejected:,}"
              for t, c in result.counts.items()]
    lines += ["", "Left out:"]
    left = [f"  {t}: {n:,} rows; a CRM import holds accounts and contacts only"
            for t, n in result.left_out.items()]
    if result.rejects_file is not None:
        left.append(f"  rejected rows, each with its file, sheet, row and reasons: "
                    f"{result.rejects_file.name} (and .xlsx)")
    if result.changes:
        left.append(f"  cells changed to fit the target ({', '.join(result.changes)}): "
                    "changes.csv, before and after")
    if result.shared_names:
        left.append(f"  {result.shared_names} customers share a name with another "
                    "(shared_names.csv): a CRM that links contacts by account name may join "
                    "them; rename one or check after the import")
    lines += left or ["  nothing"]
    lines += ["", "Notes:"] + [f"  - {n}" for n in profile.notes]
    lines += [f"  - {k}: {v}" for k, v in profile.options.items()]
    lines += ["  - Text cells that start with = + - @ or a tab or line break have a ' in "
              "front so no spreadsheet runs them (OWASP CSV injection); phones the "
              "pipeline validated keep their +.", ""]
    return "\n".join(lines)

