"""A process's own peak memory, for the benchmarks and their runners (each a fresh
`python -c`, which gets this function's source as `OWN_PEAK`).

Why not `getrusage(RUSAGE_SELF).ru_maxrss`: on Linux a child starts with its parent's
resident size as its peak (fork copies it, and exec keeps it), so a runner started by a
benchmark that had just generated the 1,000,000-customer workbooks (about 2.1 GB) took
that as its base, and the run's peak, 4.3 GB, read as 2.2 GB above it. `VmHWM` is the
high-water mark of this process's own memory, which exec starts again.
"""

import inspect


def own_peak_kib() -> int:
    """This process's peak resident memory in KiB (VmHWM; ru_maxrss where there is none)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


OWN_PEAK = inspect.getsource(own_peak_kib) + "\n"
"""Source of `own_peak_kib()`, put before a runner's own code."""
