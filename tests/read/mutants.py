"""Damaged and hostile variants of the repository's own spreadsheets, for the read tests."""

from __future__ import annotations

from pathlib import Path


def peak_rss_mb() -> int:
    """This process's peak resident memory in MB (VmHWM: unlike ru_maxrss, it starts
    again at exec, so a child forked from a large test process measures only itself)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
