"""The library is the product: the verbs one by one, as a notebook calls them, give exactly
the database `migrator run` gives; each verb prints itself and refuses a wrong input."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from migrator import (
    Mapping,
    apply_mapping,
    clean,
    dedupe,
    load,
    profile,
    read_sources,
    suggest_mapping,
    validate,
)
from migrator.demo import SOURCES
from migrator.errors import StageOrderError
from tests.conftest import ROOT, SAMPLE_DATA, migrator_in_process, stored_rows

FILES = [SAMPLE_DATA / n for n in SOURCES]
MAPPING = SAMPLE_DATA / "mapping.yaml"
TABLES = ["customers", "contacts", "sales", "customer_purchase_history",
          "customer_product_summary"]


def test_verbs_one_by_one_give_the_database_migrator_run_gives(
        two_targets: tuple[str, str], tmp_path: Path) -> None:
    by_cli, by_verbs = two_targets
    done = migrator_in_process("run", *FILES, "--mapping", MAPPING, "--to", by_cli,
                               "--rejects", tmp_path / "cli", "--quiet")
    assert done.returncode == 0, done.stderr

    tables = read_sources(FILES)
    mapped = apply_mapping(tables, Mapping.load(MAPPING))
    cleaned = clean(mapped)
    deduped = dedupe(cleaned)
    checked = validate(deduped)
    result = load(checked, to=by_verbs, rejects_dir=tmp_path / "verbs")

    for table in TABLES:
        assert stored_rows(by_verbs, table) == stored_rows(by_cli, table), table
    assert _rejects(by_verbs) == _rejects(by_cli)
    assert result.report.accounting_ok
    assert [len(f) for f in checked.frames.values()] == [
        t.rows_loaded for t in result.report.tables.values()]


def _rejects(url: str) -> list[tuple[object, ...]]:
    rows = stored_rows(url, "_rejects")
    return sorted((r["table_name"], r["_source_file"], r["_source_sheet"], r["_source_row"],
                   r["reasons"], r["record"]) for r in rows)


def test_verbs_results_print_the_numbers_a_person_wants_first(tmp_path: Path) -> None:
    tables = read_sources(FILES)
    prof = profile(tables)
    mapping = suggest_mapping(prof)
    mapped = apply_mapping(tables, Mapping.load(MAPPING))
    cleaned = clean(mapped)
    deduped = dedupe(cleaned)
    checked = validate(deduped)
    result = load(checked, to=f"sqlite:///{tmp_path / 'crm.db'}", rejects_dir=tmp_path)

    assert repr(tables).splitlines()[0] == "SourceTables: 8 tables from 6 files, 283 data rows"
    assert repr(prof).splitlines()[0] == "Profile: 8 tables, 72 columns, 283 data rows"
    assert repr(mapping).splitlines()[0] == "Mapping for schema crm: 8 sources, 72 columns, " \
                                            "71 mapped"
    assert repr(mapped).splitlines()[0] == ("MappedTables: 3 tables, 446 rows read, 446 kept, "
                                            "0 rejected")
    # the 4 bad phones load empty, as cell issues: no row is rejected for them
    assert repr(cleaned).splitlines()[0] == ("CleanedTables: 3 tables, 446 rows read, 446 kept, "
                                             "0 rejected")
    assert "  4 cell issues in customers (loaded empty, raw values kept)" in repr(cleaned)
    assert repr(deduped).splitlines()[0] == ("DedupedTables: 3 tables, 446 rows read, 326 kept, "
                                             "120 merged, 0 rejected")
    assert "  customers: 83 pairs compared, 40 clusters merged, 0 groups need review" in \
        repr(deduped)
    assert repr(checked).splitlines()[0] == ("ValidationReport: 3 tables, 446 rows read, "
                                             "326 kept, 120 merged, 0 rejected")
    assert "top reject reasons" not in repr(checked)
    text = repr(result)
    assert text.splitlines()[0].startswith("run ") and "succeeded" in text
    assert (f"  4 values could not be cleaned and were loaded empty (cell issues, raw values "
            f"kept): {tmp_path / f'cell-issues-{result.run_id}.csv'}") in text.splitlines()
    assert "accounting (read = loaded + merged + rejected): holds" in text
    seconds = result.report.seconds
    assert list(seconds) == ["read", "map", "clean", "dedupe", "validate", "load"]
    assert all(s >= 0 for s in seconds.values())
    assert text.splitlines()[-1].startswith("  seconds: read ")
    for shown in (tables, prof, mapping, mapped, cleaned, deduped, checked, result):
        html = shown._repr_html_()
        assert html.startswith("<table>") and "</table>" in html, type(shown).__name__


def test_verbs_refuse_the_result_of_the_wrong_stage() -> None:
    mapped = apply_mapping(read_sources(FILES[-1:]), Mapping.load(MAPPING))
    cleaned = clean(mapped)
    with pytest.raises(StageOrderError, match=r"^clean\(\) takes what apply_mapping\(\) "
                                              r"returns, not CleanedTables \(cleaned tables\)$"):
        clean(cleaned)  # type: ignore[arg-type]
    with pytest.raises(StageOrderError, match=r"^load\(\) takes what validate\(\) returns, "
                                              r"not DedupedTables"):
        load(dedupe(cleaned), to="sqlite://")  # type: ignore[arg-type]
    with pytest.raises(StageOrderError, match=r"^dedupe\(\) takes what clean\(\) returns, "
                                              r"not dict$"):
        dedupe({"customers": None})  # type: ignore[arg-type]
    with pytest.raises(StageOrderError, match=r"suggest_mapping\(profile\(tables\)\)$"):
        suggest_mapping(read_sources(FILES[-1:]))  # type: ignore[arg-type]


def test_verbs_readme_library_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The chain of verbs README shows, run as written (from a folder beside sample_data)."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Library"):readme.index("## Layout")]
    (code,) = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    (tmp_path / "sample_data").symlink_to(SAMPLE_DATA)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "accounting (read = loaded + merged + rejected): holds" in printed
    assert "  seconds: read " in printed
    assert (tmp_path / "crm.db").exists() and any((tmp_path / "rejects").iterdir())


def test_verbs_raise_the_collector_thresholds_while_they_run_and_restore_them() -> None:
    import gc

    from migrator import read_sources
    from migrator.gcpause import THRESHOLDS, fewer_collections
    from tests.conftest import SAMPLE_DATA

    before = gc.get_threshold()
    seen = []
    with fewer_collections():
        seen.append(gc.get_threshold())
        with fewer_collections():
            seen.append(gc.get_threshold())
        seen.append(gc.get_threshold())
    assert seen == [THRESHOLDS] * 3 and gc.get_threshold() == before
    assert len(read_sources([SAMPLE_DATA / "顧客台帳.xlsx"])) == 1
    assert gc.get_threshold() == before


def test_a_file_is_read_without_collector_passes_and_the_collector_comes_back() -> None:
    import gc
    import importlib

    from migrator.gcpause import no_collections
    from tests.conftest import SAMPLE_DATA

    reader = importlib.import_module("migrator.read.reader")
    states = []
    with no_collections():
        states.append(gc.isenabled())
    states.append(gc.isenabled())
    gc.disable()
    try:
        with no_collections():
            pass
        states.append(gc.isenabled())  # a caller's disabled collector stays disabled
    finally:
        gc.enable()
    passes: list[str] = []
    read = {"read_file": reader.read_file, "read_one": reader.read_one}
    reading = [""]

    def counted(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(reading[0])

    gc.callbacks.append(counted)
    try:
        with gc_thresholds(10):  # a pass every ten new containers
            for name, call in read.items():
                reading[0] = name
                assert len(call(SAMPLE_DATA / "顧客台帳.xlsx", reader.ReadOptions())) == 1
    finally:
        gc.callbacks.remove(counted)
    assert states == [False, True, False] and gc.isenabled()
    # read_file alone passes 93-135 times here (fewer once earlier tests warmed caches);
    # read_one's few passes are those of its checksum, after the read
    assert passes.count("read_file") >= 30 and passes.count("read_one") <= 5


def test_the_objects_alive_after_the_gx_import_are_frozen_until_the_block_ends() -> None:
    import gc

    from migrator.gcpause import frozen_after

    assert gc.get_freeze_count() == 0
    seen = []
    with frozen_after() as then_freeze:
        assert then_freeze(lambda: "imported") == "imported"
        seen.append(gc.get_freeze_count())
        then_freeze(lambda: None)  # once only
        seen.append(gc.get_freeze_count())
    seen.append(gc.get_freeze_count())
    with pytest.raises(KeyError), frozen_after() as then_freeze:
        then_freeze(dict)
        raise KeyError("a run that fails unfreezes too")
    seen.append(gc.get_freeze_count())
    gc.freeze()  # someone else's freeze (a server before it forks) is left as it is
    try:
        theirs = gc.get_freeze_count()
        with frozen_after() as then_freeze:
            then_freeze(dict)
        grew = gc.get_freeze_count() - theirs  # only fewer, as frozen objects are freed
    finally:
        gc.unfreeze()
    assert seen[0] > 1_000 and seen[1] <= seen[0] and seen[2:] == [0, 0] and grew <= 0


def test_a_run_leaves_nothing_frozen(tmp_path: Path) -> None:
    import gc

    from migrator import run

    run(FILES, mapping=MAPPING, to=f"sqlite:///{tmp_path / 'crm.db'}",
        rejects_dir=tmp_path)
    assert gc.get_freeze_count() == 0


@contextlib.contextmanager
def gc_thresholds(young: int) -> Iterator[None]:
    import gc

    saved = gc.get_threshold()
    gc.set_threshold(young, *saved[1:])
    try:
        yield
    finally:
        gc.set_threshold(*saved)
