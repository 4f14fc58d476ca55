"""Golden tables for the width and kana transforms (tests/fixtures/clean/kana.csv)."""

from __future__ import annotations

import pandas as pd
import pytest

from migrator.clean import kana as kana_module
from migrator.clean.base import Context
from migrator.clean.kana import kana_transform, width_transform
from migrator.clean.registry import get_transform
from tests.clean.golden import golden, record_calls, text


@pytest.mark.parametrize("name", ["width", "kana"])
def test_kana_golden_table(name: str) -> None:
    rows = golden("kana.csv").query("transform == @name")
    series = pd.Series(rows["value"].tolist(), index=rows.index, dtype="object")
    outcome = get_transform(name)(series, Context())
    assert list(zip(rows["input"], text(outcome.values), text(outcome.reasons), strict=True)) == (
        list(zip(rows["input"], rows["expected"], rows["reason"], strict=True))
    )
    assert outcome.values.index.equals(series.index)


def test_kana_registry_names_the_module_functions() -> None:
    assert get_transform("width") is width_transform
    assert get_transform("kana") is kana_transform


def test_kana_computes_once_per_distinct_value(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = record_calls(monkeypatch, kana_module, "_kana_many")
    series = pd.Series(["やまだ", "ﾔﾏﾀﾞ", None, "山田"] * 25_000)
    outcome = kana_transform(series, Context())
    assert len(calls) == 1
    assert sorted(map(str, calls[0])) == ["やまだ", "山田", "ﾔﾏﾀﾞ"]  # type: ignore[call-overload]
    assert outcome.values.iloc[:4].tolist()[:2] == ["ヤマダ", "ヤマダ"]
    assert outcome.reasons.value_counts().to_dict() == {"invalid_kana": 25_000}


def test_width_keeps_string_dtype_input_and_index() -> None:
    series = pd.Series(["０３", None, "ﾔﾏﾀﾞ"], index=[10, 20, 30], dtype="str")
    outcome = width_transform(series, Context())
    assert outcome.values.tolist()[0] == "03" and outcome.values.tolist()[2] == "ヤマダ"
    assert pd.isna(outcome.values[20]) and outcome.reasons.isna().all()
    assert list(outcome.values.index) == [10, 20, 30]


def _awkward_texts(seed: int) -> list[str]:
    """Texts built from the characters every fold treats specially, next to each other."""
    import random

    rng = random.Random(seed)
    parts = ["ｶﾞ", "ｶ", "ﾞ", "ﾟ", "ﾊ", "ｳﾞ", "ｰ", "ー", "－", "−", "‐", "—", "0", "9", "a", "Z",
             "０", "Ａ", "ｚ", "！", "!", "（", "）", "(", ")", "（株）", "（１２）", "～", "㈱",
             "①", "髙", "神", "　", " ", "\t", "\r", "\x1c", "\u2028", "\u0301", "e\u0301",
             "やまだ", "ヤマダ", "山田", "・", "･", "\uff5e", "\uff5f", "\uff60", "ﾝ", "\uff9f",
             "\u3099", "ゔ", "ゝ", "ㇰ", "&", "＆"]
    texts = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 8))) for _ in range(3000)]
    return texts + ["", " ", "　", "ｶ\nﾞ", "a\nb", "\n"]


@pytest.mark.parametrize("seed", range(3))
def test_width_and_kana_folds_of_joined_texts_are_the_folds_of_each(seed: int) -> None:
    """The joined-text folds give, text by text, what the one-text folds give."""
    from migrator.clean.kana import (
        collapse_spaces,
        fold_all,
        fold_width,
        to_katakana,
        to_katakana_all,
    )
    from migrator.distinct import fold_joined

    texts = _awkward_texts(seed)
    assert fold_all(texts) == [collapse_spaces(fold_width(t)) for t in texts]
    assert to_katakana_all(texts) == [to_katakana(t) for t in texts]
    clean = [t for t in texts if "\n" not in t]  # the joined path itself, not its fallback
    assert fold_joined(clean, kana_module._katakana_lines) is not None
    assert fold_joined(clean, kana_module.fold_lines) is not None
    assert fold_all(clean) == [collapse_spaces(fold_width(t)) for t in clean]
    assert to_katakana_all(clean) == [to_katakana(t) for t in clean]
    assert fold_all([]) == to_katakana_all([]) == []


@pytest.mark.parametrize("newline", [False, True])
def test_kana_transform_is_kana_one_per_value(newline: bool) -> None:
    """All values at once give, value by value, what `_kana_one` gives: the texts over
    them joined by newlines, and one by one once a text holds a newline."""
    texts = [t for t in _awkward_texts(9) if newline or "\n" not in t]
    assert (kana_module._kana_texts(texts) is None) == newline
    values: list[object] = [*texts, None, 3, 2.5, True, "  ", "山田", "yamada", "ヤマダ\u3000太郎"]
    outcome = kana_transform(pd.Series(values, dtype=object), Context())
    for value, got, reason in zip(values, outcome.values, outcome.reasons, strict=True):
        cell = kana_module._kana_one(value)
        assert (got if not pd.isna(got) else None, reason if not pd.isna(reason) else None) == (
            cell.value if not pd.isna(cell.value) else None, cell.reason), value
    assert outcome.reasons.notna().sum() > 100 and outcome.values.notna().sum() > 1000


def test_width_transform_is_fold_width_per_value() -> None:
    texts = _awkward_texts(5)
    outcome = width_transform(pd.Series(texts, dtype=object), Context())
    want = [pd.NA if not t.strip(" \t\r\n\u3000") else kana_module.fold_width(t) for t in texts]
    assert [None if pd.isna(v) else v for v in outcome.values] == [
        None if pd.isna(v) else v for v in want]


def _ascii_texts(seed: int) -> list[str]:
    """ASCII codes, ids and addresses, with the whitespace a blank cell may hold (a
    newline aside: a text holding one may send the column the usual way)."""
    import random

    rng = random.Random(seed)
    parts = ["S", "0", "9", "-", "_", "@", "a", "Z", ".", "(", ")", " ", "\t", "\r", "~"]
    return ["".join(rng.choice(parts) for _ in range(rng.randint(1, 10))) for _ in range(3000)]


@pytest.mark.parametrize("seed", range(4))
def test_width_answers_for_an_ascii_column_at_once_as_fold_width_would(seed: int) -> None:
    """All ASCII and none blank: the values as they came, none changed, without a fold;
    one blank or non-ASCII text and the column is folded value by value as before."""
    texts = [t for t in _ascii_texts(seed) if t.strip(" \t\r\n")]
    assert kana_module._ascii_unblank(pd.Series(texts).to_numpy(dtype=object))
    outcome = width_transform(pd.Series(texts, index=range(5, 5 + len(texts))), Context())
    assert outcome.values.tolist() == [kana_module.fold_width(t) for t in texts] == texts
    assert outcome.changed is not None and not outcome.changed.any()
    assert outcome.reasons.isna().all() and list(outcome.values.index) == list(
        range(5, 5 + len(texts)))
    for odd in (" ", "", "\t\r", "\n", " \n ", "Ａ１", "ｶ", "1ー2", "\u3000"):
        at = seed * 700
        mixed = [*texts[:at], odd, *texts[at:]]
        assert not kana_module._ascii_unblank(pd.Series(mixed).to_numpy(dtype=object)), odd
        outcome = width_transform(pd.Series(mixed), Context())
        want = [None if not t.strip(" \t\r\n\u3000") else kana_module.fold_width(t)
                for t in mixed]
        assert [None if pd.isna(v) else v for v in outcome.values] == want, odd
        assert outcome.changed is None
    inner = [*texts[:10], "a\n\nb", "a\n \nb"]  # a blank line inside a text: the usual way
    assert not kana_module._ascii_unblank(pd.Series(inner).to_numpy(dtype=object))
    assert width_transform(pd.Series(inner), Context()).values.tolist() == inner


def _fold_width_by_steps(text: str) -> str:
    """fold_width as first written: each rewrite a regex over the whole text, a call per
    run of ASCII and full-width ASCII."""
    import re

    import jaconv

    to_ascii = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
    alnum = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]")
    run = "!-~\uff01-\uff07\uff0a-\uff5d"

    def bracket(match: re.Match[str]) -> str:
        inner = match.group(1)
        return f"({inner.translate(to_ascii)})" if alnum.search(inner) else match.group(0)

    def convert(match: re.Match[str]) -> str:
        found = match.group(0)
        return found.translate(to_ascii) if alnum.search(found) else found

    text = re.sub(rf"（([{run}]*)）", bracket, text)
    text = re.sub(rf"[{run}]+", convert, text)
    text = re.sub(r"(?<=[0-9])[ー−‐‑–—―ｰ－](?=[0-9])", "-", text)
    return str(jaconv.h2z(text, kana=True, ascii=False, digit=False))


@pytest.mark.parametrize("seed", range(3))
def test_fold_width_is_its_rewrites_step_by_step(seed: int) -> None:
    """fold_width, one text at a time and over long texts (its runs then converted as an
    array), gives what its rewrites give one after the other."""
    texts = _awkward_texts(seed) + [
        "！", "！？", "a！", "！１", "ｘ！", "（！）", "（ａ）！", "１２ー３４", "1ー2", "ー1",
        "\ud800ＡＢ\udfff", "Ａ\U0001f600ｂ"]
    assert [kana_module.fold_width(t) for t in texts] == [_fold_width_by_steps(t) for t in texts]
    for long in ("\n".join(texts), "".join(texts), "\n".join(reversed(texts))):
        assert len(long) >= kana_module._ARRAY_FROM
        assert kana_module.fold_width(long) == _fold_width_by_steps(long)
    assert kana_module.fold_width("ＡＢＣ" * 1000) == "ABC" * 1000
    assert kana_module.fold_width("！" * 3000) == "！" * 3000


def test_full_kana_is_jaconvs_half_to_full_width() -> None:
    """Every text of up to two characters of half-width kana and their neighbours, random
    longer ones, and long ones (translated as an array) come out as jaconv writes them."""
    import itertools
    import random

    import jaconv

    def h2z(text: str) -> str:
        return str(jaconv.h2z(text, kana=True, ascii=False, digit=False))

    chars = [chr(code) for code in range(0xFF61, 0xFFA0)] + ["ア", "か", "a", "\n", "゛", "\u3099"]
    for n in (1, 2):
        for combo in itertools.product(chars, repeat=n):
            text = "".join(combo)
            assert kana_module._full_kana(text) == h2z(text), text
    rng = random.Random(4)
    texts = ["".join(rng.choices(chars, k=rng.randint(3, 8))) for _ in range(20_000)]
    assert [kana_module._full_kana(t) for t in texts] == [h2z(t) for t in texts]
    long = "".join(texts)
    assert len(long) > 10_000 and kana_module._full_kana(long) == h2z(long)
    assert len(kana_module._VOICED) == 26  # ｶﾞ..ﾎﾟ and ｳﾞ, as jaconv lists them


def test_katakana_table_is_jaconvs_hiragana_to_katakana() -> None:
    import random

    import jaconv

    rng = random.Random(5)
    chars = [chr(code) for code in range(0x3041, 0x30A0)] + ["ア", "ｱ", "a", "山", "\n", "ー"]
    for k in (1, 50, 20_000):
        text = "".join(rng.choices(chars, k=k))
        assert kana_module._KATAKANA.translate(text) == jaconv.hira2kata(text)
