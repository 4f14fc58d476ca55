"""match_key's translation tables against the key's step-by-step definition."""

from __future__ import annotations

import random
import re
import unicodedata

import jaconv

from migrator.reference.companies import MARKER, english_form, match_key
from migrator.reference.kanji import FOLD


def _by_steps(name: str) -> str:
    """The key as its docstring defines it, one step and one character test at a time."""
    name = MARKER.sub(" ", name)
    name, _ = english_form(name)
    name = unicodedata.normalize("NFKC", name).casefold().translate(FOLD)
    name = re.sub(r"(?<![a-z])and(?![a-z])|＆", "&", jaconv.hira2kata(name))
    return "".join(c for c in name
                   if c in "&ー" or unicodedata.category(c)[0] not in "PZSC")


def test_match_key_equals_its_definition_on_random_text() -> None:
    rng = random.Random(16)
    alphabet = ([chr(i) for i in range(0x20, 0x3100)]
                + list("ＡＢａｂ株式会社（）㈱ Inc. Co., Ltd. and AND＆İßﬁ髙﨑ゔゕゖ〜～・")
                + ["\U0001f600", "\U00020000", "\ue000", "\U0010ffff", "\u200b", "\u0301"])
    names = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
             for _ in range(20_000)]
    names += ["(株)やまだ商事", "ヤマダ商事㈱", "Yamada & Co., Ltd.", "髙﨑 and さくら"]
    assert [match_key(n) for n in names] == [_by_steps(n) for n in names]
    assert match_key("Yamada & Co., Ltd.") == "yamada&"
    assert match_key("(株)やまだ商事") == match_key("ヤマダ商事㈱") == "ヤマダ商事"
