"""`without_repeats` says a column holds no repeat only where pandas finds none, and
each stage that asks it still finds the repeats there are."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from migrator.distinct import CharTable, without_repeats
from migrator.validate.engine import frozen_texts, read_only


def _pandas_repeats(values: list[object]) -> bool:
    series = pd.Series(values, dtype=object)
    return bool((series.notna() & series.duplicated(keep=False)).any())


@pytest.mark.parametrize("seed", range(40))
def test_no_repeat_is_told_only_where_pandas_finds_none(seed: int) -> None:
    rng = random.Random(seed)
    pool = ["S1", "S2", "ｓ1", 1, 1.0, True, 2, Decimal("2.0"), date(2024, 4, 1), None,
            float("nan"), np.nan, pd.NA, "", " S1"]
    values = rng.sample(pool, rng.randint(0, 6))
    if without_repeats(values):
        assert not _pandas_repeats(values), values


def test_keys_with_and_without_repeats() -> None:
    keys = [f"S{i:08d}" for i in range(10_000)]
    assert without_repeats(keys)
    assert without_repeats(np.array(keys, dtype=object))
    assert without_repeats(pd.Series(keys, dtype="str"))
    assert not without_repeats([*keys, "S00000042"])
    assert not without_repeats([1, 1.0])  # equal, as pandas counts them: a repeat
    assert not without_repeats(pd.Series(["a", None, None], dtype=object))  # it tells nothing
    assert not without_repeats([["unhashable"], ["cell"]])


@pytest.mark.parametrize("repeated", [False, True])
def test_gx_uniqueness_of_a_frozen_key_column(repeated: bool) -> None:
    keys = [f"C{i:05d}" for i in range(5_000)] + (["C00007"] if repeated else [])
    series = pd.Series(keys, dtype="str")
    expected = series.duplicated(keep=False).to_numpy()
    with frozen_texts():
        frozen = read_only(series)
        found = frozen.duplicated(keep=False).to_numpy()
        again = frozen.duplicated(keep="first").to_numpy()
    assert np.array_equal(found, expected)
    assert np.array_equal(again, series.duplicated(keep="first").to_numpy())
    assert found.sum() == (2 if repeated else 0)


def test_a_copy_of_a_column_found_without_repeats_is_told_by_comparison() -> None:
    import gc

    from migrator import distinct

    keys = pd.Series([f"S{i:08d}" for i in range(20_000)], dtype="str")
    assert without_repeats(keys)  # found by its set, and remembered
    copy = keys.to_numpy(dtype=object, copy=True)
    assert distinct._proven(copy) and without_repeats(copy)
    assert distinct._proven(np.asarray(pd.Series(copy, dtype="str"), dtype=object))
    repeated = copy.copy()
    repeated[-1] = repeated[0]
    assert not distinct._proven(repeated) and not without_repeats(repeated)
    blanked = copy.copy()
    blanked[7] = pd.NA  # will not compare: looked at again, and a lone NA is no repeat
    assert not distinct._proven(blanked) and without_repeats(blanked)
    assert distinct._cells(np.arange(20_000)) is None  # numbers: not even looked at
    numbers = np.arange(20_000).astype(object)  # only texts are remembered
    assert without_repeats(numbers) and not distinct._proven(numbers.copy())
    del keys, copy, blanked
    gc.collect()  # nothing is kept alive for it: gone with its column
    assert not distinct._proven(pd.Series([f"S{i:08d}" for i in range(20_000)]).to_numpy())


def test_odd_spaces_are_every_space_but_a_space_and_a_newline() -> None:
    """What `\\s` and str.isspace match, less the space and the newline."""
    import re

    from migrator.distinct import ODD_SPACES

    every = {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert set(ODD_SPACES) == every - {" ", "\n"}
    assert len(ODD_SPACES) == len(set(ODD_SPACES))
    assert every == {chr(c) for c in range(0x110000) if re.fullmatch(r"\s", chr(c))}


class _Shifted(CharTable):
    """Letters shifted by one, digits dropped, `ß` written `ss`; the rest kept."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        value = (None if char.isdigit() else "ss" if char == "ß"
                 else chr(code + 1) if char.isalpha() else char)
        self[code] = value
        return value


def test_char_table_translates_long_texts_as_str_translate_does() -> None:
    """As an array (long texts) or by str.translate (short ones, or holding a character
    that maps to two, or one past the array), the same text."""
    from migrator.distinct import TABLE_FROM

    rng = random.Random(3)
    alphabet = ["a", "Z", "7", "٣", "山", "ア", "\n", " ", "é", "\ud800", "\U00020bb7", "-"]
    table = _Shifted({ord("-"): "+", ord("a"): 98})
    for extra in ("", "ß", "\U00030000", "\U0010ffff"):
        for _ in range(20):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 3 * TABLE_FROM)))
            text += extra
            assert table.translate(text) == text.translate(table)
    long = "・a7-" * TABLE_FROM
    assert table.translate(long) == "・b+" * TABLE_FROM
    assert table.translate("7" * TABLE_FROM) == ""


def test_nfkc_of_long_texts_is_unicodedatas() -> None:
    """NFC of each character's NFKC is NFKC, whatever composes or reorders across them."""
    import unicodedata

    from migrator.distinct import TABLE_FROM, nfkc

    rng = random.Random(9)
    alphabet = ["a", "E", "Ａ", "１", "ｶ", "ﾞ", "ﾟ", "ﾊ", "ｳ", "\u0301", "\u0323", "\u0308", "\u3099",
                "か", "ᄀ", "ᅡ", "ᆨ", "ﾡ", "ﾤ", "ﬁ", "㈱", "①", "㍻", "Å", "Ω", "\u212b", "ș",
                "\n", " ", "\u3000", "ß", "\U0001d400", "\U00020bb7", "\ud800", "…", "ｰ", "－"]
    for _ in range(30):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(TABLE_FROM, 3 * TABLE_FROM)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text)
    plain = "東京都渋谷区1-2-3\n" * TABLE_FROM  # NFKC already: as it is
    assert nfkc(plain) == plain and nfkc("ＡＢ") == "AB"
