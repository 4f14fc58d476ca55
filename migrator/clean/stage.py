"""clean: MappedTables → CleanedTables; every change logged, every failure a reject.

Each field runs the transforms its source's mapping names, or the default for its schema
format (phones → `phone`, dates → `date`...): rows from a UK sheet that says `date_dmy`
are read day first, rows of a JP sheet feeding the same field are not. A value that
cannot be cleaned in an optional field is emptied and kept, as typed, as a cell issue
(its row loads); in a required field, a primary or a foreign key it rejects its row with a
reason code and the row's lineage. A source's `on_error` (reject | null | issue) overrides
that per column; nothing is dropped silently.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, NamedTuple, Protocol, TypeAlias

import numpy as np
import pandas as pd

from migrator.clean.base import Context, Outcome, value_kinds, value_texts
from migrator.clean.country import row_countries, sheet_countries, table_default
from migrator.clean.helper import COST, REGIONAL_COST, ColumnHelper, Job
from migrator.clean.registry import get_transform
from migrator.distinct import without_repeats
from migrator.errors import RejectReason
from migrator.gcpause import fewer_collections
from migrator.lineage import LINEAGE_COLUMNS, key_basis, row_keys
from migrator.progress import Progress, silent
from migrator.rejects import (
    CHANGE_COLUMNS,
    ISSUE_COLUMNS,
    REJECT_COLUMNS,
    changes_frame,
    concat_frames,
    issues_frame,
    rejects_frame,
)
from migrator.schema import FieldSpec, TableSpec, TargetSchema
from migrator.tables import RULES, CleanedTables, FieldRule, MappedTables, require


class Ahead(Protocol):
    """Columns cleaned before the stage ran (`clean.ahead.CleanAhead`), by first transform."""

    def __contains__(self, key: tuple[str, str, str]) -> bool:
        """Whether (table, field, transform) was made ahead."""

    def take(self, table: str, field: str, transform: str, values: pd.Series
             ) -> Outcome | None:
        """Its Outcome where the column still holds `values`, else None."""

    def started(self) -> ColumnHelper | None:
        """A clean helper started ahead with the columns `shared_jobs` gave then, handed
        over once (the stage closes it); None else."""


FORMAT_TRANSFORMS = {
    "e164": "phone", "email": "email", "jp_postal_or_us_zip": "postal_code",
    "iso_date": "date", "prefecture_or_usps": "region", "iso3166_alpha2": "country",
    "decimal": "amount", "katakana": "kana",
}
SEMANTIC_TRANSFORMS = {"company_name": "company_name", "person_name": "person_name"}
RELATED = {"prefecture_or_usps": "region", "iso3166_alpha2": "country"}
REGIONAL = frozenset({"phone", "phone_assigned", "amount"})
"""Transforms that read the row's country: national phone numbers, default currencies."""
_READ_LAST = frozenset({"e164", "decimal"})
"""Formats cleaned last, once the fields that name the row's country are clean."""

Rows: TypeAlias = "pd.Index | None"
"""The rows a rule applies to; None for every row of the table."""
Codes = dict[str, dict[tuple[Any, ...], Any]]
"""Per parent table: the key of the row read from each source row (lineage and seq)."""
Homes = dict[str, dict[tuple[Any, ...], str]]
"""Per parent table: the country each source row (lineage and seq) names, for its
children."""
Reasons = dict[Any, list[str]]
"""Per rejected row (its index label), its reasons: a dict, so rows that pass (nearly all)
cost nothing."""


class _Read(NamedTuple):
    """Which rows of one transform's Outcome failed (a reason) and which hold a value,
    found once for the change log and the values both."""

    failed: np.ndarray
    present: np.ndarray


class _Lineage:
    """One table's row keys (lineage and seq), read once and only when a row needs them:
    the countries, the parents' codes and the links key rows by them, and cleaning never
    changes them (300,000 sales from their own workbook need none)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.read: list[tuple[Any, ...]] | None = None

    def keys(self) -> list[tuple[Any, ...]]:
        if self.read is None:
            self.read = row_keys(self.frame)
        return self.read

    def look_up(self, parents: dict[tuple[Any, ...], Any]) -> list[Any]:
        """`parents.get(key)` for each row's key; a row read from a sheet (file and sheet)
        that no parent row was read from finds None without a look-up, so 300,000 sales
        from their own workbook cost one pass over the parents' keys."""
        sheets = {key[:2] for key in parents}
        codes, pairs = self._sheets()
        if all(pair in sheets for pair in pairs):
            return [parents.get(key) for key in self.keys()]
        found: list[Any] = [None] * len(self.frame)
        wanted = [i for i, pair in enumerate(pairs) if pair in sheets]
        rows = np.flatnonzero(np.isin(codes, wanted)).tolist()
        keys = self.keys() if rows else []
        for i in rows:
            found[i] = parents.get(keys[i])
        return found

    def _sheets(self) -> tuple[np.ndarray, list[tuple[Any, Any]]]:
        """Per row, a code for its (file, sheet), and the pairs by code, as row_keys
        writes them (a missing part None)."""
        parts = []
        for column in LINEAGE_COLUMNS[:2]:
            if column not in self.frame:
                parts.append((np.zeros(len(self.frame), dtype=np.intp), [None]))
                continue
            codes, uniques = pd.factorize(self.frame[column].astype(object))
            parts.append((codes + 1, [None, *uniques.tolist()]))  # code -1: missing
        (files, file_of), (sheets, sheet_of) = parts
        codes, firsts = pd.factorize(files * len(sheet_of) + sheets)
        return codes, [(file_of[int(c) // len(sheet_of)], sheet_of[int(c) % len(sheet_of)])
                       for c in firsts]


@fewer_collections()
def clean(mapped: MappedTables, *, progress: Progress | None = None,
          then: Callable[[str, pd.DataFrame, pd.DataFrame], object] | None = None,
          ahead: Ahead | None = None) -> CleanedTables:
    """Clean every target frame of `mapped` (apply_mapping's result).

    `progress` is told the columns cleaned so far, over all tables. Large columns whose
    transform reads only the column are shared with a helper process on another core
    (`migrator.clean.helper`). `then(table, frame, changes)` is called as each table is
    clean, with its kept rows and their change log (`run` starts matching them meanwhile,
    on the other core: then the helper takes no column of the tables after the first one
    matched). `ahead` holds columns cleaned while the files were still read
    (`Ahead`): each is used where the column still holds the values it was made from.

    Example:
        >>> cleaned = clean(apply_mapping(tables, mapping))
        >>> cleaned.counts()["customers"].rejected
        4
    """
    require(mapped, MappedTables, verb="clean")
    started = time.perf_counter()
    schema = mapped.schema
    frames, changes, rejects = {}, [mapped.changes], [mapped.rejects]
    issues = [mapped.issues]
    codes: Codes = {}
    homes: Homes = {}
    total = sum(len([f for f in frame.columns if f in schema.tables[table].fields])
                for table, frame in mapped.frames.items())
    tick, done = progress or silent, 0

    def column_done() -> None:
        nonlocal done
        done += 1
        tick("cleaning", done, total)

    order = schema.table_order(list(mapped.frames))
    helper = (ahead.started() if ahead is not None else None) or \
        ColumnHelper.start(shared_jobs(mapped, ahead, matched=then is not None))
    try:
        for table in order:
            kept, logged, rejected, found = _clean_table(table, mapped, codes, homes,
                                                          column_done, helper, ahead)
            frames[table] = kept
            if then is not None:
                then(table, kept, logged)
            changes.append(logged)
            rejects.append(rejected)
            issues.append(found)
    finally:
        if helper is not None:
            helper.close()
    return CleanedTables(
        schema=schema, frames=frames, rows_read=dict(mapped.rows_read),
        rejects=concat_frames(rejects, REJECT_COLUMNS),
        changes=concat_frames(changes, CHANGE_COLUMNS), merges=mapped.merges,
        issues=concat_frames(issues, ISSUE_COLUMNS),
        trail=mapped.trail.then("clean", time.perf_counter() - started))


def shared_jobs(mapped: MappedTables, ahead: Ahead | None, *, matched: bool) -> list[Job]:
    """The columns `clean` offers its helper: those of every table, or with `matched`
    (`then` given) of the tables up to the first one matched; less those made ahead."""
    order = mapped.schema.table_order(list(mapped.frames))
    shared = _until_matched(order, mapped.schema) if matched else order
    return [job for job in _offered(mapped, shared)
            if ahead is None or (job.table, job.field, job.transform) not in ahead]


def _until_matched(order: list[str], schema: TargetSchema) -> list[str]:
    """The tables of `order` up to the first one with match keys: once it is clean, `then`
    matches it on the other core (`run`), where a helper would only compete with it."""
    matched = [i for i, table in enumerate(order) if schema.tables[table].match_keys]
    return order[: matched[0] + 1] if matched else order


def _offered(mapped: MappedTables, order: list[str]) -> list[Job]:
    """The columns a helper process may clean, in the order this stage reaches them: the
    first transform of a field whose one rule covers every row, where the transform reads
    nothing but the column."""
    jobs = []
    for table in order:
        frame = mapped.frames[table]
        sources = _sources(frame)
        for name in _fields(frame, mapped.schema.tables[table]):
            first = _first_transform(mapped, table, name, frame, sources)
            if first is not None and first[1] in COST:
                jobs.append(Job(table, name, first[1], frame[name]))
    return jobs


def _offer_phones(helper: ColumnHelper, table: str, mapped: MappedTables,
                  frame: pd.DataFrame, countries: _Homes, names: list[str],
                  sources: list[Any] | None) -> None:
    """Offer the helper the phone fields among `names` (cleaned after the one this stage
    is about to clean) whose rows are all read in one country: every field their country
    depends on is clean by now. `sources`: `_sources(frame)`."""
    for name in names:
        first = _first_transform(mapped, table, name, frame, sources)
        if first is None or first[1] not in REGIONAL_COST:
            continue
        rule, transform = first
        regions = list(countries.groups(frame, None, name, transform, rule))
        if len(regions) == 1 and regions[0][0] is None:
            helper.offer(table, name, transform, frame[name], regions[0][1])


def _first_transform(mapped: MappedTables, table: str, name: str, frame: pd.DataFrame,
                     sources: list[Any] | None) -> tuple[FieldRule, str] | None:
    """The rule of `name` and its first transform, where one rule covers every row (the
    helper cleans whole columns only); None else, or when the field has no transform."""
    groups = list(_rule_groups(mapped, table, name, frame, sources))
    if len(groups) != 1:
        return None
    rule = groups[0][1]
    chain = rule.transform or _defaults(mapped.schema.tables[table].fields[name])
    return (rule, chain[0]) if chain else None


def _fields(frame: pd.DataFrame, spec: TableSpec) -> list[str]:
    """The schema's fields of `frame`, in the order they are cleaned."""
    fields = [f for f in frame.columns if f in spec.fields]
    fields.sort(key=lambda f: _order(spec.fields[f]))
    return fields


def _clean_table(table: str, mapped: MappedTables, codes: Codes, homes: Homes,
                 column_done: Callable[[], None], helper: ColumnHelper | None,
                 ahead: Ahead | None
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    frame = mapped.frames[table]
    spec = mapped.schema.tables[table]
    out = frame.copy(deep=False)  # copy-on-write: a column is copied only if changed in place
    reasons: Reasons = {}
    logs: list[pd.DataFrame] = []
    issues: list[pd.DataFrame] = []
    fields = _fields(out, spec)
    countries = _Homes(table, mapped.schema, homes, _region(out, spec), _Lineage(frame))
    last = [f for f in fields if _order(spec.fields[f]) == 2]
    sources = _sources(out)
    for name in fields:
        if helper is not None and last and name == last[0]:
            _offer_phones(helper, table, mapped, out, countries, last[1:], sources)
        for rows, rule in _rule_groups(mapped, table, name, out, sources):
            for transform in rule.transform or _defaults(spec.fields[name]):
                for where, region in countries.groups(out, rows, name, transform, rule):
                    part = out if where is None else out.loc[where]
                    result = None
                    if ahead is not None and where is None:
                        result = ahead.take(table, name, transform, part[name])
                    if result is None and helper is not None and where is None:
                        result = helper.take(table, name, transform, part[name], region)
                    if result is None:
                        ctx = Context(region=region, related=_related(part, spec))
                        result = get_transform(transform)(part[name], ctx)
                    failed, present = _held(result)
                    logs.append(_changes(table, part, name, result, transform,
                                         present & ~failed))
                    on_error = rule.on_error or default_on_error(spec, name)
                    values = _apply(part, name, result, _Read(failed, present), reasons,
                                    on_error, transform, logs, table, issues)
                    _assign(out, where, name, values)
                    _route_extras(out, name, result, spec.fields)
        column_done()
    countries.keep(out)
    logs += _link_keys(table, out, mapped.schema, codes, countries.lineage)
    logs.append(number_lines(table, out, spec))
    _require(out, spec, reasons)
    bad = frame.index.isin(list(reasons))
    rejected = rejects_frame(table, frame[bad],
                             ["; ".join(reasons[i]) for i in frame.index[bad]])
    kept = out[~bad].reset_index(drop=True)  # `_rules` stays: dedupe ranks sources by it
    # a rejected row's record keeps its raw values: only the kept rows' issues are issues
    issues = [found[~found.index.isin(frame.index[bad])] for found in issues]
    return (kept, concat_frames(logs, CHANGE_COLUMNS), rejected,
            concat_frames(issues, ISSUE_COLUMNS))


def default_on_error(spec: TableSpec, name: str) -> str:
    """What a value of `name` that cannot be cleaned does when the mapping does not say:
    `reject` for a required field, the primary key or a foreign key (the row cannot stand
    without it), `issue` for every other field (the row loads, the field empty)."""
    field_spec = spec.fields.get(name)
    keys = {spec.primary_key, *(fk.column for fk in spec.foreign_keys)}
    if name in keys or (field_spec is not None and field_spec.required):
        return "reject"
    return "issue"


def _sources(frame: pd.DataFrame) -> list[Any] | None:
    """The sources (mapping rule sets) the rows of `frame` come from, in order of their
    first row; None when the frame does not say (`_rules`). Asked once per table: cleaning
    never changes them."""
    return frame[RULES].drop_duplicates().tolist() if RULES in frame else None


def _rule_groups(mapped: MappedTables, table: str, name: str, frame: pd.DataFrame,
                 sources: list[Any] | None) -> Iterator[tuple[Rows, FieldRule]]:
    """The rows of each source that share one rule for `name`; one group is every row.
    `sources`: `_sources(frame)`."""
    if sources is None:
        yield None, mapped.rule(0, table, name) if mapped.rules else FieldRule()
        return
    groups: dict[FieldRule, list[Any]] = {}
    for index in sources:
        groups.setdefault(mapped.rule(int(index), table, name), []).append(index)
    if len(groups) == 1:
        yield None, next(iter(groups))
        return
    for rule, indices in groups.items():
        yield frame.index[frame[RULES].isin(indices).to_numpy()], rule


def _held(result: Outcome) -> tuple[np.ndarray, np.ndarray]:
    """Which rows of `result` failed (a reason) and which hold a value: as the transform
    told them, else asked of the rows."""
    failed = result.failed if result.failed is not None else result.reasons.notna().to_numpy()
    present = result.present if result.present is not None \
        else result.values.notna().to_numpy()
    return failed, present


def _assign(frame: pd.DataFrame, rows: Rows, name: str, values: pd.Series) -> None:
    if rows is None:
        frame[name] = values
        return
    if frame[name].dtype != object:
        frame[name] = frame[name].astype(object)
    frame.loc[rows, name] = values


def link_keys(table: str, frame: pd.DataFrame, schema: TargetSchema,
              codes: Codes) -> list[pd.DataFrame]:
    """Parents without a key get a stable one; their children's rows follow.

    A table that other tables reference (customers) and whose key the schema generates
    gets, for a row without a key, one derived from the matching key of its first match
    field (`(株)山田商事` and `山田商事㈱` get the same code), so next month's sheet gives
    the same customer the same code. A child row (a contact, a sale) without its foreign
    key is linked to the parent read from the same source row: the same lineage and, for
    cards side by side that share it, the same `_lineage_seq`.
    """
    return _link_keys(table, frame, schema, codes, _Lineage(frame))


def _link_keys(table: str, frame: pd.DataFrame, schema: TargetSchema, codes: Codes,
               lineage: _Lineage) -> list[pd.DataFrame]:
    """link_keys, the row keys read only where a row is linked, keyed or referenced."""
    spec = schema.tables[table]
    logs = []
    for fk in spec.foreign_keys:
        parents = codes.get(fk.ref_table)
        if fk.ref_table == table or parents is None:
            continue
        if fk.column not in frame:
            frame[fk.column] = None
        missing = frame[fk.column].isna()
        rows = np.flatnonzero(missing.to_numpy())
        if len(rows):
            frame[fk.column] = frame[fk.column].astype(object)
            frame.loc[frame.index[rows], fk.column] = pd.Series(
                [parents.get(lineage.keys()[i]) for i in rows], index=frame.index[rows],
                dtype=object)
        filled = missing & frame[fk.column].notna()
        logs.append(changes_frame(table, frame[filled], fk.column, None,
                                  frame.loc[filled, fk.column], f"linked_to_{fk.ref_table}"))
    if not schema.references_to(table):
        return logs
    pk = spec.primary_key
    if pk not in frame:
        frame[pk] = None
    if pk in spec.generated:
        logs.append(_generate(table, frame, spec, lineage))
    codes[table] = dict(zip(lineage.keys(), frame[pk], strict=True))
    return logs


def _generate(table: str, frame: pd.DataFrame, spec: TableSpec,
              lineage: _Lineage) -> pd.DataFrame:
    pk = spec.primary_key
    missing = frame[pk].isna()
    key = _match_basis(frame, spec)
    made = {}
    for i in np.flatnonzero(missing.to_numpy()):
        value = key.iat[i] if key is not None else None
        basis = value if pd.notna(value) else key_basis(lineage.keys()[i])
        made[frame.index[i]] = "G" + hashlib.sha1(
            str(basis).encode("utf-8")).hexdigest()[:10].upper()
    if made:
        frame[pk] = frame[pk].astype(object)
        frame.loc[list(made), pk] = pd.Series(made, dtype=object)
    filled = missing & frame[pk].notna()
    return changes_frame(table, frame[filled], pk, None, frame.loc[filled, pk], "generated_code")


def _match_basis(frame: pd.DataFrame, spec: TableSpec) -> pd.Series | None:
    """The first match field's matching key (`_name_key`, from company_name), or its value."""
    for name in spec.match_keys:
        if f"_{name}_key" in frame:
            return frame[f"_{name}_key"]
        if name in frame:
            return frame[name]
    return None


def number_lines(table: str, frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Where the schema says a repeated key names the lines of one document (`key_repeats:
    number_lines`), each repeat within one sheet becomes `<key>-<line>`, in sheet order.

    An invoice's three lines `S1` become `S1-1`, `S1-2`, `S1-3`; a key seen once stays as
    it is. Lines are numbered before any row is rejected, so a line fixed next month gets
    the number it always had and the others keep theirs.
    """
    pk = spec.primary_key
    if spec.key_repeats != "number_lines" or pk not in frame or \
            not all(c in frame for c in LINEAGE_COLUMNS):
        return changes_frame(table, frame.iloc[0:0], pk, None, None, "numbered_line")
    file, sheet, row = LINEAGE_COLUMNS
    keys = frame[pk]
    # a key repeated in one sheet is repeated in the table: most keys (sale ids) are not
    if without_repeats(keys):
        return changes_frame(table, frame.iloc[0:0], pk, None, None, "numbered_line")
    repeated = frame[keys.notna() & keys.duplicated(keep=False)]
    parts = pd.DataFrame({"file": repeated[file].astype(object).fillna(""),
                          "sheet": repeated[sheet].astype(object).fillna(""),
                          "key": repeated[pk].astype(object), "row": repeated[row]})
    parts = parts[parts.duplicated(["file", "sheet", "key"], keep=False)]
    if parts.empty:
        return changes_frame(table, frame.iloc[0:0], pk, None, None, "numbered_line")
    parts = parts.sort_values("row", kind="stable")
    line = parts.groupby(["file", "sheet", "key"], sort=False).cumcount() + 1
    numbered = parts["key"].astype(str) + "-" + line.astype(str)
    before = frame.loc[numbered.index, pk].copy()
    frame[pk] = frame[pk].astype(object)
    frame.loc[numbered.index, pk] = numbered
    return changes_frame(table, frame.loc[numbered.index], pk, before, numbered, "numbered_line")


def _defaults(field_spec: FieldSpec) -> list[str]:
    if field_spec.format in FORMAT_TRANSFORMS:
        return [FORMAT_TRANSFORMS[field_spec.format]]
    if field_spec.semantic in SEMANTIC_TRANSFORMS:
        return [SEMANTIC_TRANSFORMS[field_spec.semantic]]
    return ["width"] if field_spec.type in ("text", "code") else []


def _related(frame: pd.DataFrame, spec: TableSpec) -> dict[str, pd.Series]:
    """The row's region and country, by the formats of the table's fields."""
    return {RELATED[f.format]: frame[name] for name, f in spec.fields.items()
            if f.format in RELATED and name in frame}


def _order(field_spec: FieldSpec) -> int:
    """Regions and countries first (postal codes read them), phones and amounts last."""
    if field_spec.format in RELATED:
        return 0
    return 2 if field_spec.format in _READ_LAST else 1


class _Homes:
    """The country each row of one table is read in, for phones and amounts.

    The row's own (its country, region, postal code or address, once cleaned), else its
    parent's row (a contact reads its customer's), else for phones the sheet's (the
    country in which most of the column's numbers are valid), else the table's. A
    mapping's `country:` on the column decides for every row of its source.
    """

    def __init__(self, table: str, schema: TargetSchema, homes: Homes, fallback: str,
                 lineage: _Lineage) -> None:
        self.table, self.schema, self.homes, self.lineage = table, schema, homes, lineage
        self.spec = schema.tables[table]
        self.found: pd.Series | None = None
        self.fallback = self.default = fallback

    def named(self, frame: pd.DataFrame) -> pd.Series:
        """Per row, the country the row or its parent names (NA where none does)."""
        if self.found is None:
            found = row_countries(frame, self.spec)
            for fk in self.spec.foreign_keys:
                parents = self.homes.get(fk.ref_table, {})
                if fk.ref_table != self.table and parents:
                    inherited = pd.Series(self.lineage.look_up(parents),
                                          index=frame.index, dtype=object)
                    found = found.where(found.notna(), inherited)
            self.found = found.where(found.notna(), pd.NA)
            self.default = table_default(self.found, self.fallback)
        return self.found

    def groups(self, frame: pd.DataFrame, rows: Rows, name: str, transform: str,
               rule: FieldRule) -> Iterator[tuple[Rows, str]]:
        """The rows of `rows` per country, for a transform that reads it; one group else."""
        if transform not in REGIONAL or rule.country is not None:
            yield rows, rule.country or self.fallback
            return
        part = frame if rows is None else frame.loc[rows]
        named = self.named(frame)
        country = named if rows is None else named.loc[part.index]
        unknown = country.isna()
        if unknown.any() and transform != "amount":
            sheets = _sheets(part.loc[unknown])
            country = country.where(~unknown, sheet_countries(
                part.loc[unknown, name], sheets, named, self.default))
        # the table's country where none is found: only rows unknown before may be NA
        codes = country.to_numpy(dtype=object, copy=True)
        at = np.flatnonzero(unknown.to_numpy())
        still = codes[at]
        still[pd.isna(still)] = self.default
        codes[at] = still
        which, found = pd.factorize(codes)
        if len(found) == 1:
            yield rows, str(found[0])
            return
        for i, code in enumerate(found.tolist()):
            yield part.index[which == i], str(code)

    def keep(self, frame: pd.DataFrame) -> None:
        """Remember each source row's country for the tables that reference this one."""
        if not self.schema.references_to(self.table):
            return
        named = self.named(frame)
        self.homes[self.table] = {
            key: code for key, code in zip(self.lineage.keys(), named, strict=True)
            if isinstance(code, str)}


def _region(frame: pd.DataFrame, spec: TableSpec) -> str:
    """US when the rows' regions are USPS state codes, else JP (the default)."""
    region = _related(frame, spec).get("region")
    if region is None:
        return "JP"
    values = region.dropna().astype(str)
    if not len(values):
        return "JP"
    codes, uniques = pd.factorize(values)  # a few dozen regions over 100,000 rows
    us = np.array([bool(_USPS.fullmatch(u)) for u in uniques])[codes].mean()
    return "US" if us >= 0.8 else "JP"


_USPS = re.compile(r"[A-Z]{2}")


def _sheets(frame: pd.DataFrame) -> pd.Series:
    """The (file, sheet) each row was read from, as one key."""
    file, sheet = LINEAGE_COLUMNS[0], LINEAGE_COLUMNS[1]
    parts = [frame[c].astype(object).fillna("").astype(str) if c in frame
             else pd.Series("", index=frame.index) for c in (file, sheet)]
    return parts[0] + "\x1f" + parts[1]


def _apply(frame: pd.DataFrame, name: str, result: Outcome, read: _Read, reasons: Reasons,
           on_error: str, rule: str, logs: list[pd.DataFrame], table: str,
           issues: list[pd.DataFrame]) -> pd.Series:
    if read.failed.any():
        failed = pd.Series(read.failed, index=frame.index)
        if on_error == "issue":
            issues.append(issues_frame(table, frame.loc[failed], name, result.reasons[failed]))
        elif on_error == "null":
            nulled = frame.loc[failed]
            logs.append(changes_frame(table, nulled, name, nulled[name], None,
                                      f"{rule}: nulled (on_error: null)"))
        else:
            for i in failed[failed].index:
                reasons.setdefault(i, []).append(f"{result.reasons.at[i]}:{name}")
    values = result.values.to_numpy(dtype=object, copy=True)
    values[~read.present] = None
    return pd.Series(values, index=result.values.index, dtype=object, name=result.values.name)


def _route_extras(frame: pd.DataFrame, name: str, result: Outcome,
                  fields: dict[str, FieldSpec]) -> None:
    """Derived values fill empty sibling fields (family/given from a full name, a mobile
    number out of a contact's phone column); they never overwrite a value."""
    for extra, values in result.extra.items():
        rows = values.index
        target = "mobile" if extra == "is_mobile" else extra
        if target in fields and target not in frame:
            frame[target] = None
        if extra == "is_mobile" and name == "phone" and "mobile" in frame:
            move = values.fillna(False).astype(bool) & frame.loc[rows, "mobile"].isna()
            moved = rows[move.to_numpy()]
            frame.loc[moved, "mobile"] = frame.loc[moved, "phone"]
            frame.loc[moved, "phone"] = None
        elif extra == "match_key":
            column = f"_{name}_key"
            if column not in frame:
                frame[column] = None
            frame.loc[rows, column] = values
        elif extra in frame.columns:
            current = frame.loc[rows, extra]
            frame.loc[rows, extra] = current.where(current.notna(), values)


def _require(frame: pd.DataFrame, spec: TableSpec, reasons: Reasons) -> None:
    generated = set(spec.generated)
    for name, f in spec.fields.items():
        if f.required and name not in generated:
            missing = frame[name].isna() if name in frame else pd.Series(True, frame.index)
            for i in missing[missing].index:
                reasons.setdefault(i, []).append(RejectReason.MISSING_REQUIRED.at(name))


def _changes(table: str, frame: pd.DataFrame, name: str, result: Outcome,
             rule: str, cleaned: np.ndarray) -> pd.DataFrame:
    """Changed cells of the `cleaned` rows (a value, no reason), and cells the transform
    noted (`phone: well-formed, but in a range ...`); a noted cell's rule carries its note."""
    before, after = frame[name], result.values
    if result.changed is not None:  # the transform compared its distinct values
        changed = pd.Series(result.changed & cleaned, index=frame.index)
    else:
        changed = _text_changed(before, after, pd.Series(cleaned, index=frame.index))
    lineage = [c for c in LINEAGE_COLUMNS if c in frame]  # all the log reads of a row
    notes = result.notes
    if notes is None or not notes.notna().any():
        rows = frame.loc[changed, lineage]
        return changes_frame(table, rows, name, before[changed], after[changed], rule)
    noted = notes.notna().to_numpy() & result.reasons.isna().to_numpy()
    keep = changed | noted
    log = changes_frame(table, frame.loc[keep, lineage], name, before[keep], after[keep],
                        rule)
    log["rule"] = [rule if pd.isna(n) else f"{rule}: {n}" for n in notes[keep]]
    return log


def _text_changed(before: pd.Series, after: pd.Series, cleaned: pd.Series) -> pd.Series:
    """Rows of `cleaned` where str(before) != str(after), compared with one elementwise
    test: a column that holds only text is its own str, so it is not converted at all."""
    rows = cleaned.to_numpy(dtype=bool)
    changed = np.zeros(len(rows), dtype=bool)
    old, new = before.to_numpy(dtype=object)[rows], after.to_numpy(dtype=object)[rows]
    kinds = value_kinds(old), value_kinds(new)
    if len(kinds[0]) == 1 and kinds[0] == kinds[1] and kinds[0] <= _ALIKE:
        # one such type on both sides: equal values write alike and unequal ones do not,
        # so the values are compared as they are (300,000 dates: 50 -> 20 ms)
        changed[rows] = old != new
    else:
        changed[rows] = value_texts(old, kinds[0]) != value_texts(new, kinds[1])
    return pd.Series(changed, index=cleaned.index)


_ALIKE = {str, int, date}
"""Types whose values write alike exactly when they are equal (not float: 1.0 == 1,
nor datetime, which never equals a date)."""
