"""Remember a person's corrections: header → target choices, kept in a reviewable file.

When someone changes a suggested target (or sets it to null), the header they corrected
and their choice go into a small YAML file; the next suggestion uses it before anything
else. The file is plain text so a team can read, edit and share it.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from migrator.errors import MappingError
from migrator.mapping.match import fold_header, split_header
from migrator.mapping.spec import Mapping
from migrator.mapping.suggest import ProfileLike, suggest_mapping
from migrator.schema import TargetSchema

ENV = "MIGRATOR_SYNONYMS"


@dataclass(frozen=True)
class Learned:
    header: str
    """The header as the person saw it (`得意先TEL`)."""
    target: str | None
    """Their choice: `table.field`, or None for "do not load"."""
    source: str
    """Which file it was learned from."""
    learned_on: str
    """ISO date."""


def default_path() -> Path:
    """$MIGRATOR_SYNONYMS, else ~/.config/migrator/synonyms.yaml (XDG_CONFIG_HOME honoured)."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "migrator" / "synonyms.yaml"


def load_learned(path: Path | None = None) -> list[Learned]:
    path = path or default_path()
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return [Learned(str(e["header"]), e.get("target"), str(e.get("source", "")),
                        str(e.get("learned_on", ""))) for e in data.get("synonyms", [])]
    except (yaml.YAMLError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise MappingError(f"{path.name}: is not a readable synonyms file (expected "
                           "`synonyms:` with header/target entries)") from None


def as_lookup(entries: list[Learned]) -> dict[str, str | None]:
    """Folded header → target; a later entry overrides an earlier one."""
    return {fold_header(split_header(e.header)[0]): e.target for e in entries}


def corrections(edited: Mapping, suggested: Mapping) -> list[tuple[str, str | None]]:
    """(header, target) where the person's mapping differs from the fresh suggestion."""
    out: list[tuple[str, str | None]] = []
    for mine in edited.sources:
        theirs = next((s for s in suggested.sources
                       if s.file == mine.file and s.sheet == mine.sheet
                       and mine.anchor in (None, s.anchor)), None)
        if theirs is None:
            continue
        for column, target in mine.columns.items():
            fresh = theirs.columns.get(column)
            if fresh is not None and fresh.to != target.to:
                out.append((column, target.to))
    return out


def remember(changes: list[tuple[str, str | None]], source: str,
             path: Path | None = None) -> Path:
    """Add the changes to the synonyms file (atomically) and return its path."""
    path = path or default_path()
    entries = load_learned(path)
    today = dt.date.today().isoformat()
    keys = {fold_header(split_header(h)[0]) for h, _ in changes}
    entries = [e for e in entries if fold_header(split_header(e.header)[0]) not in keys]
    entries += [Learned(split_header(h)[0], t, source, today) for h, t in changes]
    doc: dict[str, Any] = {
        "version": 1,
        "synonyms": [{"header": e.header, "target": e.target, "source": e.source,
                      "learned_on": e.learned_on} for e in entries],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("# Header → target choices learned from reviewed mappings (migrator).\n"
                   + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    tmp.replace(path)
    return path


def learned_synonyms(path: Path | None = None) -> dict[str, str | None]:
    """The choices learned so far (`path`, else the default file), for suggest_mapping."""
    return as_lookup(load_learned(path))


def learn(reviewed: Mapping, prof: ProfileLike, schema: TargetSchema, *, source: str,
          path: Path | None = None) -> list[tuple[str, str | None]]:
    """Remember each column where a person's `reviewed` mapping differs from a fresh
    suggestion on the same profile; return those (header, target) choices."""
    fresh = suggest_mapping(prof, schema, learned=learned_synonyms(path))
    changes = corrections(reviewed, fresh)
    if changes:
        remember(changes, source=source, path=path)
    return changes
