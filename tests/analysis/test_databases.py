"""The same answers from SQLite, PostgreSQL and MariaDB: the loader creates the
product_co_purchase view on each, and its counts are the pairs pandas counts."""

from __future__ import annotations

from itertools import permutations
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from migrator.analysis import also_bought, customers_who_bought, purchase_history, top_products
from tests.analysis.conftest import (
    TONER,
    buyers_by_product,
    expected_also_bought,
    load_sample,
    sales_rows,
)


def co_purchase_view(url: str) -> tuple[set[str], dict[tuple[str, str], int]]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            views = set(sa.inspect(conn).get_view_names())
            rows = conn.exec_driver_sql(
                "SELECT product, also_bought, customers_both FROM product_co_purchase")
            return views, {(str(a), str(b)): int(n) for a, b, n in rows}
    finally:
        engine.dispose()


def test_analysis_same_answers_on_every_database(target_url: str, loaded: str,
                                                 tmp_path: Path) -> None:
    load_sample(target_url, tmp_path)
    views, pairs = co_purchase_view(target_url)
    assert "product_co_purchase" in views
    buyers = buyers_by_product(sales_rows(target_url))
    assert pairs == {(a, b): len(buyers[a] & buyers[b]) for a, b in permutations(buyers, 2)
                     if buyers[a] & buyers[b]}

    got = also_bought(target_url, "トナー")
    want = expected_also_bought(sales_rows(target_url), TONER)
    assert list(got["also_bought"]) == [r["also_bought"] for r in want]
    assert list(got["lift"]) == pytest.approx([float(r["lift"]) for r in want], rel=1e-12)
    pd.testing.assert_frame_equal(got, also_bought(loaded, "トナー"), check_exact=True)
    pd.testing.assert_frame_equal(customers_who_bought(target_url, "ﾄﾅｰ"),
                                  customers_who_bought(loaded, "ﾄﾅｰ"), check_exact=True)
    pd.testing.assert_frame_equal(purchase_history(target_url, "000417"),
                                  purchase_history(loaded, "000417"), check_exact=True)
    pd.testing.assert_frame_equal(top_products(target_url), top_products(loaded),
                                  check_exact=True)
