"""match_key's translation tables against the key's step-by-step definition."""

from __future__ import annotations

import random
import re
import unicodedata

import jaconv
import pandas as pd

from migrator.distinct import fold_joined
from migrator.reference import companies
from migrator.reference.companies import MARKER, english_form, match_key, match_keys
from migrator.reference.kanji import FOLD


def _by_steps(name: str) -> str:
    """The key as its docstring defines it, one step and one character test at a time."""
    name = MARKER.sub(" ", name)
    name, _ = english_form(name)
    name = unicodedata.normalize("NFKC", name).casefold().translate(FOLD)
    name = re.sub(r"(?<![a-z])and(?![a-z])|＆", "&", jaconv.hira2kata(name))
    return "".join(c for c in name
                   if c in "&ー" or unicodedata.category(c)[0] not in "PZSC")


def _random_names(seed: int, words: str) -> list[str]:
    """20,000 names of up to 14 characters from a wide alphabet, `words`' letters among it."""
    rng = random.Random(seed)
    alphabet = ([chr(i) for i in range(0x20, 0x3100)] + list(words)
                + ["\U0001f600", "\U00020000", "\ue000", "\U0010ffff", "\u200b", "\u0301"])
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
            for _ in range(20_000)]


def test_match_key_equals_its_definition_on_random_text() -> None:
    names = _random_names(16, "ＡＢａｂ株式会社（）㈱ Inc. Co., Ltd. and AND＆İßﬁ髙﨑ゔゕゖ〜～・")
    names += ["(株)やまだ商事", "ヤマダ商事㈱", "Yamada & Co., Ltd.", "髙﨑 and さくら"]
    assert [match_key(n) for n in names] == [_by_steps(n) for n in names]
    # all at once: over the names joined, and one by one once a name holds a newline
    assert match_keys(names) == [_by_steps(n) for n in names]
    assert fold_joined(names, companies.match_key_lines) is not None
    with_newline = [*names[:500], "Yamada\nand Co.", "(株\n)山田", "\n"]
    assert match_keys(with_newline) == [_by_steps(n) for n in with_newline]
    assert match_key("Yamada & Co., Ltd.") == "yamada&"
    assert match_key("(株)やまだ商事") == match_key("ヤマダ商事㈱") == "ヤマダ商事"


def test_english_form_lines_is_english_form_of_each_line() -> None:
    rng = random.Random(8)
    parts = [" ", "  ", "\t", ",", "、", ", ", "Inc", "inc.", "Co", "CO.", "Ltd", "L.L.C",
             "K.K", "and", "Yamada", "山田", ".", "\u3000", "\x1c", "ltd."]
    names = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 8))) for _ in range(20_000)]
    names += ["Blue Harbor, Inc.", "Inc.", ", Ltd.", " Co., Ltd. ", ""]
    want = [english_form(name) for name in names]
    forms: list[object] = [None] * len(names)
    stripped = companies.english_form_lines("\n".join(names), forms).split("\n")
    assert list(zip(stripped, forms, strict=True)) == want
    assert sum(form is not None for form in forms) > 2_000
    kept = ["x"] * len(names)  # a line whose slot already holds a form keeps it
    companies.english_form_lines("\n".join(names), kept)  # type: ignore[arg-type]
    assert kept == ["x"] * len(names)


def test_marker_first_letter_test_finds_the_same_markers() -> None:
    rng = random.Random(5)
    parts = ["(", "（", ")", "）", " ", "株", "有", "社", "財", "一", "一社", "NPO", "ＮＰＯ",
             "法人",
             "会社", "株式", "医療", "学校", "団", "同", "名", "資", "㈱", "㈲", "山田", "x"]
    texts = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 12))) for _ in range(20_000)]
    plain = companies._marker_pattern(first_letter=False)
    assert plain.pattern != MARKER.pattern
    for text in texts:
        assert [m.span() for m in MARKER.finditer(text)] == [
            m.span() for m in plain.finditer(text)], text
    assert sum(bool(MARKER.search(t)) for t in texts) > 5_000  # markers among them
    joined = "\n".join(texts)
    plain_lines = companies._marker_pattern(first_letter=False, lines=True)
    assert plain_lines.pattern != companies.MARKER_LINES.pattern
    assert [m.span() for m in companies.MARKER_LINES.finditer(joined)] == [
        m.span() for m in plain_lines.finditer(joined)]


def test_english_forms_in_letters_case_blind_matching_takes_for_ascii() -> None:
    """`İnc` (dotted capital I), `ınc` (dotless i) and the Kelvin sign match the forms'
    pattern case-blind; they are read as the form, not a crash on the lookup."""
    from migrator.clean.base import Context
    from migrator.clean.names import company_transform

    assert english_form("Foo İnc") == ("Foo", "Inc.")
    assert english_form("Bar ınc.") == ("Bar", "Inc.")
    assert english_form("Baz \u212a\u212a") == english_form("Baz KK")
    cleaned = company_transform(pd.Series(["Foo İnc", "山田商事㈱"]), Context())
    assert cleaned.extra["legal_form"].tolist() == ["Inc.", "株式会社"]


def test_keys_without_and_come_from_one_translation_as_from_their_definition() -> None:
    """Names in which nothing folds to `and` or `＆` take one composed translation
    (`_KEY_LINES`): the keys are still the step-by-step ones, over the same wide alphabet."""
    words = "ＡＢａｂ株式会社（）㈱ Inc. Co., Ltd. İßﬁ髙﨑ゔゕゖ〜～・"
    names = [n for n in _random_names(17, words)
             if "and" not in unicodedata.normalize("NFKC", n).casefold() and "\n" not in n]
    assert len(names) > 15_000
    joined = companies.MARKER_LINES.sub(" ", "\n".join(names))
    assert companies._MAY_BE_AND.search(unicodedata.normalize("NFKC", joined)) is None
    assert match_keys(names) == [_by_steps(n) for n in names]
