"""The verbs in a row: prepare() reads through validate, run() loads what prepare returns.

This is the only module that knows every stage; each stage knows only the floor below it
(the schema, the tables that flow between stages, the reasons). A notebook makes the same
calls one cell at a time and gets the same database:

    tables  = read_sources(files)
    prof    = profile(tables)
    mapping = suggest_mapping(prof)            # or Mapping.load(path)
    mapped  = apply_mapping(tables, mapping)
    mapped  = apply_fixes(mapped, Fixes.load(path))   # a person's hand fixes, if any
    checked = validate(dedupe(clean(mapped)))
    result  = load(checked, to=url)
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from os import PathLike
from pathlib import Path

from migrator.clean import clean
from migrator.clean.ahead import CleanAhead
from migrator.dedupe import Decisions, dedupe
from migrator.dedupe import review as review_of
from migrator.dedupe.ahead import MatchAhead
from migrator.errors import MigratorError
from migrator.fixes import Fixes, apply_fixes
from migrator.gcpause import frozen_after
from migrator.heap import kept_freed
from migrator.load import load
from migrator.load.ahead import LoadAhead
from migrator.mapping import Mapping, apply_mapping, learn, learned_synonyms, suggest_mapping
from migrator.mapping.learn import default_path
from migrator.mapping.spec import LOW_CONFIDENCE
from migrator.privacy import hash_key
from migrator.profile import profile
from migrator.progress import Progress, silent
from migrator.read import ReadOptions, read_sources
from migrator.report import RunReport
from migrator.schema import TargetSchema, load_schema
from migrator.tables import (
    CleanedTables,
    DedupedTables,
    MappedTables,
    SourceTables,
    ValidationReport,
)
from migrator.urls import default_target
from migrator.validate import validate
from migrator.validate.engine import import_gx

Source = str | PathLike[str]


def find_duplicates(sources: Sequence[Source], *, mapping: Mapping | Source | None = None,
                    auto: bool = False, schema: TargetSchema | str | Path = "crm",
                    options: ReadOptions | None = None,
                    decisions: Decisions | Path | None = None, against: str | None = None,
                    fixes: Fixes | Source | None = None,
                    progress: Progress | None = None) -> DedupedTables:
    """Read, map, clean and dedupe `sources`: the clusters, merges and pairs to review;
    `against` matches them with the records already in that database too; `fixes` (a
    Fixes or a fixes YAML file) replaces a person's hand-fixed values before cleaning."""
    with kept_freed():
        return _deduped(sources, mapping=mapping, auto=auto, schema=schema, options=options,
                        decisions=decisions, against=against, fixes=fixes, progress=progress)


def _deduped(sources: Sequence[Source], *, mapping: Mapping | Source | None, auto: bool,
             schema: TargetSchema | str | Path, options: ReadOptions | None,
             decisions: Decisions | Path | None, against: str | None,
             fixes: Fixes | Source | None, progress: Progress | None,
             meanwhile: Callable[[], object] | None = None,
             before_dedupe: Callable[[CleanedTables], object] | None = None
             ) -> DedupedTables:
    tick = progress or silent
    target = schema if isinstance(schema, TargetSchema) else load_schema(schema)
    chosen = _given_mapping(mapping, auto, target)
    fixed = _given_fixes(fixes, target)
    early, work = None, None
    if chosen is not None and fixed is None:  # a suggested mapping and hand fixes wait for all
        early = CleanAhead()
        work = partial(_clean_early, early, chosen, target)
    try:
        tables = read_sources(sources, options=options, progress=tick, meanwhile=meanwhile,
                              early=work)
        mapped = _mapped(tables, chosen, target)
        if tables.meanwhile_seconds:  # the GX import that reading did not hide: validate's
            mapped.trail = mapped.trail.then("validate", tables.meanwhile_seconds)
        if tables.early_seconds:  # and the columns cleaned ahead are clean's
            mapped.trail = mapped.trail.then("clean", tables.early_seconds)
        if fixed is not None:
            mapped = apply_fixes(mapped, fixed)
        ahead = MatchAhead(mapped.schema, {t: len(f) for t, f in mapped.frames.items()},
                           against=against)
        try:
            cleaned = clean(mapped, progress=tick, then=ahead.offer, ahead=early)
            if before_dedupe is not None:
                before_dedupe(cleaned)
            return dedupe(cleaned, decisions=decisions, against=against, ahead=ahead)
        finally:
            ahead.close()
    finally:
        if early is not None:  # a clean helper it started that no stage took
            early.close()


def _clean_early(early: CleanAhead, chosen: Mapping, schema: TargetSchema,
                 tables: SourceTables, waiting: Callable[[], bool]) -> None:
    """Clean ahead the columns of the tables read so far, while the rest are read.

    Only time is at stake: tables the mapping cannot take on their own (it needs the
    others to place them) are left to the usual stages, which meet any problem there."""
    if not waiting():
        return
    try:
        mapped = apply_mapping(tables, chosen, schema)
    except MigratorError:
        return
    early.work(mapped, waiting)
    early.start_helper(mapped)


def prepare(sources: Sequence[Source], *, mapping: Mapping | Source | None = None,
            auto: bool = False, schema: TargetSchema | str | Path = "crm",
            options: ReadOptions | None = None, decisions: Decisions | Path | None = None,
            against: str | None = None, suites: Path | None = None,
            docs: Path | None = None, fixes: Fixes | Source | None = None,
            progress: Progress | None = None) -> ValidationReport:
    """Read, map, clean, dedupe and validate `sources`; stop before anything is written.

    `mapping` is a Mapping or a mapping YAML file; `auto=True` accepts the suggestion
    unreviewed instead; `decisions` are a person's merge / keep_apart choices; `against`
    is the target whose stored records the rows are matched with; `fixes` are a person's
    hand-fixed values (a Fixes or a fixes YAML file). The result is what `load` and
    `export` take.
    """
    with frozen_after() as then_freeze, kept_freed():
        deduped = _deduped(sources, mapping=mapping, auto=auto, schema=schema,
                           options=options, decisions=decisions, against=against,
                           fixes=fixes, progress=progress,
                           meanwhile=partial(then_freeze, import_gx))
        return validate(deduped, suites=suites, docs=docs, against=against,
                        progress=progress)


def run(sources: Sequence[Source], *, mapping: Mapping | Source | None = None,
        auto: bool = False, schema: TargetSchema | str | Path = "crm", to: str | None = None,
        rejects_dir: Path | None = None, dry_run: bool = False,
        options: ReadOptions | None = None, decisions: Decisions | Path | None = None,
        review: Path | None = None, suites: Path | None = None, docs: Path | None = None,
        fixes: Fixes | Source | None = None, progress: Progress | None = None) -> RunReport:
    """Run the whole pipeline on `sources` into `to`; see RunReport for what happened.

    `to` defaults to $DATABASE_URL, else `migrator.db` beside the first source; the rows
    are matched with the customers already stored there, so a client loaded last month
    is updated, not inserted again.
    `review` names a file for the duplicates that need a person (decisions format),
    written once the load committed. `fixes` (a Fixes or a fixes YAML file) are replayed
    after mapping; the report says how many applied and which are stale.
    `progress(step, done, total)` follows each step
    (`reading`, `cleaning`, `validating`, `loading`); `docs` writes GX Data Docs there.
    Into PostgreSQL, the load's tables are created while the rows are deduplicated, and
    the rows go into its transaction while they are validated (`LoadAhead`); the
    rejected ones are taken out again before anything is committed.
    """
    url = to or default_target([Path(s) for s in sources])
    run_id = uuid.uuid4().hex[:12]
    opened: list[LoadAhead] = []

    def open_load(cleaned: CleanedTables) -> None:
        if not dry_run and (ahead := LoadAhead.open(cleaned, url, run_id)) is not None:
            opened.append(ahead)

    with frozen_after() as then_freeze, kept_freed():
        try:
            deduped = _deduped(sources, mapping=mapping, auto=auto, schema=schema,
                               options=options, decisions=decisions, against=url,
                               fixes=fixes, progress=progress,
                               meanwhile=partial(then_freeze, import_gx),
                               before_dedupe=open_load)
            clock = time.perf_counter()
            ahead = opened[0] if opened and opened[0].fill(deduped) else None
            if ahead is None:  # rows made ahead that would not prepare: the load's time too
                deduped.trail = deduped.trail.then("load", time.perf_counter() - clock)
            checked = validate(deduped, suites=suites, docs=docs, against=url,
                               progress=progress)
            report = load(checked, to=url, rejects_dir=rejects_dir, dry_run=dry_run,
                          run_id=run_id, progress=progress, ahead=ahead).report
        except BaseException:
            for opened_load in opened:  # its transaction must not outlive the run
                opened_load.abandon()
            raise
    if review is not None and not dry_run:
        review_of(checked).save(review)
    return report


def _given_mapping(mapping: Mapping | Source | None, auto: bool,
                   schema: TargetSchema) -> Mapping | None:
    """The reviewed mapping, checked against the schema before any file is read."""
    if mapping is not None and auto:
        raise MigratorError("pass a mapping or auto=True (--auto), not both")
    if mapping is None:
        if not auto:
            raise MigratorError("no mapping: pass --mapping FILE (write one with migrator "
                                "suggest) or --auto to accept the suggestion unreviewed")
        return None
    chosen = mapping if isinstance(mapping, Mapping) else Mapping.load(Path(mapping))
    chosen.check(schema, file="mapping" if isinstance(mapping, Mapping) else Path(mapping).name)
    if "hash" in chosen.privacy().values():
        hash_key()  # no key: one sentence before any file is read
    return chosen


def _given_fixes(fixes: Fixes | Source | None, schema: TargetSchema) -> Fixes | None:
    """The hand fixes, read and checked against the schema before any file is read."""
    if fixes is None:
        return None
    given = fixes if isinstance(fixes, Fixes) else Fixes.load(Path(fixes))
    given.check(schema)
    return given


def _mapped(tables: SourceTables, chosen: Mapping | None,
            schema: TargetSchema) -> MappedTables:
    """apply_mapping with the given mapping, or with the suggestion (timed) for --auto."""
    if chosen is not None:
        return apply_mapping(tables, chosen, schema)
    prof = profile(tables)
    started = time.perf_counter()
    suggested = suggest_mapping(prof, schema)
    suggesting = time.perf_counter() - started
    mapped = apply_mapping(tables, suggested, schema)
    mapped.trail = mapped.trail.then("profile", prof.seconds).then("suggest", suggesting)
    return mapped


@dataclass
class SuggestResult:
    """What `migrator suggest` did: the mapping written, and the choices it learned."""

    mapping: Mapping
    output: Path
    learned: list[tuple[str, str | None]] = field(default_factory=list)
    synonyms: Path | None = None

    def __str__(self) -> str:
        lines = []
        for s in self.mapping.sources:
            where = s.where
            mapped = s.targets()
            unsure = sorted(c for c, v in s.confidence.items() if v < LOW_CONFIDENCE)
            line = f"{where}: {len(mapped)} of {len(s.columns)} columns mapped"
            if unsure:
                line += f"; check {', '.join(unsure)} (low confidence)"
            lines.append(line)
            if s.format is not None:
                lines.append(f"  recognised format: {_format_title(s.format)}")
            routed = s.pair_columns()
            if routed:
                lines.append(f"  routed by type: {len(s.pairs)} value column(s) by "
                             f"{', '.join(dict.fromkeys(p.type for p in s.pairs))}")
            left = [c for c in s.columns if c not in mapped and c not in routed]
            if left:
                lines.append("  not loaded: " + ", ".join(left))
        if self.learned:
            lines.append(f"learned {len(self.learned)} choice(s) into {self.synonyms}")
        lines.append(f"wrote {self.output}; review every target before it is used")
        return "\n".join(lines)


def _format_title(name: str) -> str:
    from migrator.mapping.formats import format_named

    known = format_named(name)
    return f"{known.title} ({name})" if known is not None else name


def suggest_files(sources: Sequence[Source], *, output: Path,
                  schema: TargetSchema | str | Path = "crm", learn_from: Path | None = None,
                  synonyms: Path | None = None, options: ReadOptions | None = None
                  ) -> SuggestResult:
    """Read and profile `sources`, learn from a reviewed mapping, suggest one and save it."""
    target = schema if isinstance(schema, TargetSchema) else load_schema(schema)
    prof = profile(read_sources(sources, options=options))
    path = synonyms or default_path()
    learned: list[tuple[str, str | None]] = []
    if learn_from is not None:
        learned = learn(Mapping.load(learn_from), prof, target, source=learn_from.name,
                        path=path)
    mapping = suggest_mapping(prof, target, learned=learned_synonyms(path))
    mapping.save(output)
    return SuggestResult(mapping, output, learned, path)

