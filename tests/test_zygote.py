"""The zygote forks the helpers warm; what the stages see of a helper does not change."""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from migrator import zygote
from migrator.interpreters import _env, prestart, start_helper, stop_helper
from migrator.read import ReadOptions, read_sources
from migrator.read.workers import PROTOCOL, Helper

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "売上明細.xlsx"

pytestmark = pytest.mark.skipif(not zygote.supported(), reason="the zygote forks on Linux only")


@pytest.fixture(autouse=True)
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts with a zygote of its own, ready, and leaves none behind."""
    monkeypatch.delenv("MIGRATOR_ZYGOTE", raising=False)
    zygote.stop()
    monkeypatch.setattr(zygote, "_failed", None)
    yield
    zygote.stop()


def ready() -> zygote.Zygote:
    """This process's zygote, started, once it forks warm."""
    started = zygote._started(_env())
    assert started is not None and started.ready.wait(timeout=60)
    return started


def test_a_helper_asked_for_while_the_zygote_imports_is_forked_without_waiting(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIGRATOR_ZYGOTE", "exec")  # a fresh zygote, which imports first
    helper = Helper.start([0], [SAMPLE], ReadOptions())  # starts the zygote, writes its question
    assert isinstance(helper.process, zygote.Forked)
    running = zygote._zygote
    assert running is not None and not running.ready.is_set()  # returned while it imports
    got = helper.outcome([SAMPLE])
    assert got is not None and helper.process.returncode == 0 and running.ready.is_set()


def test_running_tells_a_zygote_that_forks_at_once_from_none_or_one_still_importing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert not zygote.running()  # none yet
    monkeypatch.setenv("MIGRATOR_ZYGOTE", "exec")  # a fresh zygote, which imports first
    started = zygote._started(_env())
    assert started is not None and not started.ready.is_set() and not zygote.running()
    assert started.ready.wait(timeout=60) and zygote.running()
    zygote.stop()
    assert not zygote.running()


def test_a_helper_runs_at_the_niceness_asked_for() -> None:
    ready()
    errors = tempfile.TemporaryFile()
    process = start_helper("migrator.read.workers", errors, nice=7)
    assert os.getpriority(os.PRIO_PROCESS, process.pid) == 7
    stop_helper(process, errors)


def test_a_helper_is_forked_and_reads_what_this_process_reads() -> None:
    ready()
    helper = Helper.start([0], [SAMPLE], ReadOptions())
    assert isinstance(helper.process, zygote.Forked)
    got = helper.outcome([SAMPLE])
    assert got is not None and helper.process.returncode == 0
    here = read_sources([SAMPLE])
    assert len(got[0]) == len(here)
    assert all(t.frame.equals(h.frame) for t, h in zip(got[0], here, strict=True))


def test_helpers_exit_codes_come_back_as_popen_gives_them() -> None:
    ready()
    errors = tempfile.TemporaryFile()
    process = start_helper("migrator.read.workers", errors)
    assert isinstance(process, zygote.Forked) and process.stdin is not None
    with process.stdin:  # another version's question: the helper exits 3
        pickle.dump((PROTOCOL + 1, [], None), process.stdin)
    assert process.wait(timeout=30) == 3 and process.poll() == 3
    stop_helper(process, errors)

    errors = tempfile.TemporaryFile()
    process = start_helper("migrator.read.workers", errors)
    assert process.poll() is None
    with pytest.raises(subprocess.TimeoutExpired):
        process.wait(timeout=0.2)  # it waits for its question
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL
    stop_helper(process, errors)


def test_a_helper_writes_its_errors_where_it_is_told() -> None:
    ready()
    errors = tempfile.TemporaryFile()
    process = start_helper("migrator.read.workers", errors)
    assert process.stdin is not None
    with process.stdin:
        process.stdin.write(b"not a pickle")
    assert process.wait(timeout=30) == 1
    errors.seek(0)
    assert b"UnpicklingError" in errors.read()
    stop_helper(process, errors)


def test_forking_leaves_no_descriptor_open_here() -> None:
    ready()
    def open_fds() -> int:
        return len(os.listdir("/proc/self/fd"))

    errors = tempfile.TemporaryFile()
    stop_helper(start_helper("migrator.read.workers", errors), errors)  # the zygote's own
    before = open_fds()
    for _ in range(5):
        errors = tempfile.TemporaryFile()
        stop_helper(start_helper("migrator.read.workers", errors), errors)
    assert open_fds() == before


def test_without_a_zygote_helpers_are_fresh_interpreters(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setenv("MIGRATOR_ZYGOTE", "0")
    errors = tempfile.TemporaryFile()
    process = start_helper("migrator.read.workers", errors)
    assert isinstance(process, subprocess.Popen) and zygote._zygote is None
    stop_helper(process, errors)


def test_a_zygote_that_died_is_not_started_again_and_helpers_start_fresh() -> None:
    ready()
    errors = tempfile.TemporaryFile()
    stop_helper(start_helper("migrator.read.workers", errors), errors)
    running = zygote._zygote
    assert running is not None
    running.process.kill()
    running.process.wait()
    deadline = time.monotonic() + 10
    while running.alive and time.monotonic() < deadline:
        time.sleep(0.01)
    for _ in range(2):
        errors = tempfile.TemporaryFile()
        process = start_helper("migrator.read.workers", errors)
        assert isinstance(process, subprocess.Popen)
        stop_helper(process, errors)
    assert zygote._zygote is None


def test_the_zygote_ends_with_its_socket_and_then_counts_in_our_children() -> None:
    """What the benchmark reads: a forked helper is the zygote's child, not ours, so
    `RUSAGE_CHILDREN` holds nothing of it until `stop` ended and reaped the zygote."""
    from tests.conftest import fresh_python

    printed = fresh_python(
        "import resource; from pathlib import Path; from migrator import zygote; "
        "from migrator.read import ReadOptions; from migrator.read.workers import Helper; "
        f"sample = Path({str(SAMPLE)!r}); z = zygote._started(__import__("
        "'migrator.interpreters').interpreters._env()); z.ready.wait(60); "
        "helper = Helper.start([0], [sample], ReadOptions()); "
        "print(type(helper.process).__name__, helper.outcome([sample]) is not None); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
        "zygote.stop(); print(z.process.poll() is not None, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss > 50_000)")
    assert printed.splitlines() == ["Forked True", "0", "True True"]


def test_prestart_starts_it_only_for_files_helpers_read(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    monkeypatch.setattr("migrator.interpreters._cores", lambda: 2)
    prestart([1_000, 2_000_000])
    assert zygote._zygote is None
    prestart([1_000, 5 << 20])
    assert zygote._zygote is not None and zygote._zygote.alive


def test_a_fork_of_this_process_gets_a_zygote_of_its_own() -> None:
    ready()
    errors = tempfile.TemporaryFile()
    stop_helper(start_helper("migrator.read.workers", errors), errors)
    ours = zygote._zygote
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        code = 1
        try:
            theirs = ready()
            failing = tempfile.TemporaryFile()
            process = start_helper("migrator.read.workers", failing)
            os.write(write, b"1" if isinstance(process, zygote.Forked)
                     and theirs is not ours else b"0")
            stop_helper(process, failing)
            code = 0
        finally:
            sys.stderr.flush()
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as answer:
        said = answer.read()
    _, status = os.waitpid(pid, 0)
    assert said == b"1" and os.waitstatus_to_exitcode(status) == 0


def test_a_zygote_that_cannot_start_leaves_helpers_to_fresh_interpreters(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIGRATOR_ZYGOTE", "exec")
    monkeypatch.setattr(sys, "executable", "/bin/false")  # starts, and ends at once
    errors = tempfile.TemporaryFile()
    process = start_helper("migrator.read.workers", errors)
    assert process.wait(timeout=30) == 1
    if isinstance(process, zygote.Forked):  # asked of it before it ended: never forked
        with pytest.raises(ProcessLookupError):
            process.pid  # noqa: B018
    stop_helper(process, errors)
    errors = tempfile.TemporaryFile()
    process = start_helper("migrator.read.workers", errors)
    assert isinstance(process, subprocess.Popen) and process.wait(timeout=30) == 1
    stop_helper(process, errors)
    assert zygote._zygote is None and zygote._failed == os.getpid()


def test_a_zygote_that_does_not_answer_is_ended_when_its_helper_is_stopped(
        monkeypatch: pytest.MonkeyPatch) -> None:
    running = ready()
    monkeypatch.setattr(zygote, "REPLY_WAIT", 0.5)
    os.kill(running.process.pid, signal.SIGSTOP)  # it reads no request and forks nothing
    try:
        errors = tempfile.TemporaryFile()
        process = start_helper("migrator.read.workers", errors)
        assert isinstance(process, zygote.Forked)
        began = time.monotonic()
        stop_helper(process, errors)
        assert time.monotonic() - began < 5
        assert process.returncode == 1 and not running.alive
        assert running.process.poll() == -signal.SIGKILL
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(running.process.pid, signal.SIGCONT)


def test_a_process_running_one_thread_forks_its_zygote_which_keeps_only_its_socket() -> None:
    """Forked, the zygote has this process's imports at once; like a fresh one it holds
    no descriptor of ours but its socket, its standard streams on /dev/null, and it is
    our child, so its end is heard and its helpers' time counted as before."""
    from tests.conftest import fresh_python

    printed = fresh_python(
        "import os, resource; from pathlib import Path; from migrator import zygote; "
        "from migrator.interpreters import _env; "
        "from migrator.read import ReadOptions; from migrator.read.workers import Helper; "
        f"sample = Path({str(SAMPLE)!r}); kept = open(os.devnull); "
        "z = zygote._started(_env()); z.ready.wait(60); "
        "fds = [os.readlink(f'/proc/{z.process.pid}/fd/' + f) for f in "
        "sorted(os.listdir(f'/proc/{z.process.pid}/fd'), key=int)]; "
        # its next round of imports may hold a package's folder or source open a moment
        "fds = fds[:3] + [f for f in fds[3:] if not (os.path.isdir(f) or "
        "f.endswith(('.py', '.pyc', '.so')))]; "
        "print(type(z.process).__name__, fds[:3] == [os.devnull] * 3, "
        "sorted(f.split(':')[0] for f in fds[3:]), len(set(fds[3:]))); "
        "helper = Helper.start([0], [sample], ReadOptions()); "
        "print(type(helper.process).__name__, helper.outcome([sample]) is not None); "
        "zygote.stop(); print(z.process.poll(), "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss > 50_000)")
    # beyond fds 0-2: its socket and the two ends of its own wake-up pipe (main())
    assert printed.splitlines() == ["_Child True ['pipe', 'pipe', 'socket'] 2",
                                    "Forked True", "0 True"]


def test_a_process_running_other_threads_or_asking_for_exec_starts_a_fresh_zygote(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert not zygote.alone()
        assert isinstance(ready().process, subprocess.Popen)
    finally:
        stop.set()
        other.join()
    zygote.stop()
    monkeypatch.setattr(zygote.threading, "active_count", lambda: 1)
    monkeypatch.setattr(zygote, "_resident", lambda: zygote.FORK_RSS)  # a test worker grows
    assert zygote.alone() == (threading.current_thread() is threading.main_thread())
    monkeypatch.setattr(zygote, "_resident", lambda: zygote.FORK_RSS + 1)
    assert not zygote.alone()  # what it holds would stay held in the fork
    monkeypatch.undo()
    monkeypatch.setenv("MIGRATOR_ZYGOTE", "exec")
    monkeypatch.setattr(zygote.threading, "active_count", lambda: 1)
    assert not zygote.alone()
    assert isinstance(ready().process, subprocess.Popen)


def test_a_forked_zygote_runs_none_of_this_process_s_signal_handlers(tmp_path: Path) -> None:
    from tests.conftest import fresh_python

    ran = tmp_path / "handler ran"
    printed = fresh_python(
        "import os, signal; from migrator import zygote; from migrator.interpreters import _env; "
        f"signal.signal(signal.SIGTERM, lambda *_: open({str(ran)!r}, 'w').close()); "
        "z = zygote._started(_env()); z.ready.wait(60); os.kill(z.process.pid, signal.SIGTERM); "
        "print(type(z.process).__name__, z.process.wait(timeout=30))")
    assert printed == f"_Child {-signal.SIGTERM}" and not ran.exists()
