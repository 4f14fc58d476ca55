"""prepare: whole-column coercion to the schema's types, and the PostgreSQL COPY payload."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from migrator.load import LoadError
from migrator.load.prepare import copy_chunks, copy_columns, given_constants, prepare
from migrator.schema import load_schema

SCHEMA = load_schema("crm")


def sales(**columns: list[object]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"sale_id": [f"S{i}" for i in range(n)],
                         "customer_code": ["C1"] * n, **columns,
                         "_source_file": ["売上.xlsx"] * n, "_source_sheet": ["売上"] * n,
                         "_source_row": list(range(3, 3 + n))}, dtype=object)


def test_prepare_coerces_each_kind_and_keeps_missing_as_none() -> None:
    frame = sales(sale_date=[pd.Timestamp("2024-04-01 00:00"), "2024-04-02", date(2024, 4, 3),
                             None],
                  amount=["12.5", 3, Decimal("1.23456"), float("nan")],
                  currency=["JPY", None, pd.NA, "USD"])
    table = prepare("sales", SCHEMA.tables["sales"], frame, "run1")
    assert table.values["sale_date"].tolist() == [date(2024, 4, 1), date(2024, 4, 2),
                                                  date(2024, 4, 3), None]
    assert table.values["amount"].tolist() == [Decimal("12.5000"), Decimal("3.0000"),
                                               Decimal("1.2346"), None]
    assert table.values["currency"].tolist() == ["JPY", None, None, "USD"]
    assert table.values["_source_row"].tolist() == [3, 4, 5, 6]
    assert table.values["_run_id"].tolist() == ["run1"] * 4
    assert table.records(1, 2)[0]["sale_id"] == "S1"


def test_prepare_text_columns_with_and_without_blanks_alike_in_every_dtype() -> None:
    """A text column of str only is taken as it is, with no missing cell; one with blanks
    of any kind (None, NaN, NA) has them as None and marked missing; the key too."""
    texts = ["コピー用紙", "トナー", "ペン"]
    for dtype in (object, "str", "string"):
        full = sales(product=pd.Series(texts, dtype=dtype).tolist())
        full["product"] = pd.Series(texts, dtype=dtype)
        table = prepare("sales", SCHEMA.tables["sales"], full, "r")
        assert table.values["product"].tolist() == texts
        assert table.missing["product"].tolist() == [False] * 3
        assert table.values["sale_id"].tolist() == ["S0", "S1", "S2"]
        assert not table.missing["sale_id"].any()
        blanks = sales(product=texts)
        blanks["product"] = pd.Series(["x", None, "z"], dtype=dtype)
        if dtype is object:
            blanks.loc[2, "product"] = float("nan")
        table = prepare("sales", SCHEMA.tables["sales"], blanks, "r")
        expected = ["x", None, None] if dtype is object else ["x", None, "z"]
        assert table.values["product"].tolist() == expected
        assert table.missing["product"].tolist() == [v is None for v in expected]
    keyless = pd.DataFrame({"customer_code": ["C1", None, "C3"], "name": texts},
                           dtype=object)  # no lineage: no key is generated
    with pytest.raises(LoadError, match=r"^customers row \(no lineage\) has no customer_code;"):
        prepare("customers", SCHEMA.tables["customers"], keyless, "r")
    keyless.loc[1, "customer_code"] = "C1"
    with pytest.raises(LoadError, match=r"repeats the customer_code of row"):
        prepare("customers", SCHEMA.tables["customers"], keyless, "r")
    keyless.loc[1, "customer_code"] = "C2"
    assert not prepare("customers", SCHEMA.tables["customers"], keyless, "r"
                       ).missing["customer_code"].any()


def test_prepare_code_numbers_are_text_and_never_merged() -> None:
    frame = sales(product=["x", "y", "z"])
    frame["sale_id"] = pd.Series([10, 10.0, "S3"], dtype=object)
    table = prepare("sales", SCHEMA.tables["sales"], frame, "r")
    assert table.values["sale_id"].tolist() == ["10", "10.0", "S3"]


def test_prepare_a_value_of_the_wrong_type_names_its_cell() -> None:
    frame = sales(amount=[Decimal("1"), "一万円", "一万円"])
    with pytest.raises(LoadError, match=r"^sales.amount at 売上.xlsx:売上:4 is not a decimal "
                                        r"value; clean or reject the row before loading.$"):
        prepare("sales", SCHEMA.tables["sales"], frame, "r")


def test_copy_payload_escapes_text_and_spells_nulls_dates_and_booleans() -> None:
    frame = pd.DataFrame({
        "contact_id": ["K1", "K2"], "customer_code": ["C1", "C2"],
        "full_name": ["山田\t太郎\\", "line\nbreak\r"], "birthday": [date(1990, 1, 2), None],
        "is_primary": [True, False], "_source_file": ["a.csv", "a.csv"],
        "_source_sheet": [None, None], "_source_row": [2, 3]}, dtype=object)
    table = prepare("contacts", SCHEMA.tables["contacts"], frame, "r")
    assert table.columns == ["contact_id", "customer_code", "full_name", "birthday",
                             "is_primary", "_source_file", "_source_sheet", "_source_row",
                             "_run_id"]
    # the columns that hold one value in every row come last: each line ends with them
    assert copy_columns(table) == ["contact_id", "customer_code", "full_name", "birthday",
                                   "is_primary", "_source_row", "_source_file",
                                   "_source_sheet", "_run_id"]
    payload = b"".join(copy_chunks(table)).decode("utf-8")
    assert payload == ("K1\tC1\t山田\\t太郎\\\\\t1990-01-02\tt\t2\ta.csv\t\\N\tr\n"
                       "K2\tC2\tline\\nbreak\\r\t\\N\tf\t3\ta.csv\t\\N\tr\n")
    assert b"".join(copy_chunks(table, rows=1)) == payload.encode("utf-8")


def test_copy_writes_a_column_of_one_value_once_per_chunk_and_every_other_per_row() -> None:
    """A coded column of one distinct value, a file name with a tab, one missing sheet
    name: each is a constant only where every row holds it."""
    frame = pd.DataFrame({
        "contact_id": ["K1", "K2", "K3"], "customer_code": ["C1", "C1", "C1"],
        "birthday": [date(1990, 1, 2)] * 3, "is_primary": [True, None, True],
        "_source_file": ["a\tb.csv"] * 3, "_source_sheet": [None, None, "s"],
        "_source_row": [2, 3, 4]}, dtype=object)
    table = prepare("contacts", SCHEMA.tables["contacts"], frame, "r")
    assert copy_columns(table) == ["contact_id", "customer_code", "is_primary", "_source_sheet",
                                   "_source_row", "birthday", "_source_file", "_run_id"]
    payload = b"".join(copy_chunks(table, rows=2)).decode("utf-8")
    assert payload == ("K1\tC1\tt\t\\N\t2\t1990-01-02\ta\\tb.csv\tr\n"
                       "K2\tC1\t\\N\t\\N\t3\t1990-01-02\ta\\tb.csv\tr\n"
                       "K3\tC1\tt\ts\t4\t1990-01-02\ta\\tb.csv\tr\n")
    one = prepare("contacts", SCHEMA.tables["contacts"], frame.iloc[:1], "r")
    assert copy_columns(one) == ["contact_id", "customer_code", "_source_row", "birthday",
                                 "is_primary", "_source_file", "_source_sheet", "_run_id"]
    # one row: all but the key (never a constant: it leads every line) and the columns
    # not looked at for one value (fields of text, the row) are written with the line end
    assert b"".join(copy_chunks(one)).decode("utf-8") == \
        "K1\tC1\t2\t1990-01-02\tt\ta\\tb.csv\t\\N\tr\n"


def test_copy_leaves_the_given_columns_of_one_value_to_their_defaults() -> None:
    """`given_constants`: each column of one value with that value (None where blank);
    the COPY's columns and payload then leave them out, and every other field stays."""
    frame = pd.DataFrame({
        "contact_id": ["K1", "K2", "K3"], "customer_code": ["C1", "C1", "C1"],
        "birthday": [date(1990, 1, 2)] * 3, "is_primary": [True, None, True],
        "email": [None, None, None], "_source_file": ["a\tb.csv"] * 3,
        "_source_sheet": [None, None, "s"], "_source_row": [2, 3, 4]}, dtype=object)
    table = prepare("contacts", SCHEMA.tables["contacts"], frame, "r")
    given = given_constants(table)
    assert given == {"birthday": date(1990, 1, 2), "email": None, "_source_file": "a\tb.csv",
                     "_run_id": "r"}
    assert copy_columns(table, given) == ["contact_id", "customer_code", "is_primary",
                                          "_source_sheet", "_source_row"]
    assert b"".join(copy_chunks(table, rows=2, given=given)).decode("utf-8") == (
        "K1\tC1\tt\t\\N\t2\nK2\tC1\t\\N\t\\N\t3\nK3\tC1\tt\ts\t4\n")
    assert copy_columns(table, {}) == copy_columns(table)  # nothing given: all written


def test_prepare_and_copy_convert_each_distinct_value_once(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """A date or amount column is coerced and written as COPY text once per distinct value,
    whatever the chunks, with the same payload as row by row."""
    prepare_module = importlib.import_module("migrator.load.prepare")

    dates: list[object] = [date(2024, 4, 1 + i % 3) for i in range(3_000)] + [None]
    amounts: list[object] = [Decimal(i % 7) for i in range(3_000)] + [float("nan")]
    frame = sales(sale_date=dates, amount=amounts)
    seen: list[object] = []
    writes = prepare_module._copy_value

    def counted(value: object) -> str:
        seen.append(value)
        return writes(value)  # type: ignore[no-any-return]

    monkeypatch.setattr(prepare_module, "_copy_value", counted)
    table = prepare("sales", SCHEMA.tables["sales"], frame, "r")
    codes, distinct = table.distinct["sale_date"]
    assert len(distinct) == 3 and codes[-1] == -1 and table.missing["sale_date"][-1]
    assert table.values["amount"][-1] is None and len(table.distinct["amount"][1]) == 7
    payload = b"".join(copy_chunks(table, rows=1_000))
    assert len(seen) == 3 + 7  # sale dates and amounts: once per distinct value
    lines = payload.decode("utf-8").splitlines()
    assert len(lines) == 3_001 and lines[-1].split("\t")[2:4] == ["\\N", "\\N"]
    assert lines[4].split("\t")[2:4] == ["2024-04-02", "4.0000"]
    assert b"".join(copy_chunks(table, rows=7)) == payload
