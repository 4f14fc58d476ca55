"""The front door names the whole pipeline; each stage package exports its verb and result;
no stage imports another, so the pipeline reads top down and the stages side by side."""

from __future__ import annotations

import ast
import importlib

import pytest

import migrator
from tests.conftest import ROOT, fresh_python, heavy_modules_after

FRONT_DOOR = ["Mapping", "MigratorError", "RunReport", "TargetSchema", "apply_mapping", "clean",
              "dedupe", "export", "load", "load_schema", "prepare", "profile", "read_sources",
              "run", "suggest_mapping", "validate"]
STAGES = {
    "read": ("read_sources", "SourceTables"),
    "profile": ("profile", "Profile"),
    "mapping": ("apply_mapping", "MappedTables"),
    "fixes": ("apply_fixes", "Fixes"),
    "clean": ("clean", "CleanedTables"),
    "dedupe": ("dedupe", "DedupedTables"),
    "validate": ("validate", "ValidationReport"),
    "load": ("load", "LoadResult"),
    "export": ("export", "ExportResult"),
}

BEHIND_THE_FRONT_DOOR = {"apply_fixes"}
"""Stage verbs reached through their package (`from migrator.fixes import apply_fixes`):
`run(fixes=...)` and `prepare(fixes=...)` apply them."""


def test_front_door_names_the_pipeline() -> None:
    assert sorted(migrator.__all__) == FRONT_DOOR
    for name in FRONT_DOOR:
        assert getattr(migrator, name) is not None, name
    for verb in ("read_sources", "profile", "suggest_mapping", "apply_mapping", "clean",
                 "dedupe", "validate", "load", "export", "prepare", "run"):
        assert callable(getattr(migrator, verb)) and getattr(migrator, verb).__doc__, verb


@pytest.mark.parametrize("stage", STAGES)
def test_front_door_each_stage_exports_its_verb_and_result(stage: str) -> None:
    package = importlib.import_module(f"migrator.{stage}")
    verb, result = STAGES[stage]
    assert {verb, result} <= set(package.__all__)
    if verb in BEHIND_THE_FRONT_DOOR:
        assert verb not in migrator.__all__
        return
    assert getattr(migrator, verb) is getattr(package, verb) or verb == "read_sources"


def test_front_door_verbs_stay_verbs_after_their_packages_are_imported() -> None:
    printed = fresh_python(
        "import migrator; from migrator.clean.phone import phone_transform; "
        "import migrator.load.sql, migrator.validate.check, migrator.profile.html, "
        "migrator.dedupe.stage, migrator.export.writer; print([type(getattr(migrator, "
        "n)).__name__ for n in ('clean', 'load', 'validate', 'profile', 'dedupe', 'export')])")
    assert printed == "['function'" + ", 'function'" * 5 + "]"


def test_front_door_import_is_light() -> None:
    assert heavy_modules_after("import migrator") == "[]"


def test_front_door_keeps_the_read_names_of_0_1() -> None:
    from migrator import ReadError, ReadOptions, SourceTable, SourceTables  # noqa: F401


def _imports(package: str) -> set[str]:
    """Every migrator module a package's files import, at any depth of the file."""
    found = set()
    for path in (ROOT / "migrator" / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return {m for m in found if m.startswith("migrator")}


@pytest.mark.parametrize("stage", STAGES)
def test_front_door_no_stage_imports_another(stage: str) -> None:
    others = [s for s in STAGES if s != stage]
    reached = sorted(m for m in _imports(stage)
                     if any(m == f"migrator.{o}" or m.startswith(f"migrator.{o}.")
                            for o in others))
    assert reached == [], f"{stage} reaches into {reached}"
    assert "migrator.pipeline" not in _imports(stage) and "migrator" not in _imports(stage)
