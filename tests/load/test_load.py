"""load: DDL, idempotent upsert counts, one transaction, views; on SQLite, PostgreSQL, MariaDB."""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from migrator.load import LoadError, TableCounts, ddl, redact, write_tables
from migrator.load.ddl import build_metadata
from migrator.schema import load_schema
from tests.conftest import scratch_database

SCHEMA = load_schema("crm")
DATA_TABLES = ("customers", "contacts", "sales")


def lineage(frame: pd.DataFrame, sheet: str) -> pd.DataFrame:
    frame["_source_file"] = "顧客台帳.xlsx"
    frame["_source_sheet"] = sheet
    frame["_source_row"] = range(5, 5 + len(frame))
    return frame


def customers(extra: bool = False, phone: str = "+81312345678") -> pd.DataFrame:
    rows: list[dict[str, Any]] = [
        {"customer_code": "C001", "customer_type": "company", "name": "山田商事株式会社",
         "phone": phone, "customer_since": date(2019, 4, 1), "_name_key": "山田商事"},
        {"customer_code": "C002", "customer_type": "company", "name": "株式会社鈴木工業",
         "phone": "+81663334444", "customer_since": None, "_name_key": "鈴木工業"},
        {"customer_code": "C003", "customer_type": "person", "name": "Jane Doe",
         "phone": None, "customer_since": date(2021, 1, 15), "_name_key": "jane doe"},
    ]
    if extra:
        rows.append({"customer_code": "C004", "customer_type": "company", "name": "佐藤物産",
                     "phone": "+81452223333", "customer_since": date(2024, 5, 1),
                     "_name_key": "佐藤物産"})
    return lineage(pd.DataFrame(rows, dtype=object), "営業1課")


def contacts() -> pd.DataFrame:
    return lineage(pd.DataFrame([
        {"contact_id": "K1", "customer_code": "C001", "full_name": "山田 太郎",
         "email": "taro@yamada.example", "is_primary": True},
        {"contact_id": "K2", "customer_code": "C002", "full_name": "鈴木 花子",
         "email": None, "is_primary": False},
    ], dtype=object), "営業1課")


def sales() -> pd.DataFrame:
    return lineage(pd.DataFrame([
        {"sale_id": "S1", "customer_code": "C001", "sale_date": date(2024, 4, 1),
         "product": "コピー用紙", "quantity": Decimal("10"), "unit_price": Decimal("500"),
         "amount": Decimal("5000"), "currency": "JPY"},
        {"sale_id": "S2", "customer_code": "C001", "sale_date": date(2024, 5, 1),
         "product": "コピー用紙", "quantity": Decimal("5"), "unit_price": Decimal("500"),
         "amount": None, "currency": "JPY"},
        {"sale_id": "S3", "customer_code": "C001", "sale_date": date(2024, 4, 20),
         "product": "トナー", "quantity": Decimal("1"), "unit_price": Decimal("12000.5"),
         "amount": Decimal("12000.5"), "currency": "JPY"},
        {"sale_id": "S4", "customer_code": "C002", "sale_date": date(2024, 6, 3),
         "product": "トナー", "quantity": Decimal("2"), "unit_price": Decimal("12000"),
         "amount": Decimal("24000"), "currency": "JPY"},
    ], dtype=object), "売上")


def frames(**changes: Any) -> dict[str, pd.DataFrame]:
    return {"customers": customers(**changes), "contacts": contacts(), "sales": sales()}


def rejects() -> pd.DataFrame:
    return pd.DataFrame([{"table": "customers", "_source_file": "顧客台帳.xlsx",
                          "_source_sheet": "営業1課", "_source_row": 9,
                          "reasons": "invalid_phone:phone",
                          "record": json.dumps({"TEL": "03-xxxx"}, ensure_ascii=False)}])


def run_load(url: str, data: dict[str, pd.DataFrame] | None = None, **kwargs: Any
             ) -> dict[str, TableCounts]:
    run = {"run_id": uuid.uuid4().hex, "status": "succeeded",
           "started_at": "2024-06-01T09:00:00+09:00", "sources": [{"file": "顧客台帳.xlsx",
                                                               "sha256": "ab" * 32}]}
    return write_tables(url, SCHEMA, frames() if data is None else data, run=run,
                        rejects=kwargs.pop("rejects", rejects()), **kwargs)


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.exec_driver_sql(sql)]
    finally:
        engine.dispose()


def snapshot(url: str) -> dict[str, list[str]]:
    """Every table of the target with its rows, to compare a target before and after."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            names = sorted(sa.inspect(conn).get_table_names())
            return {name: sorted(repr(tuple(r)) for r in conn.exec_driver_sql(
                f"SELECT * FROM {name}")) for name in names}
    finally:
        engine.dispose()


def counts_of(result: dict[str, TableCounts]) -> dict[str, tuple[int, int, int]]:
    return {t: (c.inserted, c.updated, c.unchanged) for t, c in result.items()}


def test_load_first_run_inserts_every_row(target_url: str) -> None:
    result = run_load(target_url)
    assert counts_of(result) == {"customers": (3, 0, 0), "contacts": (2, 0, 0),
                                 "sales": (4, 0, 0)}
    stored = query(target_url, "SELECT customer_code, phone, customer_since, _source_sheet, "
                               "_source_row FROM customers ORDER BY customer_code")
    assert stored[0][:2] == ("C001", "+81312345678")
    assert stored[0][2] in (date(2019, 4, 1), "2019-04-01")  # SQLite hands back text
    assert stored[0][3:] == ("営業1課", 5)
    assert stored[1][2] is None
    amount = query(target_url, "SELECT unit_price FROM sales WHERE sale_id = 'S3'")[0][0]
    assert Decimal(str(amount)) == Decimal("12000.5")


def test_load_same_frames_twice_changes_nothing(target_url: str) -> None:
    run_load(target_url)
    result = run_load(target_url)
    assert counts_of(result) == {"customers": (0, 0, 3), "contacts": (0, 0, 2),
                                 "sales": (0, 0, 4)}
    assert query(target_url, "SELECT COUNT(*) FROM _runs") == [(2,)]
    assert query(target_url, "SELECT COUNT(*) FROM customers") == [(3,)]


def test_load_next_month_counts_updates_and_inserts(target_url: str) -> None:
    run_load(target_url)
    result = run_load(target_url, frames(extra=True, phone="+81399998888"))
    assert result["customers"] == TableCounts(inserted=1, updated=1, unchanged=2)
    assert result["sales"] == TableCounts(inserted=0, updated=0, unchanged=4)
    assert query(target_url, "SELECT phone FROM customers WHERE customer_code = 'C001'") == [
        ("+81399998888",)]
    assert query(target_url, "SELECT COUNT(*) FROM customers") == [(4,)]


def test_load_writes_no_helper_columns_and_every_lineage_column(target_url: str) -> None:
    run_load(target_url)
    engine = sa.create_engine(target_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        columns = {c["name"]: c for c in inspector.get_columns("customers")}
        tables = set(inspector.get_table_names())
        fks = inspector.get_foreign_keys("sales")
        indexes = {tuple(i["column_names"]) for i in inspector.get_indexes("customers")}
    engine.dispose()
    assert "_name_key" not in columns
    assert {"_source_file", "_source_sheet", "_source_row", "_run_id"} <= set(columns)
    assert columns["name"]["nullable"] is False
    assert isinstance(columns["customer_since"]["type"], sa.Date)
    assert {"_runs", "_rejects", "_merges", *DATA_TABLES} <= tables
    assert fks[0]["referred_table"] == "customers"
    assert {("name",), ("phone",), ("email",), ("postal_code",)} <= indexes


def test_load_builds_indexes_and_foreign_keys_after_the_rows(target_url: str) -> None:
    """Tables created by the run get their indexes (and PostgreSQL its primary and foreign
    keys) at the end; every key is there and enforced once the load committed."""
    run_load(target_url)
    engine = sa.create_engine(target_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        keys = {t: [(k["constrained_columns"], k["referred_table"])
                    for k in inspector.get_foreign_keys(t)] for t in ("contacts", "sales")}
        primary = {t: inspector.get_pk_constraint(t)["constrained_columns"]
                   for t in DATA_TABLES}
        indexed = {tuple(i["column_names"]) for i in inspector.get_indexes("sales")}
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys = ON")
            conn.commit()
        with pytest.raises(sa.exc.IntegrityError):  # the key is enforced, not just declared
            conn.exec_driver_sql("INSERT INTO sales (sale_id, customer_code, sale_date, "
                                 "_run_id) VALUES ('S9', 'NOPE', '2024-01-01', 'x')")
        conn.rollback()
        with pytest.raises(sa.exc.IntegrityError):  # and so is the primary key
            conn.exec_driver_sql("INSERT INTO customers (customer_code, name, _run_id) "
                                 "SELECT customer_code, name, 'x' FROM customers")
        conn.rollback()
    engine.dispose()
    assert keys == {"contacts": [(["customer_code"], "customers")],
                    "sales": [(["customer_code"], "customers")]}
    assert primary == {"customers": ["customer_code"], "contacts": ["contact_id"],
                       "sales": ["sale_id"]}
    assert ("customer_code",) in indexed


def _frozen_pages(url: str) -> dict[str, tuple[int, int]]:
    """Per data table: its pages and those all-visible (the keys' builds count both)."""
    found = query(url, "SELECT relname, relpages, relallvisible FROM pg_class "
                       "WHERE relnamespace = to_regnamespace(current_schema()) "
                       "AND relname IN ('customers', 'contacts', 'sales')")
    return {name: (pages, visible) for name, pages, visible in found}


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_load_copies_frozen_rows_into_the_tables_it_creates(target_url: str) -> None:
    """COPY FREEZE into new tables: their pages are all-visible once keyed. Into tables an
    earlier run created (empty again) the rows go in as usual: PostgreSQL refuses FREEZE
    for a table this transaction did not create, and the load still succeeds."""
    run_load(target_url)
    assert _frozen_pages(target_url) == {t: (1, 1) for t in DATA_TABLES}
    engine = sa.create_engine(target_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        for table in ("sales", "contacts", "customers"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
    engine.dispose()
    result = run_load(target_url)
    assert counts_of(result) == {"customers": (3, 0, 0), "contacts": (2, 0, 0),
                                 "sales": (4, 0, 0)}


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_load_gives_columns_of_one_value_as_defaults_into_the_tables_it_creates(
        target_url: str) -> None:
    """Into new tables, a column holding one value in every row (the run id, the file and
    sheet, the currency) leaves the COPY and comes from the column's default, dropped
    again before the commit: the rows hold the values exactly, quotes and backslashes in
    them too, and no column keeps a default."""
    data = frames()
    data["sales"]["_source_sheet"] = "O'Brien\\売上\t'"
    run_load(target_url, data)
    rows = query(target_url, "SELECT currency, _source_file, _source_sheet, _run_id FROM sales")
    assert len(rows) == 4 and len(set(rows)) == 1
    currency, file, sheet, run_id = rows[0]
    assert (currency, file, sheet) == ("JPY", "顧客台帳.xlsx", "O'Brien\\売上\t'")
    assert run_id == query(target_url, "SELECT _run_id FROM customers LIMIT 1")[0][0]
    assert query(target_url, "SELECT count(*) FROM pg_attrdef d JOIN pg_class c "
                             "ON c.oid = d.adrelid WHERE c.relname IN "
                             "('customers', 'contacts', 'sales') AND c.relnamespace = "
                             "to_regnamespace(current_schema())") == [(0,)]


def test_load_compares_text_exactly_and_keeps_unchanged_rows_untouched(target_url: str
                                                                       ) -> None:
    """A case-only change is an update (MariaDB's collation would call it equal); tabs,
    line breaks and backslashes survive COPY; unchanged rows keep the run that wrote them."""
    data = frames()
    data["customers"].loc[0, "name"] = "山田\t商事\t株式会社\n(本社)\\"
    data["customers"].loc[1, "name"] = "Suzuki Kogyo"
    run_load(target_url, data)
    first_runs = dict(query(target_url, "SELECT customer_code, _run_id FROM customers"))
    again = frames()
    again["customers"].loc[0, "name"] = "山田\t商事\t株式会社\n(本社)\\"
    again["customers"].loc[1, "name"] = "SUZUKI KOGYO"
    result = run_load(target_url, again)
    assert result["customers"] == TableCounts(inserted=0, updated=1, unchanged=2)
    names = dict(query(target_url, "SELECT customer_code, name FROM customers"))
    assert names["C001"] == "山田\t商事\t株式会社\n(本社)\\"
    assert names["C002"] == "SUZUKI KOGYO"
    runs = dict(query(target_url, "SELECT customer_code, _run_id FROM customers"))
    assert runs["C001"] == first_runs["C001"] and runs["C003"] == first_runs["C003"]
    assert runs["C002"] != first_runs["C002"]


def test_load_dry_run_on_an_empty_target_creates_nothing(target_url: str) -> None:
    before = snapshot(target_url)
    result = run_load(target_url, dry_run=True)
    assert counts_of(result) == {"customers": (3, 0, 0), "contacts": (2, 0, 0),
                                 "sales": (4, 0, 0)}
    assert snapshot(target_url) == before == {}


def test_load_dry_run_reports_the_diff_and_writes_nothing(target_url: str) -> None:
    run_load(target_url)
    before = snapshot(target_url)
    result = run_load(target_url, frames(extra=True, phone="+81399998888"), dry_run=True)
    assert result["customers"] == TableCounts(inserted=1, updated=1, unchanged=2)
    assert snapshot(target_url) == before


def test_load_schema_drift_is_an_error_before_writing(target_url: str) -> None:
    engine = sa.create_engine(target_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE customers (customer_code VARCHAR(64) PRIMARY KEY, "
                             "name VARCHAR(200) NOT NULL)")
    engine.dispose()
    before = snapshot(target_url)
    with pytest.raises(LoadError) as caught:
        run_load(target_url)
    assert str(caught.value) == (
        "table customers in the target has no column customer_type, which the schema "
        "defines; add it or load into another database, since the loader never changes an "
        "existing table.")
    assert snapshot(target_url) == before


def test_load_column_of_another_type_is_an_error(target_url: str) -> None:
    run_load(target_url)
    before = snapshot(target_url)
    spec = SCHEMA.tables["customers"]
    since = spec.fields["customer_since"].model_copy(update={"type": "integer"})
    changed = SCHEMA.model_copy(update={"tables": {
        **SCHEMA.tables,
        "customers": spec.model_copy(update={"fields": {**spec.fields,
                                                        "customer_since": since}})}})
    data = frames()
    data["customers"]["customer_since"] = 2019
    with pytest.raises(LoadError, match=r"^column customers.customer_since in the target is "
                                        r"date but the schema says integer;"):
        write_tables(target_url, changed, data, run={"run_id": "drift"}, rejects=rejects())
    assert snapshot(target_url) == before


def test_load_fault_rolls_back_every_table(target_url: str) -> None:
    run_load(target_url)
    before = snapshot(target_url)

    def fault(step: str) -> None:
        if step == "table:contacts":
            raise RuntimeError("disk on fire")

    with pytest.raises(LoadError) as caught:
        run_load(target_url, frames(extra=True, phone="+81399998888"), fault=fault)
    assert str(caught.value) == (
        f"the load into {redact(target_url)} failed at step table:contacts (RuntimeError: "
        "disk on fire); it was rolled back and nothing was written.")
    assert snapshot(target_url) == before
    assert query(target_url, "SELECT COUNT(*) FROM _runs") == [(1,)]


@pytest.mark.parametrize("step", ["views", "table:contacts", "indexes", "bookkeeping"])
def test_load_fault_on_an_empty_target_leaves_no_table(target_url: str, step: str) -> None:
    def fault(at: str) -> None:
        if at == step:
            raise RuntimeError("boom")

    with pytest.raises(LoadError, match=f"failed at step {step} "):
        run_load(target_url, fault=fault)
    assert snapshot(target_url) == {}
    assert query_views(target_url) == set()


def query_views(url: str) -> set[str]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        views = set(sa.inspect(conn).get_view_names())
    engine.dispose()
    return views


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_load_lost_connection_leaves_target_unchanged(target_url: str) -> None:
    """Terminate the loading backend from another connection in the middle of the load.

    The loader is found by a unique application_name in pg_stat_activity, so the test
    needs no hook beyond `fault`, which runs after customers were written.
    """
    run_load(target_url)
    before = snapshot(target_url)
    app = f"migrator_load_{uuid.uuid4().hex[:8]}"
    url = f"{target_url}&application_name={app}"
    killed: list[bool] = []

    def terminate(step: str) -> None:
        if step != "table:contacts":
            return
        killed.extend(r[0] for r in query(
            target_url, "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                        f"WHERE application_name = '{app}'"))

    with pytest.raises(LoadError) as caught:
        run_load(url, frames(extra=True, phone="+81399998888"), fault=terminate)
    assert killed == [True]
    assert str(caught.value) == (
        f"the database connection was lost during the load into {redact(url)}; "
        "nothing was written.")
    assert snapshot(target_url) == before


def test_load_views_join_customers_and_sales(target_url: str) -> None:
    run_load(target_url)
    history = query(target_url, "SELECT customer_code, name, sale_date, product, quantity, "
                                "unit_price, amount FROM customer_purchase_history "
                                "ORDER BY sale_date")
    assert [(r[0], r[1], str(r[2]), r[3], Decimal(str(r[6]))) for r in history] == [
        ("C001", "山田商事株式会社", "2024-04-01", "コピー用紙", Decimal("5000")),
        ("C001", "山田商事株式会社", "2024-04-20", "トナー", Decimal("12000.5")),
        ("C001", "山田商事株式会社", "2024-05-01", "コピー用紙", Decimal("2500")),
        ("C002", "株式会社鈴木工業", "2024-06-03", "トナー", Decimal("24000")),
    ]
    summary = query(target_url, "SELECT customer_code, product, first_purchase, last_purchase, "
                                "total_quantity, total_amount FROM customer_product_summary "
                                "ORDER BY customer_code, total_amount")
    assert [(r[0], r[1], str(r[2]), str(r[3]), Decimal(str(r[4])), Decimal(str(r[5])))
            for r in summary] == [
        ("C001", "コピー用紙", "2024-04-01", "2024-05-01", Decimal("15"), Decimal("7500")),
        ("C001", "トナー", "2024-04-20", "2024-04-20", Decimal("1"), Decimal("12000.5")),
        ("C002", "トナー", "2024-06-03", "2024-06-03", Decimal("2"), Decimal("24000")),
    ]
    run_load(target_url)  # views are replaced, not duplicated
    assert len(query(target_url, "SELECT * FROM customer_purchase_history")) == 4


def test_load_records_the_run_rejects_and_merges(target_url: str) -> None:
    merges = pd.DataFrame([{"table": "customers", "surviving_key": "C001",
                            "_source_file": "顧客台帳.xlsx", "_source_sheet": "営業2課",
                            "_source_row": 12, "why": "same name_key and phone"}])
    run_load(target_url, merges=merges)
    (target, status, dry, counts, sources), = query(
        target_url, "SELECT target, status, dry_run, counts, sources FROM _runs")
    assert (target, status, bool(dry)) == (redact(target_url), "succeeded", False)
    assert json.loads(counts)["customers"] == {"inserted": 3, "updated": 0, "unchanged": 0}
    assert json.loads(sources)[0]["file"] == "顧客台帳.xlsx"
    assert query(target_url, "SELECT table_name, _source_sheet, _source_row, reasons, record "
                             "FROM _rejects") == [
        ("customers", "営業1課", 9, "invalid_phone:phone", '{"TEL": "03-xxxx"}')]
    assert query(target_url, "SELECT table_name, surviving_key, _source_row, why "
                             "FROM _merges") == [
        ("customers", "C001", 12, "same name_key and phone")]


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_load_password_never_in_runs_or_errors(target_url: str) -> None:
    url = target_url.replace("postgres@", "postgres:s3cret-pw@")  # trust auth ignores it
    run_load(url)
    (target,), = query(target_url, "SELECT target FROM _runs")
    assert target == "postgresql+psycopg://postgres:***@127.0.0.1:5432/test"

    def fault(step: str) -> None:
        if step == "bookkeeping":
            raise RuntimeError("stop")

    with pytest.raises(LoadError) as caught:
        run_load(url, fault=fault)
    assert "s3cret" not in str(caught.value)
    assert "postgres:***@127.0.0.1" in str(caught.value)


@pytest.mark.parametrize("target_url", ["mariadb"], indirect=True)
def test_load_refused_login_names_the_url_without_password(target_url: str) -> None:
    url = target_url.replace("root@", "root:wrong-s3cret@")
    with pytest.raises(LoadError) as caught:
        run_load(url)
    message = str(caught.value)
    assert message.startswith("could not connect to mysql+pymysql://root:***@127.0.0.1:3306/")
    assert message.endswith("; check the URL, the credentials and that the server is running.")
    assert "s3cret" not in message


def test_redact_hides_password_and_query() -> None:
    assert redact("postgresql+psycopg://app:p%40ss@db:5432/crm?sslmode=require&password=x") \
        == "postgresql+psycopg://app:***@db:5432/crm"
    assert redact("sqlite:///demo.db") == "sqlite:///demo.db"


def test_load_duplicate_keys_are_an_error(tmp_path: Any) -> None:
    data = frames()
    data["customers"].loc[1, "customer_code"] = "C001"
    with pytest.raises(LoadError, match=r"^customers row 顧客台帳.xlsx:営業1課:6 repeats the "
                                        r"customer_code of row 顧客台帳.xlsx:営業1課:5;"):
        run_load(f"sqlite:///{tmp_path / 'x.db'}", data)
    assert not (tmp_path / "x.db").exists()


def test_build_metadata_types_per_dialect() -> None:
    for dialect, phone, notes, code in (
            ("sqlite", "VARCHAR(32)", "TEXT", "VARCHAR(64)"),
            ("postgresql", 'VARCHAR(32) COLLATE "C"', "TEXT", 'VARCHAR(64) COLLATE "C"'),
            ("mysql", "VARCHAR(32)", "TEXT", "VARCHAR(64)")):
        table = build_metadata(SCHEMA, dialect).tables["customers"]
        assert str(table.c.phone.type) == phone
        assert str(table.c.notes.type) == notes
        assert str(table.c.customer_code.type) == code
    sales_table = build_metadata(SCHEMA, "postgresql").tables["sales"]
    assert str(sales_table.c.amount.type) == "NUMERIC(18, 4)"


def test_build_metadata_collates_codes_but_not_words_in_byte_order_on_postgresql() -> None:
    """Codes, phone numbers and e-mail addresses sort by their bytes (keys and indexes
    build without strcoll); names, addresses and notes keep the database's collation."""
    for name, table in build_metadata(SCHEMA, "postgresql").tables.items():
        if name not in SCHEMA.tables:
            continue
        fields = SCHEMA.tables[name].fields
        for column in table.columns:
            spec = fields.get(column.name)
            collation = getattr(column.type, "collation", None)
            if spec is not None and spec.type in ("text", "code") and (
                    spec.type == "code" or spec.format in ("e164", "email")):
                assert collation == "C", (name, column.name)
            else:
                assert collation is None, (name, column.name)
    customers_table = build_metadata(SCHEMA, "postgresql").tables["customers"]
    assert customers_table.c.email.type.collation == "C"
    assert customers_table.c.name.type.collation is None
    assert build_metadata(SCHEMA, "sqlite").tables["customers"].c.phone.type.collation is None


def test_load_into_tables_of_an_older_version_without_byte_order_codes(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PostgreSQL target whose code columns hold the database's collation (created before
    codes were collated "C") takes next month's rows: staging in "C" compares with them."""
    in_c = ("SELECT table_name, column_name FROM information_schema.columns WHERE "
            "table_schema = current_schema() AND collation_name = 'C' "
            "AND table_name IN ('customers', 'contacts', 'sales')")
    coded = sorted((t, c.name) for t, table in build_metadata(SCHEMA, "postgresql").tables.items()
                   if t in DATA_TABLES for c in table.columns
                   if getattr(c.type, "collation", None) == "C")
    assert ("customers", "customer_code") in coded and ("sales", "customer_code") in coded
    with scratch_database("postgresql", tmp_path / "new") as url:
        run_load(url)
        assert sorted(query(url, in_c)) == coded
    with scratch_database("postgresql", tmp_path / "old") as url:
        with monkeypatch.context() as older:
            older.setattr(ddl, "POSTGRES_CODE_COLLATION", None)
            run_load(url)
        assert query(url, in_c) == []
        result = run_load(url, frames(extra=True, phone="+81399998888"))
        assert result["customers"] == TableCounts(inserted=1, updated=1, unchanged=2)
        assert result["sales"] == TableCounts(inserted=0, updated=0, unchanged=4)
        assert query(url, "SELECT phone FROM customers WHERE customer_code = 'C001'") == [
            ("+81399998888",)]
        assert query(url, in_c) == []


def test_load_generates_missing_keys_stably_from_lineage(target_url: str) -> None:
    data = frames()
    data["sales"] = data["sales"].drop(columns=["sale_id"])
    data["contacts"].loc[1, "contact_id"] = None
    first = run_load(target_url, data)
    again = run_load(target_url, {name: frame.copy() for name, frame in data.items()})
    assert (first["sales"], first["contacts"]) == (TableCounts(4, 0, 0), TableCounts(2, 0, 0))
    assert (again["sales"], again["contacts"]) == (TableCounts(0, 0, 4), TableCounts(0, 0, 2))
    ids = dict(query(target_url, "SELECT full_name, contact_id FROM contacts"))
    assert ids["山田 太郎"] == "K1"
    assert ids["鈴木 花子"].startswith("G") and len(ids["鈴木 花子"]) == 11


def test_load_frame_without_its_key_is_an_error(tmp_path: Any) -> None:
    data = frames()
    # customer_code is a generated key, but without lineage there is nothing to derive it from
    data["customers"] = data["customers"].drop(columns=["customer_code", "_source_row"])
    with pytest.raises(LoadError, match=r"^the customers table has no customer_code column, its "
                                        r"primary key; map a source column to "
                                        r"customers.customer_code.$"):
        run_load(f"sqlite:///{tmp_path / 'x.db'}", data)


def test_load_reports_progress_batch_by_batch(target_url: str) -> None:
    """Rows are counted as each batch (COPY chunk on PostgreSQL) reaches the database."""
    many = pd.DataFrame({"customer_code": [f"C{i:05d}" for i in range(25_000)],
                         "name": [f"会社{i}" for i in range(25_000)]}, dtype=object)
    seen: list[tuple[str, int, int]] = []
    run_load(target_url, {"customers": lineage(many, "全件")},
             progress=lambda *tick: seen.append(tick))
    steps = {step for step, _, _ in seen}
    done = [d for _, d, _ in seen]
    assert steps == {"loading"} and done == sorted(done) and done[-1] == 25_000
    assert len(done) >= 4  # not one jump: 0, then batches of 1,000 or chunks of 10,000
    again: list[tuple[str, int, int]] = []
    run_load(target_url, {"customers": lineage(many, "全件")}, dry_run=True,
             progress=lambda *tick: again.append(tick))
    assert again[-1] == ("loading", 25_000, 25_000)


def test_load_adds_the_seconds_column_to_a_runs_table_of_an_older_version(
        target_url: str) -> None:
    """A target loaded by 0.1 has `_runs` without `seconds`: the next load adds the column
    (a bookkeeping table is ours to grow) and records the run in it."""
    run_load(target_url)
    engine = sa.create_engine(target_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE _runs DROP COLUMN seconds")
    with engine.begin() as conn:
        assert "seconds" not in {c["name"] for c in sa.inspect(conn).get_columns("_runs")}
    engine.dispose()
    before = snapshot(target_url)["_runs"]
    run = {"run_id": "upgraded", "status": "succeeded", "seconds": {"read": 1.5, "load": 0.25}}
    write_tables(target_url, SCHEMA, frames(), run=run, rejects=rejects())
    rows = query(target_url, "SELECT run_id, seconds FROM _runs ORDER BY started_at, run_id")
    assert len(rows) == len(before) + 1
    assert dict(rows)["upgraded"] == '{"read": 1.5, "load": 0.25}'


def test_load_adds_the_fixes_columns_to_a_runs_table_of_an_older_version(
        target_url: str) -> None:
    """A target loaded before hand fixes has `_runs` without the fixes columns: the next
    load adds them, nullable, and records the run's fixes in them."""
    run_load(target_url)
    engine = sa.create_engine(target_url, poolclass=sa.pool.NullPool)
    added = ("fixes_sha256", "fixes_applied", "fixes_stale")
    for column in added:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"ALTER TABLE _runs DROP COLUMN {column}")
    with engine.begin() as conn:
        assert not set(added) & {c["name"] for c in sa.inspect(conn).get_columns("_runs")}
    engine.dispose()
    stale = [{"table": "customers", "field": "phone", "file": "a.xlsx", "sheet": "東京",
              "row": 6}]
    run = {"run_id": "fixed", "status": "succeeded", "fixes_sha256": "ab" * 32,
           "fixes_applied": 2, "fixes_stale": stale}
    write_tables(target_url, SCHEMA, frames(), run=run, rejects=rejects())
    rows = dict((r[0], r[1:]) for r in query(
        target_url, "SELECT run_id, fixes_sha256, fixes_applied, fixes_stale FROM _runs"))
    assert rows["fixed"] == ("ab" * 32, 2, json.dumps(stale, ensure_ascii=False))
    assert [v for k, v in rows.items() if k != "fixed"] == [(None, None, None)]


def test_load_failing_into_a_new_sqlite_file_leaves_no_file(tmp_path: Any) -> None:
    """Nothing half-written means no new database file either."""
    db = tmp_path / "new.db"

    def fault(step: str) -> None:
        if step == "table:contacts":
            raise OSError("disk went away")

    with pytest.raises(LoadError, match="failed at step table:contacts"):
        run_load(f"sqlite:///{db}", fault=fault)
    assert not db.exists() and not (tmp_path / "new.db-journal").exists()
    run_load(f"sqlite:///{db}")
    assert db.exists()  # a successful first load keeps its file, of course


def cell_issues() -> pd.DataFrame:
    return pd.DataFrame([{"table": "customers", "_source_file": "顧客台帳.xlsx",
                          "_source_sheet": "営業1課", "_source_row": 7, "field": "phone",
                          "value": "０３－１２３４－５６７", "reason": "invalid_phone"}])


def test_load_records_the_cell_issues_in_the_same_transaction(target_url: str) -> None:
    run = {"run_id": "issues", "status": "succeeded", "cell_issues": {"customers": 1}}
    write_tables(target_url, SCHEMA, frames(), run=run, rejects=rejects(),
                 issues=cell_issues())
    assert query(target_url, "SELECT run_id, table_name, _source_file, _source_sheet, "
                             "_source_row, field, value, reason FROM _cell_issues") == [
        ("issues", "customers", "顧客台帳.xlsx", "営業1課", 7, "phone",
         "０３－１２３４－５６７", "invalid_phone")]
    assert query(target_url, "SELECT cell_issues FROM _runs") == [('{"customers": 1}',)]


def test_load_dry_run_and_a_failed_load_write_no_cell_issues(target_url: str) -> None:
    write_tables(target_url, SCHEMA, frames(), run={"run_id": "dry"}, rejects=rejects(),
                 issues=cell_issues(), dry_run=True)
    assert "_cell_issues" not in snapshot(target_url)
    run_load(target_url)

    def fail(step: str) -> None:
        if step == "bookkeeping":
            raise RuntimeError("the server went away")

    with pytest.raises(LoadError):
        write_tables(target_url, SCHEMA, frames(), run={"run_id": "failed"},
                     rejects=rejects(), issues=cell_issues(), fault=fail)
    assert query(target_url, "SELECT COUNT(*) FROM _cell_issues") == [(0,)]


def test_load_adds_cell_issues_to_a_target_of_an_older_version(target_url: str) -> None:
    """A target loaded before cell issues has neither `_cell_issues` nor `_runs.cell_issues`:
    the next load creates the table and adds the column, nullable."""
    run_load(target_url)
    engine = sa.create_engine(target_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE _cell_issues")
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE _runs DROP COLUMN cell_issues")
    engine.dispose()
    run = {"run_id": "upgraded", "status": "succeeded", "cell_issues": {"customers": 1}}
    write_tables(target_url, SCHEMA, frames(), run=run, rejects=rejects(),
                 issues=cell_issues())
    rows = dict(query(target_url, "SELECT run_id, cell_issues FROM _runs"))
    assert rows["upgraded"] == '{"customers": 1}'
    assert [v for k, v in rows.items() if k != "upgraded"] == [None]
    assert query(target_url, "SELECT run_id, value FROM _cell_issues") == [
        ("upgraded", "０３－１２３４－５６７")]


def test_load_sorts_its_keys_with_more_memory_only_inside_its_transaction_on_postgresql(
        tmp_path: Any) -> None:
    """PostgreSQL builds the keys and indexes with maintenance_work_mem raised to 256 MB by a
    SET LOCAL before them; a server that already grants more is left as it is, and no
    session after the load sees the change. The keys and indexes go as one batch, the
    foreign keys as another: the server runs each back to back."""
    from migrator.load.sql import SORT_MEMORY_KB

    said: list[str] = []

    def heard(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        said.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", heard)
    try:
        with scratch_database("postgresql", tmp_path / "default") as url:
            run_load(url)
            setting = query(url, "SELECT setting FROM pg_settings "
                                 "WHERE name = 'maintenance_work_mem'")
            raised = [i for i, s in enumerate(said) if "SET LOCAL maintenance_work_mem" in s]
            built = [i for i, s in enumerate(said)  # the data tables' keys, after the rows
                     if "ADD PRIMARY KEY" in s or "ix_sales_customer_code" in s]
            assert len(raised) == 1 and len(built) == 1 and raised[0] < built[0]
            # one batch: the server builds them back to back, not waiting for this process
            assert said[built[0]].count("ADD PRIMARY KEY") == 3
            assert "CREATE INDEX ix_sales_customer_code" in said[built[0]]
            references = [s for s in said if "ADD FOREIGN KEY" in s]
            assert len(references) == 1 and references[0].count("ADD FOREIGN KEY") == 2
            assert said[raised[0]].endswith(f"'{SORT_MEMORY_KB}kB'")
            assert int(setting[0][0]) < SORT_MEMORY_KB  # a new session: the server's own
        said.clear()
        with scratch_database("postgresql", tmp_path / "generous") as url:
            run_load(url + "%20-cmaintenance_work_mem%3D1GB")
            assert any("ix_sales_customer_code" in s for s in said)
            assert not any("SET LOCAL maintenance_work_mem" in s for s in said)
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", heard)
