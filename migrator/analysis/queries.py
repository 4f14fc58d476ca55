"""The questions the seeds asked of their sales in Excel, asked of the loaded target.

A customer's purchase history, the customers who bought a product, and "customers who
bought X also bought Y" with support, confidence and lift. The target counts (the crm
views `customer_purchase_history`, `customer_product_summary` and `product_co_purchase`);
this module adds the arithmetic and a stable order, so the CLI, the notebook and every
database give the same table. A target loaded before a view existed is asked the view's
own SELECT instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pandas as pd

from migrator.errors import AnalysisError
from migrator.target import missing_sqlite_file
from migrator.urls import redact

if TYPE_CHECKING:
    from sqlalchemy import Connection

HISTORY_COLUMNS = ["customer_code", "name", "sale_date", "product", "quantity", "unit_price",
                   "amount"]
BUYER_COLUMNS = ["customer_code", "name", "product", "first_purchase", "last_purchase",
                 "total_quantity", "total_amount"]
ALSO_BOUGHT_COLUMNS = ["product", "also_bought", "customers_both", "customers_product",
                       "customers_also", "support", "confidence", "lift"]
TOP_COLUMNS = ["product", "customers", "lines", "quantity", "amount"]


def purchase_history(url: str, customer_code: str) -> pd.DataFrame:
    """Every purchase of one customer, oldest first, with the customer's name.

    Example:
        >>> purchase_history("sqlite:///migrator.db", "000417")  # doctest: +SKIP
    """
    code = customer_code.strip()
    with _connect(url, "customers", "sales") as conn:
        known = _rows(conn, "SELECT COUNT(*) FROM customers WHERE customer_code = :code",
                      code=code)
        if not known[0][0]:
            raise AnalysisError(f"no customer {code!r} in {redact(url)}; check the code "
                                "(codes keep their leading zeros, such as 000417)")
        rows = _rows(conn, f"SELECT {', '.join(HISTORY_COLUMNS)} FROM "
                     f"{_view(conn, 'customer_purchase_history', 'h')} "
                     "WHERE customer_code = :code", code=code)
    frame = _typed(pd.DataFrame(rows, columns=HISTORY_COLUMNS), dates=["sale_date"],
                   numbers=["quantity", "unit_price", "amount"])
    return _sorted(frame, ["sale_date", "product", "quantity", "amount"], [True] * 4)


def customers_who_bought(url: str, product: str) -> pd.DataFrame:
    """The customers who bought a product, biggest buyers first, one row per product.

    `product` is matched as a part of the product's name, ignoring case and the width of
    letters and kana (`ﾄﾅｰ` finds `トナー カートリッジ`); an exact name picks that product only.
    """
    with _connect(url, "customers", "sales") as conn:
        matched = _match(conn, url, product)
        rows = _rows(conn, "SELECT p.customer_code, c.name, p.product, p.first_purchase, "
                     "p.last_purchase, p.total_quantity, p.total_amount FROM "
                     f"{_view(conn, 'customer_product_summary', 'p')} JOIN customers c "
                     "ON c.customer_code = p.customer_code WHERE p.product IN :products",
                     products=matched)
    frame = _typed(pd.DataFrame(rows, columns=BUYER_COLUMNS),
                   dates=["first_purchase", "last_purchase"],
                   numbers=["total_quantity", "total_amount"])
    return _sorted(frame, ["total_amount", "customer_code", "product"], [False, True, True])


def also_bought(url: str, product: str, *, min_customers: int = 2,
                limit: int = 10) -> pd.DataFrame:
    """What the customers who bought `product` also bought, the strongest pairs first.

    Over the N distinct customers with a named product in their sales: support is
    customers_both / N, confidence is customers_both / customers_product (the share of
    the product's buyers who also bought the other), and lift is
    P(both) / (P(product) · P(also_bought)): above 1, the two go together more often
    than chance. Pairs with fewer than `min_customers` customers in common are left out
    (one shared customer says little); at most `limit` rows per matched product.
    `product` is matched as in `customers_who_bought`.
    """
    with _connect(url, "sales") as conn:
        matched = _match(conn, url, product)
        pairs = _rows(conn, "SELECT product, also_bought, customers_both FROM "
                      f"{_view(conn, 'product_co_purchase', 'co')} WHERE product IN :products",
                      products=matched)
        buyers = dict(_rows(conn, "SELECT product, COUNT(DISTINCT customer_code) FROM sales "
                                  "WHERE product IS NOT NULL GROUP BY product"))
        total = _rows(conn, "SELECT COUNT(DISTINCT customer_code) FROM sales "
                            "WHERE product IS NOT NULL")[0][0]
    frame = pd.DataFrame(pairs, columns=ALSO_BOUGHT_COLUMNS[:3])
    frame["customers_both"] = frame["customers_both"].astype("int64")
    frame = frame[frame["customers_both"] >= min_customers]
    frame["customers_product"] = frame["product"].map(buyers).astype("int64")
    frame["customers_also"] = frame["also_bought"].map(buyers).astype("int64")
    frame["support"] = frame["customers_both"] / total
    frame["confidence"] = frame["customers_both"] / frame["customers_product"]
    # one division of integers, so equal lifts are equal floats and ties sort by count
    frame["lift"] = ((frame["customers_both"] * total)
                     / (frame["customers_product"] * frame["customers_also"]))
    frame = _sorted(frame, ["product", "lift", "customers_both", "also_bought"],
                    [True, False, False, True])
    return frame.groupby("product", sort=False).head(limit).reset_index(drop=True)


def top_products(url: str, *, limit: int = 10) -> pd.DataFrame:
    """The products bought by the most customers: customers, sales lines, quantity, amount."""
    with _connect(url, "sales") as conn:
        rows = _rows(conn, "SELECT product, COUNT(DISTINCT customer_code), COUNT(*), "
                           "SUM(quantity), SUM(COALESCE(amount, quantity * unit_price)) "
                           "FROM sales WHERE product IS NOT NULL GROUP BY product")
    frame = _typed(pd.DataFrame(rows, columns=TOP_COLUMNS), numbers=["quantity", "amount"])
    frame = frame.astype({"customers": "int64", "lines": "int64"})
    return _sorted(frame, ["customers", "amount", "product"], [False, False, True]).head(limit)


def as_text(frame: pd.DataFrame) -> str:
    """A result as the CLI prints it: every column, wide characters aligned, no index."""
    with pd.option_context("display.unicode.east_asian_width", True):
        return frame.to_string(index=False)


def product_key(text: str) -> str:
    """The form products are matched in: NFKC (width folded), case folded, one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).casefold().strip()


def _match(conn: Connection, url: str, product: str) -> list[str]:
    """The sold products `product` names: the one it spells exactly, else all containing it."""
    wanted = product_key(product)
    if not wanted:
        raise AnalysisError("no product given; name one, or a part of its name")
    products = sorted(str(r[0]) for r in _rows(
        conn, "SELECT DISTINCT product FROM sales WHERE product IS NOT NULL"))
    exact = [p for p in products if product_key(p) == wanted]
    matched = exact or [p for p in products if wanted in product_key(p)]
    if not matched:
        some = ", ".join(products[:5]) or "none"
        raise AnalysisError(f"no product in the sales of {redact(url)} matches {product!r}; "
                            f"products there include: {some}")
    return matched


def _view(conn: Connection, name: str, alias: str) -> str:
    """The crm view `name` as `alias`, or its SELECT where the target lacks the view (a
    target loaded by an older migrator)."""
    import sqlalchemy as sa

    from migrator.schema import load_schema

    if name in sa.inspect(conn).get_view_names():
        return f"{name} {alias}"
    return f"({load_schema('crm').views[name].select}) {alias}"


@contextmanager
def _connect(url: str, *tables: str) -> Iterator[Connection]:
    """A connection to a target that exists and holds `tables`; errors in one sentence."""
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError, ValueError) as exc:
        raise AnalysisError(f"{redact(url)} is not a database URL this installation can use "
                            f"({type(exc).__name__})") from exc
    if missing_sqlite_file(engine):
        raise AnalysisError(f"{redact(url)} does not exist; load your sales into it first "
                            "with migrator run SOURCE... --to URL")
    try:
        with engine.connect() as conn:
            present = set(sa.inspect(conn).get_table_names())
            for table in tables:
                if table not in present:
                    raise AnalysisError(f"{redact(url)} has no {table} table; load your "
                                        "sales into it first with migrator run SOURCE... "
                                        "--to URL")
            yield conn
    except sa.exc.SQLAlchemyError as exc:
        raise AnalysisError(f"could not read {redact(url)} ({type(exc).__name__}); check "
                            "the URL and that the server is running") from exc
    finally:
        engine.dispose()


def _rows(conn: Connection, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    import sqlalchemy as sa

    statement = sa.text(sql)
    if "products" in params:
        statement = statement.bindparams(sa.bindparam("products", expanding=True))
    return [tuple(row) for row in conn.execute(statement, params)]


def _typed(frame: pd.DataFrame, *, dates: Sequence[str] = (),
           numbers: Sequence[str] = ()) -> pd.DataFrame:
    """Dates and numbers as pandas types: SQLite gives text and floats, the servers give
    date and Decimal objects; the result must read the same from all three."""
    for column in dates:
        frame[column] = pd.to_datetime(frame[column].astype("string"))
    for column in numbers:
        frame[column] = frame[column].astype("float64")
    return frame


def _sorted(frame: pd.DataFrame, by: list[str], ascending: list[bool]) -> pd.DataFrame:
    """Sorted in Python, not by the database, whose text collations differ."""
    return frame.sort_values(by, ascending=ascending, kind="stable").reset_index(drop=True)
