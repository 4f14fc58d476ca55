"""sample_data loaded once, and the expected answers counted here with pandas from the
loaded sales rows (sets of customers per product), never from migrator.analysis."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest

from migrator.demo import SOURCES
from tests.conftest import SAMPLE_DATA, stored_rows

FILES = [SAMPLE_DATA / n for n in SOURCES]
MAPPING = SAMPLE_DATA / "mapping.yaml"
TONER = "トナー カートリッジ"


def load_sample(url: str, folder: Path) -> None:
    from migrator import run

    report = run(FILES, mapping=MAPPING, to=url, rejects_dir=folder / "rejects")
    assert report.tables["sales"].rows_loaded == 120


@pytest.fixture(scope="session")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An SQLite file holding all of sample_data, for the tests that only read it."""
    folder = tmp_path_factory.mktemp("analysis")
    url = f"sqlite:///{folder / 'sample.db'}"
    load_sample(url, folder)
    return url


def sales_rows(url: str) -> pd.DataFrame:
    """The loaded sales rows, as text (tests.conftest.stored_rows)."""
    return pd.DataFrame(stored_rows(url, "sales"))


def buyers_by_product(sales: pd.DataFrame) -> dict[str, set[str]]:
    named = sales[sales["product"].notna()]
    return {str(p): set(g["customer_code"]) for p, g in named.groupby("product")}


def expected_also_bought(sales: pd.DataFrame, product: str,
                         min_customers: int = 2) -> list[dict[str, object]]:
    """Rows of also_bought for `product`, from sets of customers; lift as a fraction."""
    buyers = buyers_by_product(sales)
    everyone = len(set().union(*buyers.values()))
    mine = buyers[product]
    rows = []
    for other, theirs in buyers.items():
        both = len(mine & theirs)
        if other == product or both < min_customers:
            continue
        p_both = Fraction(both, everyone)
        lift = p_both / (Fraction(len(mine), everyone) * Fraction(len(theirs), everyone))
        rows.append({"product": product, "also_bought": other, "customers_both": both,
                     "customers_product": len(mine), "customers_also": len(theirs),
                     "support": p_both, "confidence": Fraction(both, len(mine)), "lift": lift})
    return sorted(rows, key=lambda r: (-r["lift"], -r["customers_both"], r["also_bought"]))


def as_records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [dict(r) for r in frame.to_dict("records")]
