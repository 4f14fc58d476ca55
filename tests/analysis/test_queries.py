"""analysis queries on sample_data in SQLite, checked against counts made with pandas from
the loaded sales rows; product matching; one-sentence errors."""

from __future__ import annotations

import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from migrator.analysis import (
    also_bought,
    customers_who_bought,
    product_key,
    purchase_history,
    top_products,
)
from migrator.errors import AnalysisError, MigratorError
from tests.analysis.conftest import (
    TONER,
    as_records,
    buyers_by_product,
    expected_also_bought,
    sales_rows,
)
from tests.conftest import stored_rows


def test_also_bought_counts_and_lift_of_every_product(loaded: str) -> None:
    sales = sales_rows(loaded)
    for product in buyers_by_product(sales):
        got = as_records(also_bought(loaded, product, min_customers=1, limit=100))
        want = expected_also_bought(sales, product, min_customers=1)
        assert [r["also_bought"] for r in got] == [r["also_bought"] for r in want], product
        for g, w in zip(got, want, strict=True):
            assert {k: g[k] for k in ("customers_both", "customers_product", "customers_also")} \
                == {k: w[k] for k in ("customers_both", "customers_product", "customers_also")}
            for measure in ("support", "confidence", "lift"):
                assert g[measure] == pytest.approx(float(w[measure]), rel=1e-12), measure


def test_also_bought_toner_defaults_keep_pairs_of_two_or_more(loaded: str) -> None:
    got = also_bought(loaded, "トナー")
    want = expected_also_bought(sales_rows(loaded), TONER, min_customers=2)
    assert list(got.columns) == ["product", "also_bought", "customers_both",
                                 "customers_product", "customers_also", "support",
                                 "confidence", "lift"]
    assert list(got["also_bought"]) == [r["also_bought"] for r in want] and len(want) >= 3
    assert got["customers_both"].min() >= 2 and set(got["product"]) == {TONER}
    assert list(got["lift"]) == pytest.approx([float(r["lift"]) for r in want])


def test_also_bought_limit_is_per_product(loaded: str) -> None:
    got = also_bought(loaded, "a4", min_customers=1, limit=3)
    assert sorted(set(got["product"])) == ["クリアファイル A4 100枚", "コピー用紙 A4"]
    assert got.groupby("product").size().tolist() == [3, 3]
    assert also_bought(loaded, TONER, min_customers=99).empty


def test_customers_who_bought_matches_the_sales_rows(loaded: str) -> None:
    sales = sales_rows(loaded)
    toner = sales[sales["product"] == TONER]
    names = {r["customer_code"]: r["name"] for r in stored_rows(loaded, "customers")}
    totals = toner.groupby("customer_code")["amount"].agg(lambda a: sum(map(Decimal, a)))
    got = customers_who_bought(loaded, "ﾄﾅｰ")  # half-width kana, a part of the name
    assert sorted(got["customer_code"]) == sorted(toner["customer_code"].unique())
    assert set(got["product"]) == {TONER}
    for row in got.itertuples():
        assert row.name == names[row.customer_code]
        assert Decimal(str(row.total_amount)) == totals[row.customer_code]
    assert list(got["total_amount"]) == sorted(got["total_amount"], reverse=True)


def test_purchase_history_is_every_sale_of_the_customer_oldest_first(loaded: str) -> None:
    sales = sales_rows(loaded)
    code = sales["customer_code"].value_counts().index[0]
    mine = sales[sales["customer_code"] == code]
    got = purchase_history(loaded, f" {code} ")
    assert len(got) == len(mine) and set(got["customer_code"]) == {code}
    assert sorted(zip(got["sale_date"].dt.strftime("%Y-%m-%d"), got["product"],
                      got["amount"], strict=True)) == \
        sorted(zip(mine["sale_date"], mine["product"], mine["amount"].astype(float),
                   strict=True))
    assert got["sale_date"].is_monotonic_increasing


def test_top_products_counts_customers_per_product(loaded: str) -> None:
    buyers = buyers_by_product(sales_rows(loaded))
    got = top_products(loaded, limit=100)
    assert dict(zip(got["product"], got["customers"], strict=True)) == \
        {p: len(c) for p, c in buyers.items()}
    assert list(got["customers"]) == sorted(got["customers"], reverse=True)
    assert len(top_products(loaded, limit=3)) == 3


def test_analysis_asks_the_view_select_when_the_target_lacks_the_views(
        loaded: str, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    shutil.copy(loaded.removeprefix("sqlite:///"), old)
    with sqlite3.connect(old) as conn:
        for view in ("product_co_purchase", "customer_purchase_history",
                     "customer_product_summary"):
            conn.execute(f"DROP VIEW {view}")
    url = f"sqlite:///{old}"
    pd.testing.assert_frame_equal(also_bought(url, TONER), also_bought(loaded, TONER))
    pd.testing.assert_frame_equal(customers_who_bought(url, "トナー"),
                                  customers_who_bought(loaded, "トナー"))
    pd.testing.assert_frame_equal(purchase_history(url, "000417"),
                                  purchase_history(loaded, "000417"))


@pytest.fixture
def stapler_db(tmp_path: Path) -> str:
    """Three customers, and a product whose name is a part of another's."""
    path = tmp_path / "small.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (customer_code TEXT, name TEXT)")
        conn.execute("CREATE TABLE sales (sale_id TEXT, customer_code TEXT, sale_date TEXT, "
                     "product TEXT, quantity NUMERIC, unit_price NUMERIC, amount NUMERIC)")
        conn.executemany("INSERT INTO customers VALUES (?, ?)",
                         [("C1", "一"), ("C2", "二"), ("C3", "三")])
        conn.executemany("INSERT INTO sales VALUES (?, ?, '2024-04-01', ?, 1, 100, NULL)", [
            ("1", "C1", "ホッチキス"), ("2", "C1", "ホッチキス 針"), ("3", "C1", "ホッチキス"),
            ("4", "C2", "ホッチキス"), ("5", "C2", "付箋"), ("6", "C3", "ホッチキス 針"),
            ("7", "C3", "付箋"), ("8", "C3", None)])
    return f"sqlite:///{path}"


def test_product_an_exact_name_picks_that_product_only(stapler_db: str) -> None:
    exact = also_bought(stapler_db, "ﾎｯﾁｷｽ", min_customers=1)
    assert set(exact["product"]) == {"ホッチキス"}
    assert as_records(exact[["also_bought", "customers_both", "lift"]]) == [
        {"also_bought": "ホッチキス 針", "customers_both": 1, "lift": 0.75},
        {"also_bought": "付箋", "customers_both": 1, "lift": 0.75}]
    assert set(also_bought(stapler_db, "ホッチ", min_customers=1)["product"]) == \
        {"ホッチキス", "ホッチキス 針"}
    bought = customers_who_bought(stapler_db, "ホッチキス")
    assert list(bought["customer_code"]) == ["C1", "C2"]
    assert list(bought["total_amount"]) == [200.0, 100.0]  # quantity × unit_price


def test_product_key_folds_width_case_and_spaces() -> None:
    assert product_key("  ＬＥＤ　ﾃﾞｽｸﾗｲﾄ ") == "led デスクライト"


def test_analysis_missing_sqlite_file_says_so_and_creates_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nope.db'}"
    with pytest.raises(AnalysisError) as caught:
        also_bought(url, TONER)
    assert str(caught.value) == (f"{url} does not exist; load your sales into it first with "
                                 "migrator run SOURCE... --to URL")
    assert list(tmp_path.iterdir()) == []


def test_analysis_target_without_sales_says_so(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "other.db") as conn:
        conn.execute("CREATE TABLE customers (customer_code TEXT, name TEXT)")
    url = f"sqlite:///{tmp_path / 'other.db'}"
    for ask in (lambda: also_bought(url, "x"), lambda: customers_who_bought(url, "x"),
                lambda: purchase_history(url, "C1"), lambda: top_products(url)):
        with pytest.raises(AnalysisError, match=r"^sqlite:///.*other\.db has no sales table; "
                                                r"load your sales into it first"):
            ask()


def test_analysis_unknown_product_and_customer_in_one_sentence(loaded: str) -> None:
    with pytest.raises(AnalysisError) as caught:
        also_bought(loaded, "プリンター")
    assert str(caught.value) == (
        f"no product in the sales of {loaded} matches 'プリンター'; products there include: "
        "LED デスクライト, クリアファイル A4 100枚, コピー用紙 A4, シュレッダー, "
        "トナー カートリッジ")
    with pytest.raises(AnalysisError) as caught:
        purchase_history(loaded, "417")
    assert str(caught.value) == (f"no customer '417' in {loaded}; check the code (codes keep "
                                 "their leading zeros, such as 000417)")
    with pytest.raises(AnalysisError, match="^no product given"):
        customers_who_bought(loaded, " ")


def test_analysis_unreachable_server_and_bad_url_hide_the_password() -> None:
    url = "postgresql+psycopg://app:s3cret@127.0.0.1:1/crm"
    with pytest.raises(AnalysisError) as caught:
        also_bought(url, TONER)
    assert str(caught.value) == ("could not read postgresql+psycopg://app:***@127.0.0.1:1/crm "
                                 "(OperationalError); check the URL and that the server is "
                                 "running")
    with pytest.raises(MigratorError, match=r"^nosuch://u:\*\*\*@h/db is not a database URL"):
        top_products("nosuch://u:secret@h/db")
