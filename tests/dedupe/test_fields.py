"""The prepared columns' folds, run over all distinct values at once, against one by one."""

from __future__ import annotations

import random

import pytest

from migrator.dedupe import fields
from migrator.distinct import SAMPLE, fold_joined, hardly_repeats
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


def test_same_row_lookup_is_reindex_on_lineage() -> None:
    """The moved parents found per child row by a dict are what reindex on the lineage
    MultiIndex finds: first of repeated lineages, NaN where none, seq and missing parts."""
    import numpy as np
    import pandas as pd

    from migrator.dedupe import rows as rows_module
    from migrator.dedupe import stage as stage_module
    from migrator.lineage import LINEAGE_COLUMNS, LINEAGE_SEQ, row_seq

    rng = random.Random(4)

    def lineage(n: int) -> pd.DataFrame:
        return pd.DataFrame({
            LINEAGE_COLUMNS[0]: [rng.choice(["a.xlsx", "b.csv"]) for _ in range(n)],
            LINEAGE_COLUMNS[1]: [rng.choice(["S1", None, np.nan]) for _ in range(n)],
            LINEAGE_COLUMNS[2]: [rng.randint(1, 40) for _ in range(n)],
            LINEAGE_SEQ: [rng.choice([0, 1, None]) for _ in range(n)]})

    frame = lineage(3000)
    moved = lineage(200).assign(old=[f"C{rng.randint(1, 50)}" for _ in range(200)],
                                key=[rng.choice([f"K{rng.randint(1, 9)}", None])
                                     for _ in range(200)])
    got = stage_module._same_row(frame, moved)
    found = pd.DataFrame({"old": moved["old"].to_numpy(), "key": moved["key"].to_numpy()},
                         index=rows_module.lineage_index(moved, row_seq(moved)))
    found = found[~found.index.duplicated()]
    want = found.reindex(rows_module.lineage_index(frame, row_seq(frame))).set_axis(
        frame.index)
    assert got is not None
    pd.testing.assert_frame_equal(got, want)
    assert got["old"].notna().sum() > 100


def test_fields_compare_clean_company_keys_as_they_are_and_key_a_name_without_one() -> None:
    """Clean's `_<name>_key` is the match key already (stored records get theirs the same
    way in stored.py): used as it is, a missing one MISSING; a name without a key column
    is keyed by match_key."""
    import numpy as np
    import pandas as pd

    from migrator.schema import load_schema

    spec = load_schema("crm").tables["customers"]
    names = ["株式会社山田商事", "(株)ヤマダ商事", None]
    keyed = pd.DataFrame({"name": names, "_name_key": ["山田商事", "as is, not re-keyed", None]})
    prepared = fields.prepare(keyed, spec, np.zeros(3, dtype=bool), None)
    assert prepared.columns["name"].tolist() == ["山田商事", "as is, not re-keyed", fields.MISSING]
    bare = fields.prepare(keyed[["name"]], spec, np.zeros(3, dtype=bool), None)
    assert bare.columns["name"].tolist() == [match_key(names[0]), match_key(names[1]),
                                             fields.MISSING]
    # the match helper is sent the key alone, and prepares the same from it
    assert fields.columns_read(keyed, spec, None) == ["_name_key"]
    sent = fields.prepare(keyed[["_name_key"]], spec, np.zeros(3, dtype=bool), None)
    assert sent.columns["name"].tolist() == prepared.columns["name"].tolist()


def test_a_column_that_hardly_repeats_is_folded_row_by_row_as_by_its_distinct_values(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """E-mail addresses, phones and keys that hardly repeat are folded row by row instead
    of value by value: the same folded texts, and ids that part the rows the same way
    (case and width variants of one address, blanks, a text that folds to nothing)."""
    import numpy as np
    import pandas as pd

    from migrator.schema import load_schema

    spec = load_schema("crm").tables["customers"]
    n = 3 * SAMPLE
    emails: list[object] = [f"User{i}@Example.CO.JP" for i in range(n)]
    for k, i in enumerate(range(7, n, 500)):
        emails[i] = f"ＵＳＥＲ{i - 1}@example.co.jp"  # the row before, once folded
        emails[i + 1] = None
        emails[i + 2] = " " * (k + 1)  # folds to nothing: MISSING
    frame = pd.DataFrame({
        "customer_code": [f"C{i:05d}" if i % 700 else f"c{i - 1:05d}" for i in range(n)],
        "name": [f"サンプル{i % 50}(株)" for i in range(n)],
        "email": emails,
        "phone": [f"+8131234{i:04d}" for i in range(n)],
        "address_line1": [f"錦{i % 9}丁目29番地" for i in range(n)],
    })
    assert hardly_repeats(frame["email"].to_numpy(dtype=object))
    assert not hardly_repeats(frame["address_line1"].to_numpy(dtype=object))
    generated = np.zeros(n, dtype=bool)
    generated[::999] = True
    by_row = fields.prepare(frame, spec, generated, None)
    monkeypatch.setattr(fields, "hardly_repeats", lambda cells: False)
    by_value = fields.prepare(frame, spec, generated, None)
    assert by_row.columns.keys() == by_value.columns.keys()
    assert np.array_equal(by_row.code, by_value.code)
    for name in [*by_row.columns, "code"]:
        if name in by_row.columns:
            assert np.array_equal(by_row.columns[name], by_value.columns[name]), name
        row_ids, value_ids = by_row.value_ids(name), by_value.value_ids(name)
        assert np.array_equal(row_ids < 0, value_ids < 0), name
        both = set(zip(row_ids.tolist(), value_ids.tolist(), strict=True))
        assert len(both) == len(set(row_ids.tolist())) == len(set(value_ids.tolist())), name
    folded = by_row.columns["email"]
    assert folded[7] == folded[6] and folded[8] == folded[9] == fields.MISSING
