"""Files read by helper processes give exactly what reading them here gives: the same
tables, lineage, skipped sheets, hashes and order, and the same error for the first file
that cannot be used."""

from __future__ import annotations

import importlib
import os
import pickle
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from migrator.errors import ReadError
from migrator.read import read_sources, workers
from migrator.read.settings import ReadOptions
from migrator.read.workers import Helper, plan
from migrator.tables import SourceTables
from tests.conftest import SAMPLE_DATA, stored_rows

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SOURCES = [SAMPLE_DATA / "顧客台帳.xlsx", SAMPLE_DATA / "部署別顧客.xlsx",
           SAMPLE_DATA / "shop_export_cp932.csv", SAMPLE_DATA / "顧客カード.xlsx",
           SAMPLE_DATA / "売上明細.xlsx"]
BAD = FIXTURES / "bad"
MB = 1 << 20


@pytest.fixture
def every_file_to_a_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sample files are small: let helpers take any file, two of them."""
    monkeypatch.setattr(workers, "HELPER_MIN_BYTES", 0)
    monkeypatch.setenv("MIGRATOR_READ_HELPERS", "2")


def serial(paths: list[Path], monkeypatch: pytest.MonkeyPatch) -> SourceTables | ReadError:
    with monkeypatch.context() as m:
        m.setenv("MIGRATOR_READ_HELPERS", "0")
        try:
            return read_sources(paths)
        except ReadError as error:
            return error


def watched_answers(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """What each helper's `outcome` returned, in order (None: it could not do its work,
    and this process read its files)."""
    answers: list[object] = []
    outcome = Helper.outcome

    def watched(self: Helper, files: list[Path]) -> object:
        answers.append(outcome(self, files))
        return answers[-1]

    monkeypatch.setattr(Helper, "outcome", watched)
    return answers


def same_tables(got: SourceTables, expected: SourceTables) -> None:
    assert [t.name for t in got] == [t.name for t in expected]
    for a, b in zip(got, expected, strict=True):
        assert (a.file, a.sheet, a.layout, a.header_rows, a.columns_at, a.cells) == (
            b.file, b.sheet, b.layout, b.header_rows, b.columns_at, b.cells)
        assert [(s.row, s.reason) for s in a.skipped] == [(s.row, s.reason) for s in b.skipped]
        pd.testing.assert_frame_equal(a.frame, b.frame)
    assert got.skipped_sheets == expected.skipped_sheets
    assert [(f.path, f.sha256, f.size) for f in got.files] == [
        (f.path, f.sha256, f.size) for f in expected.files]


def test_the_plan_gives_big_files_to_helpers_and_keeps_small_ones_here() -> None:
    # the benchmark's pair: the sales sheet to a helper, the ledger here beside the GX import
    assert plan([7 * MB, 11 * MB], meanwhile=True, helpers=1) == [0, 1]
    assert plan([11 * MB], meanwhile=True, helpers=1) == [1]
    assert plan([11 * MB], meanwhile=False, helpers=1) == [0]  # nothing to overlap with
    assert plan([6 * MB, 6 * MB], meanwhile=False, helpers=1) == [0, 1]
    assert plan([1 * MB, 2 * MB, 3 * MB], meanwhile=True, helpers=3) == [0, 0, 0]
    assert plan([20 * MB, 20 * MB, 20 * MB], meanwhile=False, helpers=0) == [0, 0, 0]
    assert sorted(plan([20 * MB, 20 * MB, 20 * MB], meanwhile=False, helpers=2)) == [0, 1, 2]


def test_a_process_that_cleans_ahead_leaves_a_helper_the_files_after_its_first() -> None:
    """The scale benchmark's 1,000,000 customers: a 74 MB ledger and three 36 MB sales
    files. Without cleaning ahead this process reads the ledger and a sales file; with it,
    the ledger only: its time after the ledger goes to cleaning the ledger's tables."""
    files = [74 * MB, 36 * MB, 36 * MB, 36 * MB]
    assert plan(files, meanwhile=True, helpers=1) == [0, 1, 1, 0]
    assert plan(files, meanwhile=True, helpers=1, early=True) == [0, 1, 1, 1]
    assert plan([7 * MB, 11 * MB], meanwhile=True, helpers=1, early=True) == [0, 1]
    # four alike: two each still, this process's first costing as before
    assert sorted(plan([20 * MB] * 4, meanwhile=True, helpers=1, early=True)) == [0, 0, 1, 1]


@pytest.mark.usefixtures("every_file_to_a_helper")
def test_helpers_read_what_this_process_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[int]] = []
    start = Helper.start.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Helper], indexes: list[int], *args: object) -> Helper:
        started.append(indexes)
        return start(cls, indexes, *args)  # type: ignore[no-any-return]

    monkeypatch.setattr(Helper, "start", classmethod(counted))
    ticks: list[tuple[int, int]] = []
    got = read_sources(SOURCES, progress=lambda _s, done, total: ticks.append((done, total)),
                       meanwhile=lambda: None)
    assert len(started) == 2 and len(sum(started, [])) >= 2  # two helpers read a share
    expected = serial(SOURCES, monkeypatch)
    assert isinstance(expected, SourceTables)
    same_tables(got, expected)
    total = sum(f.stat().st_size for f in SOURCES)
    assert ticks[0] == (0, total) and ticks[-1] == (total, total)
    assert [done for done, _ in ticks] == sorted(done for done, _ in ticks)


@pytest.mark.usefixtures("every_file_to_a_helper")
@pytest.mark.parametrize("bad", ["encrypted_workbook.xlsx", "truncated_cp932_multibyte.csv",
                                 "zip_bomb.xlsx", "empty.xlsx"])
def test_a_file_a_helper_cannot_read_is_refused_as_here(bad: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [SAMPLE_DATA / "顧客台帳.xlsx", BAD / bad, SAMPLE_DATA / "売上明細.xlsx"]
    expected = serial(paths, monkeypatch)
    assert isinstance(expected, ReadError)
    with pytest.raises(ReadError) as raised:
        read_sources(paths, meanwhile=lambda: None)
    assert str(raised.value) == str(expected) and raised.value.path == bad


@pytest.mark.usefixtures("every_file_to_a_helper")
def test_of_two_bad_files_the_first_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    for paths in ([BAD / "empty.xlsx", BAD / "binary.csv"],
                  [BAD / "binary.csv", SAMPLE_DATA / "顧客台帳.xlsx", BAD / "empty.xlsx"]):
        with pytest.raises(ReadError) as raised:
            read_sources(paths, meanwhile=lambda: None)
        assert raised.value.path == paths[0].name
        assert str(raised.value) == str(serial(paths, monkeypatch))


@pytest.mark.parametrize("helpers", ["0", "2"])
def test_meanwhile_runs_once_and_only_what_reading_did_not_hide_is_its_own(
        helpers: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "HELPER_MIN_BYTES", 0)
    monkeypatch.setenv("MIGRATOR_READ_HELPERS", helpers)
    calls: list[float] = []

    def meanwhile() -> None:
        calls.append(time.perf_counter())
        time.sleep(0.6)

    began = time.perf_counter()
    tables = read_sources(SOURCES[:2], meanwhile=meanwhile)
    wall = time.perf_counter() - began
    assert len(calls) == 1
    assert tables.seconds > 0 and tables.seconds + tables.meanwhile_seconds == pytest.approx(
        wall, abs=0.05)
    if helpers == "0":  # nothing read meanwhile: all of it is the caller's
        assert tables.meanwhile_seconds >= 0.6
    else:  # the helpers read while it slept: only what outlasted them is the caller's
        assert tables.meanwhile_seconds <= 0.6
        assert tables.seconds >= calls[0] - began


def test_early_work_has_this_processes_tables_until_a_helper_answers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    expected = serial(SOURCES, monkeypatch)
    assert isinstance(expected, SourceTables)
    monkeypatch.setenv("MIGRATOR_READ_HELPERS", "1")
    reader = importlib.import_module("migrator.read.reader")  # every other file read here
    monkeypatch.setattr(reader, "plan", lambda sizes, **_: [i % 2 for i in range(len(sizes))])
    seen: list[object] = []

    def early(tables: SourceTables, waiting: Callable[[], bool]) -> None:
        seen.append([t.name for t in tables])
        deadline = time.monotonic() + 60
        while waiting() and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append(waiting())
        time.sleep(0.4)  # work that outlasts the helpers: the caller's time

    began = time.perf_counter()
    tables = read_sources(SOURCES, meanwhile=lambda: None, early=early)
    wall = time.perf_counter() - began
    same_tables(tables, expected)
    here, waited = seen
    assert waited is False  # the helper's answer came
    assert here and set(here) < {t.name for t in tables}  # what this process read, only
    assert tables.early_seconds >= 0.35 and tables.meanwhile_seconds == 0
    assert tables.seconds + tables.early_seconds == pytest.approx(wall, abs=0.05)


def test_no_early_work_without_helpers_or_after_a_file_failed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setenv("MIGRATOR_READ_HELPERS", "0")
    tables = read_sources(SOURCES[:2], meanwhile=lambda: None,
                          early=lambda tables, waiting: calls.append(tables))
    assert calls == [] and tables.early_seconds == 0
    monkeypatch.setenv("MIGRATOR_READ_HELPERS", "1")
    reader = importlib.import_module("migrator.read.reader")
    monkeypatch.setattr(reader, "plan", lambda sizes, **_: [0] + [1] * (len(sizes) - 1))
    with pytest.raises(ReadError, match="password-protected"):  # read here, first
        read_sources([BAD / "encrypted_workbook.xlsx", *SOURCES[:2]], meanwhile=lambda: None,
                     early=lambda tables, waiting: calls.append(tables))
    assert calls == []


def test_a_killed_helper_is_one_sentence_about_its_file() -> None:
    files = [SAMPLE_DATA / "売上明細.xlsx"]
    helper = Helper.start([0], files, ReadOptions())
    os.kill(helper.process.pid, signal.SIGKILL)
    with pytest.raises(ReadError, match=r"^売上明細\.xlsx: could not be read: the process "
                       r"reading it was killed by signal 9, probably for lack of memory$"):
        helper.outcome(files)


def test_a_read_error_survives_the_trip_back() -> None:
    error = pickle.loads(pickle.dumps(ReadError("a.xlsx", "is encrypted")))
    assert (type(error), error.path, error.problem, str(error)) == (
        ReadError, "a.xlsx", "is encrypted", "a.xlsx: is encrypted")


def test_a_run_with_helpers_loads_what_a_run_without_loads(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    from migrator import run

    reports = []
    for helpers in ("0", "2"):
        monkeypatch.setattr(workers, "HELPER_MIN_BYTES", 0)
        monkeypatch.setenv("MIGRATOR_READ_HELPERS", helpers)
        url = f"sqlite:///{tmp_path / f'helpers_{helpers}.db'}"
        reports.append(run(SOURCES, auto=True, to=url, rejects_dir=tmp_path / helpers))
    alone, helped = (r.asdict() for r in reports)
    assert helped["tables"] == alone["tables"] and helped["sources"] == alone["sources"]
    assert helped["tables"]["customers"]["rows_loaded"] > 50
    for table in ("customers", "contacts", "sales"):
        rows = [[{k: v for k, v in row.items() if k != "_run_id"}
                 for row in stored_rows(f"sqlite:///{tmp_path / f'helpers_{h}.db'}", table)]
                for h in ("0", "2")]
        assert rows[0] == rows[1]


@pytest.mark.usefixtures("every_file_to_a_helper")
@pytest.mark.parametrize("trouble", ["another version", "no python", "cannot start"])
def test_a_helper_that_cannot_do_its_work_leaves_it_to_this_process(
        trouble: str, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = serial(SOURCES, monkeypatch)
    assert isinstance(expected, SourceTables)
    if trouble == "another version":  # migrator upgraded under a running kernel, say
        monkeypatch.setattr(workers, "PROTOCOL", workers.PROTOCOL + 1)
    else:  # fresh interpreters: a forked helper needs no python of its own
        monkeypatch.setenv("MIGRATOR_ZYGOTE", "0")
        monkeypatch.setattr(sys, "executable",
                            "/bin/false" if trouble == "no python" else "/nonexistent/python3")
    answers = watched_answers(monkeypatch)
    got = read_sources(SOURCES, meanwhile=lambda: None)
    same_tables(got, expected)
    assert answers == ([] if trouble == "cannot start" else [None, None])


def test_date_columns_travel_as_day_numbers_and_come_back_as_they_were() -> None:
    """Only columns of dates and blanks are packed; mixed, datetime, all-blank and
    duplicate-named columns keep their place, values and types."""
    import datetime as dt

    from migrator.tables import SourceTable

    day = dt.date(2024, 4, 1)
    frame = pd.DataFrame({
        "売上日": [day, None, dt.date(1900, 1, 1), dt.date(9999, 12, 31)],
        "mixed": [day, "2024/4/2", None, 3],
        "at": [dt.datetime(2024, 4, 1, 9, 30), None, None, None],
        "blank": [None, None, None, None],
    }, dtype=object)
    frame.insert(2, "売上日", [None, day, day, None], allow_duplicates=True)
    frame["_source_row"] = pd.Series([2, 3, 4, 5], dtype="int64")
    answer: list[object] = [SourceTables([SourceTable(file="f.xlsx", sheet="s",
                                                      frame=frame.copy())]), ReadError("g", "x")]
    packed = workers.pack_dates(answer)
    assert [(p[2], p[3]) for p in packed] == [(0, "売上日"), (2, "売上日")]
    travelled = pickle.loads(pickle.dumps(answer))
    workers.unpack_dates(travelled, pickle.loads(pickle.dumps(packed)))
    back = travelled[0][0].frame
    pd.testing.assert_frame_equal(back, frame)
    assert [type(v) for v in back.iloc[:, 0]] == [dt.date, type(None), dt.date, dt.date]
    assert back.columns.tolist() == frame.columns.tolist()


def test_a_helper_answers_tables_whose_columns_outgrow_a_pickle_frame(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """12,000 dates travel as one buffer of 96 KB: pickle hands a buffer larger than its
    64 KB frames to the stream as a view, which the helper's answer must take too."""
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["売上日", "金額"])
    for i in range(12_000):
        sheet.append([dt.date(2024, 1, 1) + dt.timedelta(days=i % 900), i * 10])
    path = tmp_path / "large_date_column.xlsx"
    book.save(path)
    expected = serial([path], monkeypatch)
    assert isinstance(expected, SourceTables)
    monkeypatch.setenv("MIGRATOR_READ_HELPERS", "1")
    reader = importlib.import_module("migrator.read.reader")
    monkeypatch.setattr(reader, "plan", lambda sizes, **_: [1] * len(sizes))
    answers = watched_answers(monkeypatch)
    got = read_sources([path])
    assert len(answers) == 1 and answers[0] is not None  # the helper's, not read again here
    same_tables(got, expected)
    assert len(got[0].frame) == 12_000


def test_a_helper_is_finished_once_its_answer_is_packed_and_pickled(tmp_path: Path) -> None:
    """What the caller does meanwhile (the GX import) is its own time only past the moment
    the helper's answer was ready to send: packing and pickling it are the read's time."""
    import subprocess
    import tempfile

    packed_at = tmp_path / "packed_at"
    slow_packing = (
        "import sys, time\n"
        "from migrator.read import workers\n"
        "pack = workers.pack_dates\n"
        "def slow(answer):\n"
        "    packed = pack(answer)\n"
        "    time.sleep(0.3)\n"
        f"    open({str(packed_at)!r}, 'w').write(repr(time.time()))\n"
        "    return packed\n"
        "workers.pack_dates = slow\n"
        "workers.main()\n")
    process = subprocess.Popen([sys.executable, "-c", slow_packing], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdin is not None
    with process.stdin:
        pickle.dump((workers.PROTOCOL, [str(SOURCES[0])], ReadOptions()), process.stdin)
    helper = Helper([0], process, tempfile.TemporaryFile())  # type: ignore[arg-type]
    answer = helper.outcome([SOURCES[0]])
    assert isinstance(answer, list) and isinstance(answer[0], SourceTables)
    assert helper.finished >= float(packed_at.read_text()) > 0
