"""The benchmarks' peak memory is the measured process's own, not its parent's."""

from __future__ import annotations

import subprocess
import sys

import pytest

from benchmarks.memory import OWN_PEAK, own_peak_kib

PARENT_MIB = 300


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="VmHWM is Linux's")
def test_a_runner_started_by_a_large_process_measures_only_itself() -> None:
    held = bytearray(PARENT_MIB << 20)
    held[::4096] = b"\x01" * len(range(0, len(held), 4096))  # resident, not just reserved
    assert own_peak_kib() >= PARENT_MIB << 10

    def child(code: str) -> int:
        done = subprocess.run([sys.executable, "-c", OWN_PEAK + code], capture_output=True,
                              text=True, check=True)
        return int(done.stdout)

    assert child("print(own_peak_kib())") < 100 << 10  # a bare interpreter: tens of MiB
    # what ru_maxrss says in the same child: the parent's size, which hid 2.1 GB of the
    # 1,000,000-customer run's peak under its base
    assert child("import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
                 ) >= PARENT_MIB << 10
    del held
