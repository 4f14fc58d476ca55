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


def test_company_transform_is_company_one_per_value() -> None:
    """All names at once give, name by name, what `_company_one` gives."""
    import random

    rng = random.Random(3)
    parts = ["(株)", "（株）", "( 株 )", "㈱", "株式会社", "有限会社", "NPO法人", " Inc.", ", Ltd.",
             " Co.", " and ", "＆", "&", "山田", "ヤマダ", "やまだ", "ﾔﾏﾀﾞ", "ＡＢＣ", "abc", "髙",
             "　", " ", "\t", "・", "-", "１２", "支店", "\u0301", "İ", "ß"]
    values: list[object] = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 6)))
                            for _ in range(4000)]
    values += [None, 12, 3.5, "山田\n商事", "(株\n)", "  "]
    outcome = company_transform(pd.Series(values, dtype=object), Context())
    got = list(zip(outcome.values, outcome.reasons, outcome.extra["match_key"],
                   outcome.extra["legal_form"], strict=True))
    for value, row in zip(values, got, strict=True):
        cell = names_module._company_one(value)
        want = (cell.value, cell.reason, *cell.extra)
        assert [None if pd.isna(x) else x for x in row] == [
            None if pd.isna(x) else x for x in want], value
