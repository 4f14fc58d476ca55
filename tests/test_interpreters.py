"""Spooled: a helper's answer is kept in memory and passed on by a thread, in order,
whatever pickle hands it (bytes, buffers, views), and a reader that went away is said."""

from __future__ import annotations

import os
import pickle
import threading
import time

import numpy as np
import pytest

from migrator.interpreters import Spooled


def test_what_is_written_comes_out_whole_and_in_order_after_close() -> None:
    read_end, write_end = os.pipe()
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(_read_all(read_end)))
    reader.start()
    big = np.arange(200_000, dtype=np.int64)  # 1.6 MB: pickle hands it over as a buffer
    message = {"frames": [big, big[::-1].copy()], "text": "顧客" * 50_000}
    out = os.fdopen(write_end, "wb")
    spooled = Spooled(out)
    try:
        pickle.dump(message, spooled, protocol=pickle.HIGHEST_PROTOCOL)
        spooled.write(bytearray(b"\x00tail"))
        spooled.close()
    finally:  # the reader ends, whatever failed
        out.close()
        reader.join()
    data = received[0]
    assert data.endswith(b"\x00tail")
    back = pickle.loads(data[: -len(b"\x00tail")])
    assert back["text"] == message["text"]
    assert all(np.array_equal(a, b) for a, b in zip(back["frames"], message["frames"],
                                                      strict=True))


def test_writes_do_not_wait_for_the_reader() -> None:
    read_end, write_end = os.pipe()
    spooled = Spooled(os.fdopen(write_end, "wb"))
    writer = threading.Thread(target=lambda: [spooled.write(b"x" * 65_536) for _ in range(64)])
    writer.start()  # 4 MB, far past what the pipe holds, with nobody reading yet
    writer.join(timeout=30)
    written = not writer.is_alive()
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(_read_all(read_end)))
    reader.start()  # and now the reader, which unblocks a writer that waited for it
    writer.join()
    spooled.close()
    reader.join()
    assert written
    assert received == [b"x" * (64 * 65_536)]


def test_a_reader_that_went_away_is_raised_at_close() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    spooled = Spooled(os.fdopen(write_end, "wb"))
    spooled.write(b"y" * 1_000_000)
    with pytest.raises(BrokenPipeError):
        spooled.close()


def test_writes_stop_once_the_reader_went_away() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    spooled = Spooled(os.fdopen(write_end, "wb"))
    deadline = time.monotonic() + 30
    with pytest.raises(BrokenPipeError):  # raised by a write, not kept for nobody
        while time.monotonic() < deadline:
            spooled.write(b"z" * 65_536)
            time.sleep(0.001)
    with pytest.raises(BrokenPipeError):
        spooled.close()


def _read_all(fd: int) -> bytes:
    with os.fdopen(fd, "rb") as stream:
        return stream.read()
