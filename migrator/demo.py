"""`migrator demo`: all of sample_data into an SQLite file, then three questions asked of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrator.errors import MigratorError
from migrator.report import RunReport

SOURCES = ["顧客台帳.xlsx", "部署別顧客.xlsx", "顧客カード.xlsx", "shop_export_cp932.csv",
           "us_customers.xlsx", "売上明細.xlsx"]
QUERIES = {
    "Purchase history of one customer (the customer_purchase_history view)":
        "SELECT sale_date, product, quantity, amount FROM customer_purchase_history "
        "WHERE customer_code = (SELECT customer_code FROM sales ORDER BY sale_date, sale_id "
        "LIMIT 1) ORDER BY sale_date LIMIT 5",
    "Customers who bought a toner cartridge":
        "SELECT DISTINCT c.customer_code, c.name FROM customers c JOIN sales s "
        "ON s.customer_code = c.customer_code WHERE s.product LIKE '%トナー%' "
        "ORDER BY c.customer_code LIMIT 5",
    "Top customers by amount (the customer_product_summary view)":
        "SELECT c.name, SUM(p.total_amount) AS amount FROM customer_product_summary p "
        "JOIN customers c ON c.customer_code = p.customer_code "
        "GROUP BY c.name ORDER BY amount DESC LIMIT 5",
}


def run_demo(data: Path = Path("sample_data"), db: Path = Path("demo.db"),
             rejects: Path | None = None) -> tuple[RunReport, dict[str, list[tuple[Any, ...]]]]:
    """Load sample_data with its reviewed mapping into `db`; answer QUERIES."""
    from migrator.pipeline import run

    missing = [n for n in SOURCES if not (data / n).exists()]
    if missing or not (data / "mapping.yaml").exists():
        raise MigratorError(f"{data}: is not the sample_data folder (run migrator demo from the "
                            "project root, or pass --data DIR)")
    url = f"sqlite:///{db.resolve()}"
    report = run([data / n for n in SOURCES], mapping=data / "mapping.yaml", to=url,
                 rejects_dir=rejects or db.resolve().parent / "demo-rejects")
    return report, ask(url)


def ask(url: str) -> dict[str, list[tuple[Any, ...]]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {q: [tuple(r) for r in conn.execute(text(sql))] for q, sql in QUERIES.items()}
    finally:
        engine.dispose()


def render(report: RunReport, answers: dict[str, list[tuple[Any, ...]]]) -> str:
    lines = [str(report), ""]
    for question, rows in answers.items():
        lines.append(question)
        lines.extend("  " + " | ".join(str(v) for v in row) for row in rows)
        lines.append("")
    return "\n".join(lines)
