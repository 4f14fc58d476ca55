"""One warm interpreter that forks the helper processes, so that they start at once.

A helper (read, clean, match) started as a fresh interpreter imports pandas and its
stage before it works: 0.6-0.7 s of a core each here (`python -c "import
migrator.clean.helper"`), three times a run, in stages that keep both cores busy. With
the three helpers already warm, the 100,000-customer benchmark ran 14.2 -> 13.2 s
(medians of 4 interleaved pairs: read 4.8 -> 4.5 s, clean 3.8 -> 3.5 s). The zygote is
that warm interpreter: started with the first helper (which it forks as soon as it has
imported what reads need), or by a command before it imports the stages
(`interpreters.prestart`), and kept while this process lives, it imports what the
helpers need once and forks each of them, which then begins its work within milliseconds.

Forking is safe there and not always here: the zygote runs one thread and no user code,
while this process may run a Jupyter kernel's or rich's threads (`migrator.interpreters`).
So the zygote is a fresh interpreter unless this process runs no other thread (a script,
the benchmark: `alone`); then it is a fork of this process, which has pandas and the
readers imported already: the read helper of the 100,000-customer benchmark began 0.4 s
sooner, and the read took 4.07 -> 3.64 s (medians of 5 interleaved pairs).
A helper's pipes reach the zygote over a Unix socket (SCM_RIGHTS), and the zygote reports
each helper's exit status back, as `subprocess.Popen` would. Linux only; elsewhere, with
`MIGRATOR_ZYGOTE=0`, or once the zygote failed, helpers are fresh interpreters.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import runpy
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback
import warnings
from collections import deque
from typing import IO

PRELOAD = (("migrator.read.workers", "migrator.read.reader"),
           ("migrator.clean.helper", "migrator.clean.registry", "migrator.gcpause",
            "migrator.dedupe.ahead"))
"""What the zygote imports before it forks, in two rounds: what reads need (the first
helper of a run reads), then what clean's and dedupe's helpers need. A helper forked
before the second round imports the rest of what it needs itself. Helpers inherit the
environment of the zygote's start; they read no variable of it."""
REPLY_WAIT = 30.0
"""Seconds `kill` waits for a helper still to be forked (the zygote may be importing)
before it gives up on the zygote."""
_EXIT = struct.Struct("<qq")
_PID = struct.Struct("<q")
_MODULE_MAX = 200


class Forked:
    """A helper the zygote forks, as much of `subprocess.Popen` as the stages use.

    It is returned at once, before the zygote has forked it (the zygote may still be
    importing): its pipes work from the start, and what is written waits in them."""

    def __init__(self, zygote: Zygote, stdin: IO[bytes], stdout: IO[bytes]) -> None:
        self.zygote = zygote
        self.stdin: IO[bytes] | None = stdin
        self.stdout: IO[bytes] | None = stdout
        self.returncode: int | None = None
        self.forked = threading.Event()
        """Set once the zygote answered: `_pid` is the helper's, or None if it did not fork."""
        self._pid: int | None = None

    @property
    def pid(self) -> int:
        """Its process id, once forked (waits for that); ProcessLookupError if never."""
        self.forked.wait(REPLY_WAIT)
        if self._pid is None:
            raise ProcessLookupError("the helper was not forked")
        return self._pid

    def poll(self) -> int | None:
        """Its exit code once it ended (negative: killed by that signal), else None."""
        if self.returncode is None:
            self.returncode = self.zygote.exit_code(self, 0.0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for it to end; its exit code. subprocess.TimeoutExpired after `timeout`."""
        if self.returncode is None:
            self.returncode = self.zygote.exit_code(self, timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired("a migrator helper", timeout or 0.0)
        return self.returncode

    def kill(self) -> None:
        if not self.forked.wait(REPLY_WAIT):
            self.zygote.kill()  # stuck: its helpers-to-be go with it, none of them forked
        if self.poll() is None and self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)


class Zygote:
    """This process's end of the zygote: asks it for helpers and hears when they end."""

    def __init__(self, env: dict[str, str]) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process: subprocess.Popen[bytes] | _Child = (
                _Child.fork(theirs.fileno(), env) if alone() else subprocess.Popen(
                    [sys.executable, "-m", "migrator.zygote", str(theirs.fileno())],
                    pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.owner = os.getpid()
        self.sock = ours
        self.alive = True
        self.exits: dict[int, int] = {}
        self.pending: deque[Forked] = deque()
        """Helpers asked for and not yet forked, in the order asked (the zygote's order)."""
        self.cond = threading.Condition()
        self.asking = threading.Lock()
        self.ready = threading.Event()
        """Set once the zygote imported PRELOAD's first round."""
        threading.Thread(target=self._listen, daemon=True, name="migrator-zygote").start()

    def _listen(self) -> None:
        while True:
            try:
                data = self.sock.recv(64)
            except OSError:
                data = b""
            if not data:
                break
            with self.cond:
                if data == b"R":
                    self.ready.set()
                elif data[:1] == b"X" and len(data) == 1 + _EXIT.size:
                    pid, code = _EXIT.unpack(data[1:])
                    self.exits[pid] = code
                elif data[:1] in (b"P", b"N") and self.pending:
                    helper = self.pending.popleft()
                    if data[:1] == b"P" and len(data) == 1 + _PID.size:
                        (helper._pid,) = _PID.unpack(data[1:])
                    helper.forked.set()
                self.cond.notify_all()
        with self.cond:
            self.alive = False
            for helper in self.pending:  # never forked: their pipes end with the zygote
                helper.forked.set()
            self.pending.clear()
            self.cond.notify_all()

    def fork(self, module: str, errors: IO[bytes], nice: int = 0) -> Forked | None:
        """`python -m module` forked from the zygote at niceness `nice`, its stdin and stdout
        piped to this process and its stderr to `errors`; None when the zygote cannot be
        asked (then it is shut). Does not wait for the fork."""
        stdin_r, stdin_w = os.pipe()
        stdout_r, stdout_w = os.pipe()
        helper = Forked(self, os.fdopen(stdin_w, "wb"), os.fdopen(stdout_r, "rb"))
        with self.asking:
            try:
                with self.cond:
                    if not self.alive:
                        raise OSError("the zygote ended")
                    self.pending.append(helper)
                socket.send_fds(self.sock, [f"{nice} {module}".encode()],
                                [stdin_r, stdout_w, errors.fileno()])
            except OSError:
                with self.cond:
                    if helper in self.pending:
                        self.pending.remove(helper)
                self.close()
                for stream in (helper.stdin, helper.stdout):
                    if stream is not None:
                        stream.close()
                return None
            finally:  # the helper's ends: the zygote holds copies until it forks
                os.close(stdin_r)
                os.close(stdout_w)
        return helper

    def exit_code(self, helper: Forked, timeout: float | None) -> int | None:
        """The helper's exit code once the zygote reaped it; None if it still runs (or is
        still to be forked) after `timeout`. A helper never forked, or that outlived the
        zygote, counts as failed (1) once it is gone."""
        deadline = None if timeout is None else time.monotonic() + timeout
        if not helper.forked.wait(timeout):
            return None
        pid = helper._pid
        if pid is None:
            return 1
        with self.cond:
            while pid not in self.exits:
                if not self.alive:
                    break
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return None
                self.cond.wait(left)
            if pid in self.exits:
                return self.exits[pid]
        while _running(pid):  # its exit was not heard: wait until it is gone
            if deadline is not None and time.monotonic() >= deadline:
                return None
            time.sleep(0.02)
        return 1

    def kill(self) -> None:
        """End a zygote that does not answer (closing its socket would not: it is not
        reading it)."""
        with contextlib.suppress(OSError):
            self.process.kill()
        self.close()

    def close(self) -> None:
        """Shut the zygote: it ends when its socket does (helpers it forked run on)."""
        self.alive = False
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


FORK_RSS = 512 << 20
"""A process holding more memory than this starts a fresh zygote instead of forking one:
the fork keeps what the process held then, for as long as it lives, even after the
process freed it (a run begins at about 100 MiB)."""


def alone() -> bool:
    """Whether this process may be forked into the zygote: it runs no other Python thread
    (a script, the benchmark; not a Jupyter kernel, nor rich's progress), so no lock is
    held by a thread the fork would not copy, and it holds at most FORK_RSS.
    `MIGRATOR_ZYGOTE=exec` starts it fresh."""
    return (os.environ.get("MIGRATOR_ZYGOTE", "").strip() != "exec"
            and threading.active_count() == 1
            and threading.current_thread() is threading.main_thread()
            and _resident() <= FORK_RSS)


def _resident() -> int:
    """This process's resident memory in bytes (Linux)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return FORK_RSS + 1


class _Child:
    """The zygote as a fork of this process, as much of `subprocess.Popen` as is used.

    Why: a fresh zygote imports pandas and the readers before it can fork the first
    helper, 0.36 s after the run began here, on a core the run's read needs; a fork of
    this process has them already. Like Popen(close_fds=True, stdio to /dev/null), it
    keeps only its socket; it never returns into this process's code (os._exit)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    @classmethod
    def fork(cls, fd: int, env: dict[str, str]) -> _Child:
        for stream in (sys.stdout, sys.stderr):  # nothing buffered here may print twice
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        with warnings.catch_warnings():  # Python 3.12+: numpy's BLAS threads are native
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid:
            return cls(pid)
        code = 1
        try:
            if fd <= 2:  # this process ran with a standard stream closed
                import fcntl  # Unix only, as the zygote is

                fd = fcntl.fcntl(fd, fcntl.F_DUPFD, 3)
            null = os.open(os.devnull, os.O_RDWR)
            for target in (0, 1, 2):
                os.dup2(null, target)
            # the standard streams as a fresh interpreter has them, not a host's stand-ins
            # (pytest's capture, a notebook's): a helper's own fds 0-2 are its pipes
            sys.stdin = open(0, closefd=False)  # noqa: SIM115
            sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", closefd=False, errors="backslashreplace")  # noqa: SIM115
            for name in os.listdir("/proc/self/fd"):  # the rest, as close_fds would
                if int(name) > 2 and int(name) != fd:
                    with contextlib.suppress(OSError):  # the listing's own, closed by now
                        os.close(int(name))
            os.environ.clear()
            os.environ.update(env)
            for number in signal.valid_signals():  # this process's handlers are not its own
                if callable(signal.getsignal(number)):
                    signal.signal(number, signal.SIG_DFL)
            main(fd)
            code = 0
        finally:
            os._exit(code)

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped by someone else: gone, status unknown
                self.returncode = 0
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired("the migrator zygote", timeout or 0.0)
            time.sleep(0.005)
        assert self.returncode is not None
        return self.returncode

    def kill(self) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_zygote: Zygote | None = None
_failed: int | None = None
"""The process whose zygote failed: it starts no other (helpers start fresh)."""
_lock = threading.Lock()


def forked(module: str, errors: IO[bytes], env: dict[str, str], nice: int = 0
           ) -> Forked | None:
    """A helper forked from this process's zygote (started with `env` on first use); None
    where there is none yet, or none at all: not Linux, `MIGRATOR_ZYGOTE=0`, or it failed.
    Nothing waits for the zygote's imports: a helper asked for meanwhile is forked once
    they are done, and what is written to it waits in its pipe."""
    global _zygote, _failed
    zygote = _started(env)
    helper = None if zygote is None else zygote.fork(module, errors, nice)
    if zygote is not None and helper is None:
        with _lock:  # it failed: helpers start fresh from now on
            if _zygote is zygote:
                _zygote, _failed = None, os.getpid()
    return helper


def running() -> bool:
    """Whether this process's zygote runs and forks (it imported PRELOAD's first round): a
    helper asked for now is forked at once, not started as a fresh interpreter."""
    zygote = _zygote
    return zygote is not None and zygote.alive and zygote.ready.is_set() \
        and zygote.owner == os.getpid()


def prestart(env: dict[str, str]) -> None:
    """Start this process's zygote (with `env`) now, if it may run and is not running."""
    _started(env)


def _started(env: dict[str, str]) -> Zygote | None:
    global _zygote, _failed
    if os.environ.get("MIGRATOR_ZYGOTE", "").strip() == "0" or not supported():
        return None
    with _lock:
        if _zygote is not None and not _zygote.alive:
            _zygote, _failed = None, os.getpid()
        if _failed == os.getpid():
            return None
        if _zygote is None:
            try:
                _zygote = Zygote(env)
            except OSError:
                _failed = os.getpid()
                return None
        return _zygote


def stop() -> None:
    """Shut this process's zygote, if it runs (its helpers' exits are then all counted in
    this process's `RUSAGE_CHILDREN`)."""
    global _zygote
    with _lock:
        zygote, _zygote = _zygote, None
    if zygote is not None and zygote.owner == os.getpid():
        zygote.close()


def _forget() -> None:
    """In a fork of this process: let go of the parent's zygote, whose socket would
    otherwise stay open in the fork and keep that zygote alive after its parent ends."""
    global _zygote, _lock
    _lock = threading.Lock()  # another thread may have held it at the fork
    if _zygote is not None:
        with contextlib.suppress(OSError):
            _zygote.sock.close()  # this descriptor only: the parent's stays as it was
        _zygote = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget)


def supported() -> bool:
    return sys.platform == "linux" and hasattr(os, "fork") and hasattr(socket, "send_fds")


# --- the zygote itself ---------------------------------------------------------------


def _serve(sock: socket.socket, wake: int, block: bool) -> bool:
    """Fork each helper asked for, report each one that ended; False once this process's
    parent closed the socket. Without `block`, only what is waiting already."""
    while True:
        ready, _, _ = select.select([sock.fileno(), wake], [], [], None if block else 0)
        if not ready:
            return True
        if wake in ready:
            with contextlib.suppress(BlockingIOError):
                os.read(wake, 512)
            _reap(sock)
        if sock.fileno() in ready:
            try:
                data, fds, _, _ = socket.recv_fds(sock, _MODULE_MAX, 3)
            except OSError:
                return False
            if not data:
                return False
            nice, _, module = data.decode().partition(" ")
            _fork(sock, wake, module, int(nice) if nice.lstrip("-").isdigit() else 0, fds)


def _reap(sock: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        with contextlib.suppress(OSError):
            sock.send(b"X" + _EXIT.pack(pid, os.waitstatus_to_exitcode(status)))


def _fork(sock: socket.socket, wake: int, module: str, nice: int, fds: list[int]) -> None:
    if len(fds) != 3:
        for fd in fds:
            os.close(fd)
        with contextlib.suppress(OSError):
            sock.send(b"N")
        return
    for stream in (sys.stdout, sys.stderr):  # nothing of ours may reach a helper's pipes
        stream.flush()
    try:
        pid = os.fork()
    except OSError:
        pid = -1
    if pid == 0:
        code = 1
        try:
            sock.close()
            signal.set_wakeup_fd(-1)
            os.close(wake)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
                os.close(fd)
            code = _run(module)
        finally:
            os._exit(code)
    for fd in fds:
        os.close(fd)
    if pid > 0 and nice:  # before its pid is known: nobody sees it at another niceness
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, pid, nice)
    with contextlib.suppress(OSError):  # its parent is gone: the next read says so
        sock.send(b"P" + _PID.pack(pid) if pid > 0 else b"N")


def _run(module: str) -> int:
    """`python -m module`, in a forked helper; its exit code."""
    sys.argv = [module]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    except BaseException:
        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    return code


def main(fd: int) -> None:
    """The zygote: import PRELOAD, then fork a helper for each request on socket `fd`.

    What each round imported is frozen, so the helpers share its pages. The first round's
    is frozen without a collector pass first: in a zygote forked from a run (`alone`),
    that pass walked the whole heap it inherited (98 ms, to free 10 objects) before the
    first helper could be forked, and wrote into each object's header, copying every
    page the zygote shared with the run."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for its parent; it ends with it
    sock = socket.socket(fileno=fd)
    wake, woken = os.pipe()
    os.set_blocking(wake, False)
    os.set_blocking(woken, False)
    signal.set_wakeup_fd(woken)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    for number, round_ in enumerate(PRELOAD):
        for name in round_:
            with contextlib.suppress(Exception):
                importlib.import_module(name)
        if number:
            gc.collect()
        gc.freeze()  # the helpers share these pages instead of copying them as gc visits
        if number == 0:
            try:
                sock.send(b"R")
            except OSError:
                return
        if not _serve(sock, wake, block=False):
            return
    _serve(sock, wake, block=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
