"""cellrefs.inside, the bulk check of cell positions: it says "inside" only where the
scan's regex finds no cell outside the dimension, and says it for ordinary sheets."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from migrator.read.cellrefs import _starts, count, inside
from migrator.read.xlsxcount import XlsxSheetCounter


def _outside(prefix: bytes, column: bytes, row: bytes) -> re.Pattern[bytes]:
    counter = XlsxSheetCounter("s")
    counter.feed(b'<worksheet><dimension ref="A1:' + column + row + b'"/><'
                 + prefix + b"sheetData>")
    assert counter._outside is not None
    return counter._outside


def _cells(refs: list[bytes], prefix: bytes = b"") -> bytes:
    c = b"<" + prefix + b"c"
    return b"".join(c + b" " + r + b' t="s"><v>1</v></' + prefix + b"c>" for r in refs)


def test_inside_ordinary_cells() -> None:
    data = b'<row r="1">' + _cells([b'r="A1"', b'r="G9"', b'r="C300002"']) + b"</row>"
    assert not _outside(b"", b"G", b"300002").search(data)
    assert inside(data, b"<c", b"G", b"300002")
    assert inside(b"<cols><col min='1'/></cols>", b"<c", b"G", b"9")


@pytest.mark.parametrize("data", [
    b"<c>1</c>", b'<c/>', b'<c s="1" r="A1"><v>1</v></c>', b'<c  r="A1"><v>1</v></c>',
    _cells([b'r="A1"', b'r="H1"']), _cells([b'r="AA1"']), _cells([b'r="A300003"']),
    _cells([b'r="A1000000"']), _cells([b'r="A9"', b'r="G400000"']),
])
def test_not_inside_where_the_regex_finds_a_cell_outside(data: bytes) -> None:
    assert _outside(b"", b"G", b"300002").search(data)
    assert not inside(data, b"<c", b"G", b"300002")


def test_prefixed_tags() -> None:
    regex = _outside(b"x:", b"AB", b"99")
    for refs, out in (([b'r="AB99"', b'r="Z1"'], False), ([b'r="AC1"'], True),
                      ([b'r="A100"'], True)):
        data = _cells(refs, b"x:")
        assert bool(regex.search(data)) == out
        assert inside(data, b"<x:c", b"AB", b"99") == (not out)


@pytest.mark.parametrize("seed", range(5))
def test_inside_never_where_the_regex_matches(seed: int) -> None:
    """Random positions around the bounds, some malformed: "inside" always agrees with
    the regex, and every chunk of well-formed positions gets an answer from numpy."""
    rnd = random.Random(seed)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for _ in range(300):
        column = "".join(rnd.choice(letters) for _ in range(rnd.randint(1, 3))).encode()
        row = str(rnd.randint(1, 10**rnd.randint(1, 7) - 1)).encode()
        regex = _outside(b"", column, row)
        refs = []
        for _ in range(rnd.randint(1, 6)):
            col = "".join(rnd.choice(letters[:4] + letters[-3:])
                          for _ in range(rnd.randint(1, len(column) + 1)))
            r = str(max(1, int(row) + rnd.randint(-3, 3)))
            refs.append(b'r="' + col.encode() + r.encode() + b'"')
        if rnd.random() < 0.2:
            refs.append(rnd.choice([b'r=""', b'r="A"', b'r="12"', b's="1"', b'r="a1"']))
        data = _cells(refs)
        if inside(data, b"<c", column, row):
            assert not regex.search(data)
        elif all(re.fullmatch(rb'r="[A-Z]+[0-9]+"', r) for r in refs):
            assert regex.search(data)


def test_count_is_bytes_count_at_every_offset() -> None:
    rng = random.Random(5)
    pieces = [b"</c>", b"<c r=\"A1\">", b"</", b"c>", b"<", b">", b"/", b"c", b"x", b"\xe6\x97\xa5"]
    for _ in range(60):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 900)))
        for head in range(4):  # every alignment of the matches
            assert count(data[head:], b"</c>") == data[head:].count(b"</c>")
    assert count(b"</c>" * 2000, b"</c>") == 2000
    assert count(b"aaaa" * 600, b"aaaa") == 600  # overlapping matches: bytes.count's way
    assert count(b"</x:c>" * 300, b"</x:c>") == 300


def test_inside_at_every_cut_of_a_chunk() -> None:
    """A chunk may end anywhere in its last cell (a damaged sheet): the positions read
    past its end are zeros, never an error, and "inside" still never hides a cell outside."""
    data = _cells([b'r="A1"', b'r="G300002"', b'r="H2"', b'r="B9"']) + b'<c r="G300002"/>'
    regex = _outside(b"", b"G", b"300002")
    for end in range(len(data) + 1):
        if inside(data[:end], b"<c", b"G", b"300002"):
            assert not regex.search(data[:end])
    assert inside(data[: data.index(b'<c r="H2"')], b"<c", b"G", b"300002")


def test_starts_finds_every_tag_at_every_offset() -> None:
    rng = random.Random(11)
    pieces = [b"<c", b"<", b"c", b" ", b"<x:c", b"x:", b"<cc", b"\xe6\x97\xa5"]
    for _ in range(60):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 300)))
        a = np.frombuffer(data, dtype=np.uint8)
        for tag in (b"<c", b"<x:c"):
            want = [m.start() for m in re.finditer(re.escape(tag), data)]
            assert sorted(_starts(a, tag).tolist()) == want
