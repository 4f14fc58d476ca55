"""kept_freed: glibc keeps what a run frees at the top of its heap, and trims again after."""

from __future__ import annotations

import ctypes
import subprocess
import sys

import numpy as np
import pytest

from migrator import heap

pytestmark = pytest.mark.skipif(
    heap._mallopt() is None or not hasattr(ctypes.CDLL(None), "mallinfo2"),
    reason="glibc's mallopt, untuned by the environment, and its mallinfo2 (2.33 and later)")

BLOCK = 24 << 20
"""Under the 32 MiB mmap threshold kept: the block comes from the heap, at its top."""


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def _top_free_after_dropping_a_block() -> int:
    """Bytes free at the top of the heap once a fresh BLOCK was written and freed."""
    mallinfo2 = ctypes.CDLL(None).mallinfo2
    mallinfo2.restype = _Mallinfo2
    block = np.ones(BLOCK, dtype=np.uint8)
    del block
    return int(mallinfo2().keepcost)


def test_a_freed_block_stays_at_the_top_while_kept_and_is_trimmed_after() -> None:
    with heap.kept_freed():
        kept = _top_free_after_dropping_a_block()
    after = _top_free_after_dropping_a_block()
    assert kept >= BLOCK
    assert after < BLOCK // 4


def test_an_inner_block_leaves_the_outer_ones_setting() -> None:
    with heap.kept_freed():
        with heap.kept_freed():
            pass
        assert _top_free_after_dropping_a_block() >= BLOCK
    assert _top_free_after_dropping_a_block() < BLOCK // 4


def test_malloc_tuned_by_the_environment_is_left_alone(monkeypatch) -> None:
    monkeypatch.setenv("MALLOC_TOP_PAD_", "0")
    assert heap._mallopt() is None
    monkeypatch.delenv("MALLOC_TOP_PAD_")
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=0")
    assert heap._mallopt() is None


def test_a_helper_keeps_freed_memory_for_the_rest_of_its_life() -> None:
    # in a process of its own: keep_freed does not restore glibc's settings
    code = ("import tests.test_heap as t, migrator.heap as h; "
            "assert h.keep_freed(); print(t._top_free_after_dropping_a_block())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert int(out.stdout) >= BLOCK


@pytest.mark.parametrize("verb", ["run", "prepare", "find_duplicates"])
def test_the_pipeline_verbs_keep_freed_memory_while_they_run(verb, monkeypatch,
                                                             tmp_path) -> None:
    import migrator.pipeline as pipeline
    from migrator.demo import SOURCES
    from tests.conftest import SAMPLE_DATA

    seen = []
    deduped = pipeline._deduped

    def measured(*args, **kwargs):
        seen.append(_top_free_after_dropping_a_block())
        return deduped(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_deduped", measured)
    files = [SAMPLE_DATA / n for n in SOURCES]
    extra = {"to": f"sqlite:///{tmp_path / 'a.db'}", "rejects_dir": tmp_path} \
        if verb == "run" else {}
    getattr(pipeline, verb)(files, mapping=SAMPLE_DATA / "mapping.yaml", **extra)
    assert seen and seen[0] >= BLOCK
    assert _top_free_after_dropping_a_block() < BLOCK // 4
