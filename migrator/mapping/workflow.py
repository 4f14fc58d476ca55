"""The `suggest` command's work: read, profile, learn from a reviewed mapping, suggest, save."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrator.mapping.learn import as_lookup, corrections, default_path, load_learned, remember
from migrator.mapping.spec import Mapping
from migrator.mapping.suggest import suggest_mapping


@dataclass
class SuggestResult:
    mapping: Mapping
    output: Path
    learned: list[tuple[str, str | None]] = field(default_factory=list)
    synonyms: Path | None = None

    def __str__(self) -> str:
        lines = []
        for s in self.mapping.sources:
            where = f"{s.file} [{s.sheet}]" if s.sheet else s.file
            mapped = s.targets()
            unsure = sorted(c for c, v in s.confidence.items() if v < 0.7)
            line = f"{where}: {len(mapped)} of {len(s.columns)} columns mapped"
            if unsure:
                line += f"; check {', '.join(unsure)} (low confidence)"
            lines.append(line)
            left = [c for c in s.columns if c not in mapped]
            if left:
                lines.append("  not loaded: " + ", ".join(left))
        if self.learned:
            lines.append(f"learned {len(self.learned)} choice(s) into {self.synonyms}")
        lines.append(f"wrote {self.output}; review every target before it is used")
        return "\n".join(lines)


def suggest_files(sources: Sequence[Path], *, output: Path, schema: str = "crm",
                  learn_from: Path | None = None, synonyms: Path | None = None,
                  options: Any = None) -> SuggestResult:
    """Read `sources`, suggest a mapping (after learning from `learn_from`), save it."""
    from migrator.profile import profile
    from migrator.read import read_sources
    from migrator.schema import load_schema

    target = load_schema(schema)
    tables = read_sources(sources, options=options)
    profiles = [profile(t) for t in tables]
    path = synonyms or default_path()
    learned: list[tuple[str, str | None]] = []
    if learn_from is not None:
        reviewed = Mapping.load(learn_from)
        fresh = suggest_mapping(tables, target, profiles=profiles,
                                learned=as_lookup(load_learned(path)))
        learned = corrections(reviewed, fresh)
        if learned:
            remember(learned, source=learn_from.name, path=path)
    mapping = suggest_mapping(tables, target, profiles=profiles,
                              learned=as_lookup(load_learned(path)))
    mapping.save(output)
    return SuggestResult(mapping, output, learned, path)
