"""The database refuses a row: one sentence that names the trigger, constraint, table or
column, never a value of the row; the target stays as it was."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from migrator.load import LoadError, redact
from tests.load.test_load import contacts, customers, frames, run_load, snapshot

REFUSE_POSTGRESQL = [
    "CREATE FUNCTION refuse_row() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'refused %%', NEW; END $$",
    "CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW "
    "EXECUTE FUNCTION refuse_row()",
]
REFUSE_MARIADB = [
    "CREATE TRIGGER refuse BEFORE INSERT ON {table} FOR EACH ROW BEGIN "
    "DECLARE said VARCHAR(255); SET said = CONCAT('refused ', NEW.{column}); "
    "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = said; END",
]
VALUES = ("山田", "C001", "+8131234", "コピー用紙", "S1", "顧客台帳", "5000")
"""Pieces of the rows the loads bring: none may reach a message."""


def execute(url: str, *statements: str) -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


def refused(url: str, **changes: object) -> str:
    """The message of a load the target refuses; the target is checked to be unchanged."""
    before = snapshot(url)
    with pytest.raises(LoadError) as caught:
        run_load(url, frames(**changes))
    assert snapshot(url) == before
    message = str(caught.value)
    assert [v for v in VALUES if v in message] == [] and "\n" not in message
    return message


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize(("table", "first", "said"), [
    ("sales", {"customers": pd.DataFrame()},  # empty tables: COPY
     "raise exception on table sales in function refuse_row()"),
    ("sales", {"customers": customers(), "contacts": contacts()},  # customers staged: so are
     "raise exception in function refuse_row()"),                  # the sales that name them
    ("customers", {"customers": customers(), "contacts": contacts()},  # staged, then merged
     "raise exception in function refuse_row()"),
], ids=["copied", "staged-after-customers", "staged"])
def test_load_trigger_raising_new_is_named_not_echoed_postgresql(
        target_url: str, table: str, first: dict[str, pd.DataFrame], said: str) -> None:
    """A trigger's RAISE of NEW puts the whole row in the message's first line."""
    run_load(target_url, first)
    execute(target_url, *(s.format(table=table) for s in REFUSE_POSTGRESQL))
    assert refused(target_url, extra=True) == (
        f"the database refused the load into {redact(target_url)} at step table:{table} "
        f"({said}, SQLSTATE P0001); it was rolled back and nothing was written.")


@pytest.mark.parametrize("target_url", ["mariadb"], indirect=True)
def test_load_trigger_signal_with_the_row_is_named_not_echoed_mariadb(target_url: str) -> None:
    run_load(target_url, {"customers": customers(), "contacts": contacts()})
    execute(target_url, REFUSE_MARIADB[0].format(table="sales", column="product"))
    assert refused(target_url) == (
        f"the database refused the load into {redact(target_url)} at step table:sales "
        "(a trigger or stored procedure signalled an error, MariaDB error 1644); it was "
        "rolled back and nothing was written.")


@pytest.mark.parametrize(("target_url", "said"), [
    ("postgresql", "unique violation of constraint phone_once on table customers, "
                   "SQLSTATE 23505"),
    ("mariadb", "Duplicate entry '…' for key 'phone_once', MariaDB error 1062"),
], indirect=["target_url"], ids=["postgresql", "mariadb"])
def test_load_duplicate_value_names_the_constraint_not_the_value(target_url: str,
                                                                 said: str) -> None:
    """A unique index the user added to the empty table: two customers with one phone."""
    run_load(target_url, {"customers": pd.DataFrame()})
    execute(target_url, "CREATE UNIQUE INDEX phone_once ON customers (phone)")
    data = frames()
    data["customers"].loc[1, "phone"] = "+81312345678"  # C001's
    before = snapshot(target_url)
    with pytest.raises(LoadError) as caught:
        run_load(target_url, data)
    assert snapshot(target_url) == before
    assert str(caught.value) == (
        f"the database refused the load into {redact(target_url)} at step table:customers "
        f"({said}); it was rolled back and nothing was written.")


@pytest.mark.parametrize("target_url", ["sqlite", "postgresql", "mariadb"], indirect=True)
def test_load_a_new_row_never_overwrites_another_through_a_unique_index(target_url: str
                                                                        ) -> None:
    """A user's unique index on phone, a loaded C001, then a new C004 with C001's phone:
    refused on every database. MariaDB's ON DUPLICATE KEY UPDATE used to overwrite C001's
    name with C004's and report "1 inserted"."""
    run_load(target_url, {"customers": customers()})
    execute(target_url, "CREATE UNIQUE INDEX phone_once ON customers (phone)")
    newcomer = customers().iloc[:1].copy()
    newcomer["customer_code"] = "C004"
    newcomer["name"] = "新規商事"
    before = snapshot(target_url)
    with pytest.raises(LoadError, match=r"phone_once|customers\.phone"):
        run_load(target_url, {"customers": newcomer})
    assert snapshot(target_url) == before
