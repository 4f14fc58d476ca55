"""Golden tables for company and person names (tests/fixtures/clean/*_names.csv)."""

from __future__ import annotations

import pandas as pd
import pytest

from migrator.clean import names as names_module
from migrator.clean.base import Context
from migrator.clean.names import company_transform, person_transform
from migrator.clean.registry import get_transform
from tests.clean.golden import golden, record_calls, text


def test_company_name_golden_table() -> None:
    rows = golden("company_names.csv")
    outcome = get_transform("company_name")(pd.Series(rows["value"].tolist()), Context())
    got = pd.DataFrame({
        "input": rows["input"], "expected": text(outcome.values),
        "match_key": text(outcome.extra["match_key"]),
        "legal_form": text(outcome.extra["legal_form"]), "reason": text(outcome.reasons),
    })
    want = rows[["input", "expected", "match_key", "legal_form", "reason"]]
    assert got.to_dict("records") == want.to_dict("records")


def test_company_name_spellings_share_one_key() -> None:
    spellings = ["(株)山田商事", "山田商事㈱", "株式会社 山田商事", "（株）　山田商事"]
    outcome = company_transform(pd.Series(spellings), Context())
    assert set(outcome.extra["match_key"]) == {"山田商事"}


def test_person_name_golden_table() -> None:
    rows = golden("person_names.csv")
    outcome = get_transform("person_name")(pd.Series(rows["value"].tolist()), Context())
    assert outcome.notes is not None
    got = pd.DataFrame({
        "input": rows["input"], "expected": text(outcome.values),
        "family_name": text(outcome.extra["family_name"]),
        "given_name": text(outcome.extra["given_name"]),
        "note": text(outcome.notes), "reason": text(outcome.reasons),
    })
    want = rows[["input", "expected", "family_name", "given_name", "note", "reason"]]
    assert got.to_dict("records") == want.to_dict("records")


def test_names_registry_names_the_module_functions() -> None:
    assert get_transform("company_name") is company_transform
    assert get_transform("person_name") is person_transform


def test_company_name_computes_once_per_distinct_value(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = record_calls(monkeypatch, names_module, "_company_many")
    series = pd.Series(["(株)山田商事", "山田商事㈱", None] * 50_000)
    outcome = company_transform(series, Context())
    assert calls == [["(株)山田商事", "山田商事㈱"]]
    assert outcome.values.value_counts().to_dict() == {
        "株式会社山田商事": 50_000, "山田商事株式会社": 50_000,
    }


def _company_corpus(seed: int) -> list[str]:
    """Names built from every legal form people write, spaces, widths and branch names."""
    import random

    from migrator.reference.companies import ENGLISH_FORMS, LEGAL_FORMS

    rng = random.Random(seed)
    forms = [*LEGAL_FORMS, *(a for abbrs in LEGAL_FORMS.values() for a in abbrs)]
    bracketed = [f"{o}{s}{a}{s}{c}" for a in forms for o, c in (("(", ")"), ("（", "）"))
                 for s in ("", " ", "　")]
    english = [f"{sep}{word}{dot}" for word in ENGLISH_FORMS for sep in (" ", ", ", "、", ",")
               for dot in ("", ".")] + [" INC.", " Co., Ltd.", " CORP", " and", " ＆"]
    parts = ["山田", "ヤマダ", "やまだ", "ﾔﾏﾀﾞ", "ＡＢＣ", "abc", "髙", "商事", "大阪支店", "支店",
             "　", " ", "  ", "\t", "・", "-", "１２", "\u0301", "İ", "ß", "(", "）", "株", "NPO",
             "Ｎ", "\x1c", "\u2028"]
    names = []
    for _ in range(6000):
        pieces = [rng.choice(parts) for _ in range(rng.randint(0, 4))]
        for _ in range(rng.randint(0, 2)):  # forms before, after or in the middle
            pieces.insert(rng.randint(0, len(pieces)), rng.choice(forms + bracketed + ["㈱", "㈲"]))
        if rng.random() < 0.3:
            pieces.append(rng.choice(english))
        names.append("".join(pieces))
    names += forms + bracketed + [e.strip() for e in english] + [
        "", " ", "　", "\t", "山田商事株式会社 大阪支店", "株式会社", "(株)", " ㈱ ",
        "Blue Harbor, Inc.", "Inc.", ", Ltd.", "山田 (株) 大阪支店", "（株）山田商事（有）"]
    return names


def _company_rows(values: list[object]) -> list[list[object]]:
    outcome = company_transform(pd.Series(values, dtype=object), Context())
    return [[None if pd.isna(x) else x for x in row] for row in zip(
        outcome.values, outcome.reasons, outcome.extra["match_key"],
        outcome.extra["legal_form"], strict=True)]


def _company_ones(values: list[object]) -> list[list[object]]:
    cells = [names_module._company_one(v) for v in values]
    return [[None if pd.isna(x) else x for x in (c.value, c.reason, *c.extra)] for c in cells]


@pytest.mark.parametrize("seed", range(3))
def test_company_transform_is_company_one_per_value(seed: int) -> None:
    """All names at once give, name by name, what `_company_one` gives: over the names
    joined by newlines, with other values beside them, and one by one once a name holds
    a newline."""
    texts = _company_corpus(seed)
    assert names_module._company_texts(texts) is not None  # the joined path itself
    assert _company_rows(list(texts)) == _company_ones(list(texts))
    mixed: list[object] = [*texts, None, 12, 3.5, True, "  "]
    assert _company_rows(mixed) == _company_ones(mixed)
    newline: list[object] = [*texts[:800], "山田\n商事", "(株\n)", "山田\n(株)", 7]
    assert names_module._company_texts([v for v in newline if isinstance(v, str)]) is None
    assert _company_rows(newline) == _company_ones(newline)


def _person_corpus(seed: int) -> list[str]:
    """Names of people typed every way: honorifics before and after, widths, spaces,
    commas, Latin and Japanese, numbers and punctuation that are not names."""
    import random

    rng = random.Random(seed)
    parts = ["山田", "太郎", "ヤマダ", "ﾀﾛｳ", "やまだ", "Smith", "John", "Mary Ann", "Lee",
             "ＡＢＣ", "　", " ", "  ", "\t", ",", "、", "・", "-", "'", ".", "１２", "3", "²",
             "〇", "Ⅳ", "①", "\u0301", "é", "İ", "_", "!", "\x1c", "\u2028",
             "様", "さま", "殿", "さん"]
    before = ["Mr", "Mr.", "mrs ", "Ms. ", "MISS ", "Dr.", "Prof ", "Mr\t", ""]
    after = ["様", " 様", "　様", "さま", " 殿", "さん", " さん ", ""]
    names = []
    for _ in range(6000):
        name = "".join(rng.choice(parts) for _ in range(rng.randint(0, 4)))
        if rng.random() < 0.3:
            name = rng.choice(before) + (" " if rng.random() < 0.7 else "") + name
        if rng.random() < 0.3:
            name += rng.choice(after)
        names.append(name)
    return names + ["", " ", "　", "Mr", "Mr ", "Dr. 様", "様", "Smith, John", ",John",
                    "Mr. Smith 様", "山田　太郎 様", "Mary Ann Lee", "ｻﾄｳ ﾊﾅｺ", "１２３", "²", "〇",
                    "O'Brien, Pat"]


def _person_rows(values: list[object]) -> list[list[object]]:
    outcome = person_transform(pd.Series(values, dtype=object), Context())
    notes = outcome.notes if outcome.notes is not None else [None] * len(values)
    return [[None if pd.isna(x) else x for x in row] for row in zip(
        outcome.values, outcome.reasons, notes, outcome.extra["family_name"],
        outcome.extra["given_name"], strict=True)]


def _person_ones(values: list[object]) -> list[list[object]]:
    cells = [names_module._person_one(v) for v in values]
    return [[None if pd.isna(x) else x for x in (c.value, c.reason, c.note, *c.extra)]
            for c in cells]


@pytest.mark.parametrize("seed", range(3))
def test_person_transform_is_person_one_per_value(seed: int) -> None:
    """All names at once give, name by name, what `_person_one` gives: over the names
    joined by newlines, with other values beside them, and one by one once a name holds
    a newline."""
    texts = _person_corpus(seed)
    assert names_module._person_texts(texts) is not None  # the joined path itself
    rows = _person_rows(list(texts))
    assert rows == _person_ones(list(texts))
    assert sum(r[2] is not None for r in rows) > 500  # honorifics noted
    assert sum(r[1] is not None for r in rows) > 100  # and names without a letter refused
    assert sum(r[3] is not None for r in rows) > 300  # and names split
    mixed: list[object] = [*texts, None, 12, 3.5, True, "  "]
    assert _person_rows(mixed) == _person_ones(mixed)
    newline: list[object] = [*texts[:800], "山田\n太郎", "Mr\nSmith", "山田 様\n", 7]
    assert names_module._person_texts([v for v in newline if isinstance(v, str)]) is None
    assert _person_rows(newline) == _person_ones(newline)
