"""The prepared columns' folds, run over all distinct values at once, against one by one."""

from __future__ import annotations

import random

import pytest

from migrator.dedupe import fields
from migrator.distinct import fold_joined
from migrator.reference.companies import match_key

_PARTS = ["錦", "4", "４", "丁目", "29", "番地", "番", "号", "の", "2", "－", "-", "ー", "−", "‐",
          " ", "　", "\t", "\r", "\x1c", "\u2028", "Ａ", "b", "C", "ß", "İ", "ﬁ", "㈱", "(株)",
          "やまだ", "ﾔﾏﾀﾞ", "ヤマダ", "・", "･", "髙", "﨑", "\u0301", "e\u0301", "!", "@",
          "Example.CO.JP", "東京都", "〒100-0001", "and", "＆", "1-2-3"]


def _texts(seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = ["".join(rng.choice(_PARTS) for _ in range(rng.randint(0, 9))) for _ in range(4000)]
    return [*texts, "", " ", "　"]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize(("batch", "one"), [
    (fields._plain_texts, fields._plain_text), (fields._address_texts, fields._address_text),
    (fields._kana_texts, fields._kana_text),
    (fields.match_keys, match_key)], ids=["plain", "address", "kana", "name"])
def test_fields_folds_all_at_once_equal_one_by_one(batch: object, one: object,
                                                   seed: int) -> None:
    texts = _texts(seed)
    want = [one(t) for t in texts]  # type: ignore[operator]
    assert batch(texts) == want  # type: ignore[operator]
    with_newline = [*texts[:50], "錦\n4丁目", "\n", "ab\ncd"]  # one by one, the same
    assert batch(with_newline) == [one(t) for t in with_newline]  # type: ignore[operator]


@pytest.mark.parametrize("lines", [fields._nfkc_casefold, fields._address_lines,
                                   fields._kana_lines])
def test_fields_folds_take_the_joined_path(lines: object) -> None:
    assert fold_joined(_texts(1), lines) is not None  # type: ignore[arg-type]
