"""suggest_mapping: a target for every source column, with a confidence, for a person to confirm.

Our own: header synonyms alone (what importers do) miss Japanese headers and columns
whose header lies; values alone cannot tell a company phone from a fax. Each column is
scored against every target field by its header (schema synonyms, learned choices,
fuzzy spelling) and by what its values are (the profile's semantic type), then targets
are assigned best-first so that each field is fed by at most one column of a table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from migrator.errors import MappingError, StageOrderError
from migrator.lineage import SOURCE_ROW, SOURCE_SHEET
from migrator.mapping.address import address_groups
from migrator.mapping.formats import ExportFormat, recognise
from migrator.mapping.match import best_header_score, fold_header, split_header
from migrator.mapping.names import join_name_parts, latin_columns
from migrator.mapping.roles import PERSON, Roles, next_numbered, roles
from migrator.mapping.spec import CardCells, ColumnTarget, Mapping, PairRoute, SourceSpec
from migrator.schema import FieldSpec, TargetSchema, load_schema
from migrator.tables import SourceTable, SourceTables

THRESHOLD = 0.45
PART_CONFIDENCE = 0.8
"""A family/given pair joined into one field is a rule, not a score: sure, not certain."""
FORMAT_CONFIDENCE = 0.95
"""A column a recognised format names: known, yet a person should still glance at it."""
LINE_SIGNS = 3
"""Strong line columns (date, product, quantity...) that make a sheet a list of lines."""
# Semantic types that say what a value IS, strongly enough to veto a header.
_SPECIFIC = {"email", "phone", "postal_code", "date", "wareki_date", "kana", "url", "region"}
# ...and those that name a field without any header (many fields hold dates; one holds URLs).
_SELF_EVIDENT = {"email", "phone", "postal_code", "url", "region", "kana"}
_SAME = {"wareki_date": "date"}
_COMPANY_SIDE = {"contacts.department", "contacts.title"}
_IN_CHARGE = re.compile(r"担当|対応者|salesrep|accountmanager|accountowner|owner")
"""Headers (folded) of the person in charge of a customer, never the customer."""
"""Targets that say a sheet lists a company's people, not person customers."""


@dataclass(frozen=True)
class Candidate:
    column: str
    target: str
    score: float
    rank: int


class _Semantic(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def confidence(self) -> float: ...


class _Personal(Protocol):
    @property
    def kind(self) -> str: ...


class _ColumnProfile(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def semantic(self) -> _Semantic: ...
    @property
    def personal(self) -> _Personal | None: ...


class _TableProfile(Protocol):
    @property
    def source(self) -> SourceTable | None: ...
    @property
    def columns(self) -> Sequence[_ColumnProfile]: ...


class ProfileLike(Protocol):
    """What suggest reads of a Profile: each table's source and its columns' semantics."""

    @property
    def tables(self) -> Sequence[_TableProfile]: ...


def suggest_mapping(prof: ProfileLike, schema: TargetSchema | str | Path = "crm", *,
                    learned: dict[str, str | None] | None = None) -> Mapping:
    """A Mapping with one source per profiled table; every column gets `table.field` or null.

    Takes what `profile` returns (the columns' semantic types come from it). `learned`
    maps folded headers to the targets a person chose before.

    Example:
        >>> mapping = suggest_mapping(profile(read_sources(["sample_data/顧客台帳.xlsx"])))
        >>> mapping.sources[0].columns["TEL"].to
        'customers.phone'
    """
    if isinstance(prof, SourceTables):
        raise StageOrderError("suggest_mapping() takes what profile() returns (the columns' "
                              "semantic types), not SourceTables: suggest_mapping(profile("
                              "tables))")
    target = schema if isinstance(schema, TargetSchema) else load_schema(schema)
    found = roles(target)
    sources = []
    for table_profile in prof.tables:
        if table_profile.source is None:
            raise MappingError("suggest_mapping takes what profile() returns; this profile "
                               "does not hold its source tables")
        spec = _suggest_one(table_profile.source, table_profile, target, found, learned or {})
        sources.append(spec)
    return Mapping(schema=target.name, sources=_anchored(sources, prof))


def _anchored(sources: list[SourceSpec], prof: ProfileLike) -> tuple[SourceSpec, ...]:
    """Each source of a sheet that holds several tables, anchored at its own table's cell.

    A sheet with one table keeps a source without an anchor, as before the key existed.
    """
    where = [(s.file, s.sheet, s.layout) for s in sources]
    out = []
    for spec, table_profile in zip(sources, prof.tables, strict=True):
        table = table_profile.source
        if table is not None and where.count((spec.file, spec.sheet, spec.layout)) > 1:
            spec = spec.model_copy(update={"anchor": table.anchor})
        out.append(spec)
    return tuple(out)


def _suggest_one(table: SourceTable, table_profile: _TableProfile, schema: TargetSchema,
                 found: Roles, learned: dict[str, str | None]) -> SourceSpec:
    semantics = {c.name: _semantic(c) for c in table_profile.columns}
    scores = {c: _score_all(c, semantics.get(c, ("text", 0.0)), schema, learned)
              for c in table.columns}
    allowed = _allowed_tables(scores, schema, found)
    known = recognise(table.columns)
    fixed = _from_format(known, table.columns, schema)
    pairs = [p.model_copy(update={"to": {k: v if v and _has_field(schema, v) else None
                                         for k, v in p.to.items()}})
             for p in (known.pair_routes(table.columns) if known is not None else [])]
    if known is not None:
        fixed = _name_the_person(table.columns, fixed, pairs, found, schema)
        taken = {t.to for t in fixed.values()}
        scores = {c: [] if c in fixed else [x for x in cands if x.target not in taken]
                  for c, cands in scores.items()}
    chosen = _assign(scores, allowed)
    parts: dict[str, tuple[str, int]] = {}
    person = False
    if known is None:
        chosen, person = _person_customer(scores, chosen, found)
        tops = {c: next((x.target for x in scores[c] if x.target.split(".")[0] in allowed),
                        None) for c in table.columns}
        kinds = {c: semantics.get(c, ("text", 0.0))[0] for c in table.columns}
        chosen = address_groups(table.frame[table.columns], chosen, tops, kinds, schema, _like)
        chosen = _continue_groups(table.columns, chosen, schema)
        parts = join_name_parts(table.columns, chosen, found, schema,
                                latin=latin_columns(table.frame, table.columns))
        person = person or any(to == found.party_name for to, _ in parts.values()) or any(
            c.target == found.party_name and semantics.get(c.column, ("", 0))[0] == "person_name"
            for c in chosen.values())
    else:  # a personal address book: its customers are the people it names
        person = any(t.to == found.party_name and t.part is not None for t in fixed.values())
    columns = {c: fixed[c] if c in fixed
               else ColumnTarget(to=parts[c][0], part=parts[c][1]) if c in parts
               else ColumnTarget(to=chosen[c].target if c in chosen else None)
               for c in table.columns}
    routed = {c for p in pairs for c in (p.type, p.value)}
    confidence = _confidence(table.columns, columns, chosen, scores, allowed)
    confidence.update({c: FORMAT_CONFIDENCE for c in fixed.keys() | routed})
    confidence.update({c: PART_CONFIDENCE for c in parts})
    confidence = {c: confidence[c] for c in table.columns if c in confidence}
    columns = {c: t if t.to is not None or c in routed
               else t.model_copy(update={"privacy": "drop"})
               for c, t in columns.items()}  # what feeds nothing is not collected
    personal = {c.name: c.personal.kind for c in table_profile.columns
                if c.personal is not None and c.name in columns
                and (columns[c.name].to is not None or c.name in routed)}
    return SourceSpec(
        file=table.file, sheet=None if table.layout == "card" else table.sheet,
        layout=table.layout, header_rows=tuple(table.header_rows), columns=columns,
        confidence=confidence, cells=dict(table.cells), card_cells=_card_cells(table),
        personal=personal,
        format=known.name if known is not None else None, pairs=tuple(pairs),
        defaults=_defaults(person, columns, found))


def _card_cells(table: SourceTable) -> tuple[CardCells, ...]:
    """The cards whose value cells differ from the usual ones, with only those labels."""
    out = []
    lineage = zip(table.frame[SOURCE_SHEET], table.frame[SOURCE_ROW], strict=True)
    for (sheet, row), where in zip(lineage, table.value_cells, strict=False):
        differ = {label: cell for label, cell in where.items() if table.cells.get(label) != cell}
        if differ:
            out.append(CardCells(sheet=str(sheet), row=int(row), cells=differ))
    return tuple(out)


def _defaults(person: bool, columns: dict[str, ColumnTarget],
              found: Roles) -> dict[str, str]:
    """`customer_type: person` for a list of people: no column feeds the type and none
    belongs to a company's side (a department, a title: that is a company's staff)."""
    taken = {t.to for t in columns.values() if t.to}
    if person and found.party_type and found.party_type not in taken \
            and not taken & _COMPANY_SIDE:
        return {found.party_type: PERSON}
    return {}


def _from_format(known: ExportFormat | None, columns: Sequence[str],
                 schema: TargetSchema) -> dict[str, ColumnTarget]:
    """The recognised format's targets for `columns`, those the schema has (a schema of
    your own may lack some: those columns are matched as usual)."""
    if known is None:
        return {}
    out = {}
    for column, target in known.column_targets(columns).items():
        if target.to is None or _has_field(schema, target.to):
            out[column] = target
    return out


def _name_the_person(columns: Sequence[str], fixed: dict[str, ColumnTarget],
                     pairs: Sequence[PairRoute], found: Roles,
                     schema: TargetSchema) -> dict[str, ColumnTarget]:
    """An export without its organisation column (a personal address book) names no
    customer: the customer is the person, named by family + given name as in a plain
    sheet, so its rows are not all rejected for a missing name."""
    fed = {t.to for t in fixed.values()} | {t for p in pairs for t in p.to.values()}
    if found.party_name is None or found.party_name in fed:
        return fixed
    chosen = {c: Candidate(c, t.to, FORMAT_CONFIDENCE, 0) for c, t in fixed.items() if t.to}
    joined = join_name_parts(columns, chosen, found, schema)
    return {**fixed, **{c: ColumnTarget(to=to, part=n) for c, (to, n) in joined.items()
                        if to == found.party_name}}


def _has_field(schema: TargetSchema, target: str) -> bool:
    table, _, name = target.partition(".")
    return table in schema.tables and name in schema.tables[table].fields


def _confidence(names: Sequence[str], columns: dict[str, ColumnTarget],
                chosen: dict[str, Candidate], scores: dict[str, list[Candidate]],
                allowed: list[str]) -> dict[str, float]:
    """A chosen target's score; for a null, how sure that no field fits (1.0: nothing
    came close)."""
    out = {c: round(min(chosen[c].score, 1.0), 2) for c in names
           if c in chosen and columns[c].to is not None}
    for c in names:
        if columns[c].to is None:
            best = max((cand.score for cand in scores[c]
                        if cand.target.split(".")[0] in allowed), default=0.0)
            out[c] = round(max(0.0, 1.0 - best), 2)
    return out


def _like(column: str, target: str, like: Candidate | None) -> Candidate:
    """A group part's choice, as sure as the part the group was chosen by (as
    _continue_groups does)."""
    score, rank = (like.score, like.rank) if like is not None else (THRESHOLD, 0)
    return Candidate(column, target, score, rank)


def _semantic(column: _ColumnProfile) -> tuple[str, float]:
    return str(column.semantic.type), float(column.semantic.confidence)


def _synonyms(field: FieldSpec) -> list[str]:
    return [s for words in field.synonyms.values() for s in words]


def _score_all(column: str, semantic: tuple[str, float], schema: TargetSchema,
               learned: dict[str, str | None]) -> list[Candidate]:
    """Every target's score for one column, best first."""
    key = fold_header(split_header(column)[0])
    if key in learned:
        target = learned[key]
        return [] if target is None else [Candidate(column, target, 1.01, -1)]
    out = []
    for table_name, table in schema.tables.items():
        for field_name, field in table.fields.items():
            header, rank = best_header_score(column, _synonyms(field))
            fit = _value_fit(semantic, field.semantic)
            if header == 0 and semantic[0] not in _SELF_EVIDENT:
                continue
            score = _combine(header, fit)
            if score > 0:
                out.append(Candidate(column, f"{table_name}.{field_name}", score, rank))
    return sorted(out, key=lambda c: (-c.score, c.rank))


def _value_fit(semantic: tuple[str, float], wanted: str | None) -> float:
    """+confidence when the values are what the field holds, -confidence when they clash."""
    kind, confidence = semantic
    kind = _SAME.get(kind, kind)
    wanted = _SAME.get(wanted or "text", wanted or "text")
    if kind == wanted:
        return confidence
    if kind in _SPECIFIC and (wanted in _SPECIFIC or wanted != "text"):
        return -confidence
    return 0.0


def _combine(header: float, fit: float) -> float:
    """Header first, values second; values alone suffice for unmistakable kinds.

    A values-only suggestion scores at most 0.7, so it is always shown as one to check.
    """
    if header > 0:
        return 0.75 * header + 0.25 * fit + (0.0 if fit >= 0 else 0.25 * fit)
    return 0.3 + 0.4 * fit if fit >= 0.6 else 0.0


def _allowed_tables(scores: dict[str, list[Candidate]], schema: TargetSchema,
                    found: Roles) -> list[str]:
    """Which target tables this source feeds: lines (sales), parties (customers, with their
    people), or both. A line table needs LINE_SIGNS strong columns of its own."""
    strong = {c.target for cands in scores.values() for c in cands[:1] if c.score >= 0.7}
    party = len(strong & found.party_signs)
    lines = [t for t, signs in found.line_signs if len(strong & signs) >= LINE_SIGNS]
    if lines and party == 0:
        return lines
    return [t for t in schema.tables if t not in found.line_tables or t in lines]


def _assign(scores: dict[str, list[Candidate]], allowed: list[str]) -> dict[str, Candidate]:
    """Best-first: each column gets its best free target, each target one column."""
    order = {t: i for i, t in enumerate(allowed)}
    pool = [c for cands in scores.values() for c in cands
            if c.target.split(".")[0] in order and c.score >= THRESHOLD]
    # Ties go to the table listed first (an unqualified TEL is the customer's), then to
    # the field whose synonym list names the header earlier (会社名 before 氏名).
    pool.sort(key=lambda c: (-c.score, order[c.target.split(".")[0]], c.rank))
    chosen: dict[str, Candidate] = {}
    taken: set[str] = set()
    for cand in pool:
        if cand.column in chosen or cand.target in taken:
            continue
        chosen[cand.column] = cand
        taken.add(cand.target)
    return chosen


def _person_customer(scores: dict[str, list[Candidate]], chosen: dict[str, Candidate],
                     found: Roles) -> tuple[dict[str, Candidate], bool]:
    """No company name but a person's name: the customer is that person (a shop member).

    The party's name is required; a sheet of people (氏名 or Name with no 会社名) would
    otherwise load customers without names and put every name on a contact. A sheet of
    a company's people (a department or a title beside the name) is not a list of
    customers, nor is a name headed as the one in charge (担当者, Sales Rep): a log of
    calls or visits names who handled a customer. True when the name moved: the rows
    are person customers.
    """
    taken = {c.target for c in chosen.values()}
    if found.party_name is None or found.party_name in taken or taken & _COMPANY_SIDE:
        return chosen, False
    for column, cand in chosen.items():
        if cand.target == found.person_name and not _IN_CHARGE.search(fold_header(column)):
            alt = next((c for c in scores[column] if c.target == found.party_name), None)
            moved = alt or Candidate(column, found.party_name, cand.score, cand.rank)
            return {**chosen, column: moved}, True
    return chosen, False


def _continue_groups(columns: Sequence[str], chosen: dict[str, Candidate],
                     schema: TargetSchema) -> dict[str, Candidate]:
    """`住所`, `住所 (2)`: the continuation of a numbered field (address_line1) feeds the
    next one (address_line2)."""
    out = dict(chosen)
    taken = {c.target for c in out.values()}
    for column in columns:
        base, n = split_header(column)
        head = out.get(base)
        target = next_numbered(head.target, schema) if head is not None else None
        if n < 2 or head is None or target is None:
            continue
        if n == 2 and target not in taken:
            out[column] = Candidate(column, target, head.score, head.rank)
            taken.add(target)
    return out
