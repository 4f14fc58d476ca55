"""Helper processes: fresh interpreters that take a stage's work over pipes.

Reading and cleaning are Python under one GIL, so threads do not spread them over cores;
another process does. Helpers are fresh interpreters (`python -m <module>`), not forks: a
fork of a process that runs threads (a Jupyter kernel, rich's progress display) can
deadlock in the child, and a spawned `multiprocessing` child re-imports the caller's
`__main__`, which re-runs an unguarded user script. One fresh interpreter, the zygote
(`migrator.zygote`), imports what helpers need once and forks them (Linux); elsewhere
each helper's startup (about 0.6 s with pandas) is paid on its own core while this
process works.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Protocol

from migrator import zygote


def spare_cores(variable: str, most: int) -> int:
    """How many helpers may run at once: one per usable core beyond this one, at most `most`.

    The environment `variable` overrides it (0: everything in this process)."""
    given = os.environ.get(variable, "").strip()
    if given.isdigit():
        return int(given)
    return max(0, min(most, _cores() - 1))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _env() -> dict[str, str]:
    """This process's environment, with this copy of migrator importable."""
    package_root = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([package_root, *filter(None, [env.get("PYTHONPATH")])])
    return env


class HelperProcess(Protocol):
    """A helper as the stages use it: `subprocess.Popen`, or one the zygote forked."""

    @property
    def pid(self) -> int: ...

    stdin: IO[bytes] | None
    stdout: IO[bytes] | None

    def poll(self) -> int | None: ...

    def wait(self, timeout: float | None = None) -> int: ...

    def kill(self) -> None: ...


HELPED_BYTES = 4 << 20
"""A file this large or larger is read by a helper (`migrator.read.workers`)."""


def prestart(sizes: Sequence[int]) -> None:
    """Start the zygote now when files of `sizes` will be read by helpers: a command calls
    this before it imports the stages (0.8 s), so that the zygote is warm when the first
    helper is wanted and forks it at once."""
    if any(size >= HELPED_BYTES for size in sizes) and _cores() > 1:
        zygote.prestart(_env())


def start_helper(module: str, errors: IO[bytes], nice: int = 0) -> HelperProcess:
    """`python -m module` with this copy of migrator importable, stdin and stdout piped,
    stderr to `errors`, at niceness `nice` where allowed: forked by the zygote where it
    can, else a fresh interpreter."""
    env = _env()
    process: HelperProcess | None = zygote.forked(module, errors, env, nice)
    if process is None:
        process = subprocess.Popen([sys.executable, "-m", module], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=errors, env=env)
        if nice:
            with contextlib.suppress(OSError, AttributeError):  # not Linux, or not allowed
                os.setpriority(os.PRIO_PROCESS, process.pid, nice)
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            _widen(stream.fileno())
    return process


def stop_helper(process: HelperProcess, errors: IO[bytes],
                threads: Sequence[threading.Thread] = ()) -> None:
    """Kill a helper if it still runs (its caller gave up, was interrupted or is done),
    join the `threads` that talked to it, and let go of its pipes and `errors`."""
    if process.poll() is None:
        process.kill()
    process.wait()
    for thread in threads:
        thread.join(timeout=5)
    for stream in (process.stdout, process.stdin):
        if stream is not None:
            with contextlib.suppress(OSError):  # unwritten bytes to a helper that is gone
                stream.close()
    errors.close()


def _widen(pipe: int) -> None:
    """Let the pipe hold up to 1 MB (Linux; 64 KB by default), so a message of megabytes
    passes in a few reads instead of dozens. Each read releases the GIL, and a thread
    taking it back while the main thread computes waits up to the switch interval (5 ms)
    each time: 3.5 MB through a 64 KB pipe took 0.3 s longer than through a 1 MB one."""
    try:
        import fcntl

        most = int(Path("/proc/sys/fs/pipe-max-size").read_text())
        fcntl.fcntl(pipe, getattr(fcntl, "F_SETPIPE_SZ", 1031), min(most, 1 << 20))
    except (ImportError, OSError, ValueError):  # not Linux, or not allowed: the default
        pass


def answer_stream() -> IO[bytes]:
    """In a helper: its stdout for answers; whatever a library prints goes to stderr."""
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return out


class Spooled:
    """A write-only stream that keeps what is written in memory and passes it on to `out`
    from a thread, as fast as the reader takes it; `close` waits until all is passed on
    and closes `out`.

    Why: a helper that pickles its answer straight into the pipe works only as fast as
    the caller reads it, and the caller is often busy with its own work when the answer
    is ready. Spooled, the helper pickles at once (the read helper's 300,000 sales in
    0.19 s) while the caller works, and the caller still unpickles the first frames
    while the later ones are pickled when it was already waiting."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._chunks: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self._pass_on, name="migrator-spool",
                                        daemon=True)
        self._thread.start()

    def write(self, data: bytes | bytearray | memoryview | pickle.PickleBuffer) -> int:
        """Keep a copy of `data` to pass on (pickle hands large buffers over as views).
        Raises the OSError passing it on met: once the reader went away, nothing more is
        kept in memory for it."""
        if self._error is not None:
            raise self._error
        chunk = data if type(data) is bytes else memoryview(data).tobytes()
        self._chunks.put(chunk)
        return len(chunk)

    def _pass_on(self) -> None:
        try:
            while (chunk := self._chunks.get()) is not None:
                self._out.write(chunk)
            self._out.flush()
        except OSError as err:  # the reader went away: `close` says so
            self._error = err

    def close(self) -> None:
        """Wait until everything written is passed on; close `out`. Raises the OSError
        passing it on met (a reader that went away: BrokenPipeError)."""
        self._chunks.put(None)
        self._thread.join()
        with contextlib.suppress(OSError):
            self._out.close()
        if self._error is not None:
            raise self._error
