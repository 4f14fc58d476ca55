"""Freed memory kept for reuse while a run builds and drops its columns.

A run allocates and frees hundreds of megabytes in waves: each stage builds new columns
and frames, and the previous stage's are freed. By default glibc gives the free top of its
heap back to the system once it passes the trim threshold, and serves a block of more than
128 KiB (until that threshold has adjusted itself) from a mapping of its own that is
unmapped when freed. Either way the next wave faults the same pages in again, each zeroed
by the kernel. While a run lasts, `kept_freed` keeps what it frees (KEPT) for the next
wave; a helper process, which ends with its work, keeps it for its life (`keep_freed`).

Measured on the 100,000-customer benchmark (6 interleaved pairs, 5 won): this process
183,000 -> 150,000 page faults and 0.63 -> 0.52 s of system time, the helpers 239,000 ->
189,000 and 0.79 -> 0.60 s; the run 7.68 -> 7.48 s (medians), peak memory 564 -> 559 MiB.
At 1,000,000 customers (2 pairs) this process's page faults went 2.05 -> 1.68 million and
its system time 9.9 / 8.7 -> 7.4 / 7.0 s, but the runs (85.5 / 83.3 -> 88.2 / 82.5 s)
vary more than that.

Only glibc has `mallopt`; elsewhere (macOS, musl), or where the environment tunes malloc
(`MALLOC_*_` variables, `GLIBC_TUNABLES`), nothing changes. Setting any of these stops
glibc from adjusting its thresholds itself, for the rest of the process: the mmap
threshold stays at 32 MiB after the run, which is as high as that adjustment goes.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

KEPT = ((-3, 32 << 20, None), (-1, 1 << 30, 128 << 10), (-2, 256 << 20, 128 << 10))
"""glibc's `mallopt` settings while a run lasts, and what each goes back to after it:
blocks up to 32 MiB (a column of 1,000,000 rows is 8 MiB) come from the heap, not from
their own mapping (M_MMAP_THRESHOLD, the most glibc's own adjustment reaches; kept after
the run); up to 1 GiB free at the top of the heap is kept (M_TRIM_THRESHOLD), and the
heap grows 256 MiB at a time (M_TOP_PAD); both go back to glibc's 128 KiB defaults."""
_CHOSEN = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")
_lock = threading.Lock()
_depth = 0


def _mallopt() -> Any | None:
    """glibc's `mallopt`, or None where the C library is another or the environment
    tunes malloc already."""
    if not sys.platform.startswith("linux"):
        return None
    if any(name in os.environ for name in _CHOSEN) \
            or "glibc.malloc." in os.environ.get("GLIBC_TUNABLES", ""):
        return None  # the user tuned malloc
    try:
        libc = ctypes.CDLL(None)
        if not hasattr(libc, "gnu_get_libc_version"):  # musl's mallopt does nothing
            return None
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return None
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return mallopt


def keep_freed() -> bool:
    """Keep freed memory for reuse from now on (a helper process, which ends with its
    work); whether the C library took it."""
    mallopt = _mallopt()
    return mallopt is not None and all([bool(mallopt(o, v)) for o, v, _ in KEPT])


@contextmanager
def kept_freed() -> Iterator[None]:
    """`keep_freed` for the block; glibc's own trimming again once the outermost block
    ends (blocks may nest and run in several threads)."""
    global _depth
    mallopt = _mallopt()
    if mallopt is None:
        yield
        return
    with _lock:
        _depth += 1
        if _depth == 1:
            for option, value, _ in KEPT:
                mallopt(option, value)
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                for option, _, after in KEPT:
                    if after is not None:
                        mallopt(option, after)
