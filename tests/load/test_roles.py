"""The three roles, tested by connecting as a user of each to the real servers and
asserting what succeeds and what is refused."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from migrator import run
from migrator.errors import LoadError
from migrator.load.roles import create_roles
from tests.conftest import SAMPLE_DATA, scratch_database

# roles and database grants are the server's, not a scratch schema's: two workers granting
# and dropping them at once collide ("tuple concurrently updated"), so one worker runs these
pytestmark = pytest.mark.xdist_group("server_roles")

LEDGER, SALES = SAMPLE_DATA / "顧客台帳.xlsx", SAMPLE_DATA / "売上明細.xlsx"


def _admin(url: str) -> sa.Engine:
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def _as(url: str, user: str) -> str:
    """`url` with another user (MariaDB users get the password `pw`)."""
    parts = urlsplit(url)
    secret = ":pw" if url.startswith("mysql") else ""
    return parts._replace(netloc=f"{user}{secret}@{parts.hostname}:{parts.port}").geturl()


@pytest.fixture(params=["postgresql", "mariadb"])
def people(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A loaded target, the roles, and one login user per role: kind → that user's URL."""
    with scratch_database(request.param, tmp_path / "t") as url:
        run([LEDGER, SALES], auto=True, to=url, rejects_dir=tmp_path)
        prefix = f"t{uuid.uuid4().hex[:8]}"
        create_roles(url, prefix=prefix)
        users = {kind: f"{prefix}_{kind[0]}user" for kind in ("reader", "entry", "loader")}
        admin = _admin(url)
        with admin.begin() as conn:
            for kind, user in users.items():
                if request.param == "postgresql":
                    conn.exec_driver_sql(f"CREATE ROLE {user} LOGIN IN ROLE {prefix}_{kind}")
                else:
                    for host in ("%%", "localhost"):
                        conn.exec_driver_sql(f"CREATE USER '{user}'@'{host}' IDENTIFIED BY 'pw'")
                        conn.exec_driver_sql(f"GRANT {prefix}_{kind} TO '{user}'@'{host}'")
                        conn.exec_driver_sql(f"SET DEFAULT ROLE {prefix}_{kind} FOR "
                                             f"'{user}'@'{host}'")
        try:
            yield {kind: _as(url, user) for kind, user in users.items()} | {"admin": url}
        finally:
            with admin.begin() as conn:
                for user in users.values():
                    if request.param == "postgresql":
                        conn.exec_driver_sql(f"DROP ROLE IF EXISTS {user}")
                    else:
                        for host in ("%%", "localhost"):
                            conn.exec_driver_sql(f"DROP USER IF EXISTS '{user}'@'{host}'")
            admin.dispose()
            _drop_roles(url, prefix)


def _drop_roles(url: str, prefix: str) -> None:
    """Drop the three roles, again when a VACUUM raced the revoke of their database grant
    (the same race `create_roles` tries again on)."""
    roles = importlib.import_module("migrator.load.roles")
    for attempt in range(1, roles.ATTEMPTS + 1):
        admin = _admin(url)
        try:
            with admin.begin() as conn:
                for kind in ("reader", "entry", "loader"):
                    if url.startswith("postgresql"):
                        conn.exec_driver_sql(f"DROP OWNED BY {prefix}_{kind}")
                    conn.exec_driver_sql(f"DROP ROLE IF EXISTS {prefix}_{kind}")
            return
        except sa.exc.InternalError as exc:
            if attempt == roles.ATTEMPTS or roles._RACED not in str(exc.orig):
                raise
        finally:
            admin.dispose()


def _can(url: str, statement: str) -> bool:
    engine = _admin(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(statement)
        return True
    except sa.exc.DBAPIError:
        return False
    finally:
        engine.dispose()


def _rows(url: str, statement: str) -> list[tuple[object, ...]]:
    engine = _admin(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(statement)]
    finally:
        engine.dispose()


def test_the_reader_sees_masked_customers_and_nothing_else(people: dict[str, str]) -> None:
    reader = people["reader"]
    phones = [p for (p,) in _rows(reader, "SELECT phone FROM customers_masked") if p]
    assert phones and all("****" in p for p in phones)
    emails = [e for (e,) in _rows(reader, "SELECT email FROM customers_masked") if e]
    assert emails and all("***@" in e for e in emails)
    assert _rows(reader, "SELECT COUNT(*) FROM sales")[0][0] == 120
    assert not _can(reader, "SELECT phone FROM customers")
    assert not _can(reader, "SELECT * FROM _runs")
    assert not _can(reader, "SELECT previous FROM _history")  # records as they were
    assert not _can(reader, "UPDATE sales SET quantity = 1")


def test_entry_inserts_and_updates_but_never_deletes_or_touches_bookkeeping(
        people: dict[str, str]) -> None:
    entry = people["entry"]
    assert _can(entry, "INSERT INTO customers (customer_code, name, _source_file, _source_row, "
                       "_run_id) VALUES ('E1', '入力商事', 'entered by hand', 0, 'entry')")
    assert _can(entry, "UPDATE customers SET name = '入力商事株式会社' WHERE customer_code = 'E1'")
    assert not _can(entry, "DELETE FROM customers WHERE customer_code = 'E1'")
    assert not _can(entry, "SELECT * FROM _runs")
    assert not _can(entry, "DELETE FROM _rejects")
    assert _can(people["admin"], "SELECT previous FROM _history")
    assert not _can(entry, "SELECT previous FROM _history")
    assert not _can(entry, "DELETE FROM _history")
    assert _rows(people["admin"], "SELECT name FROM customers WHERE customer_code = 'E1'") == [
        ("入力商事株式会社",)]


def test_the_loader_runs_migrator(people: dict[str, str], tmp_path: Path) -> None:
    report = run([LEDGER, SALES], auto=True, to=people["loader"], rejects_dir=tmp_path)
    assert report.status == "succeeded" and report.tables["customers"].unchanged == 40
    assert not _can(people["reader"], "SELECT * FROM _merges")


def test_sqlite_has_no_roles_said_in_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="SQLite has no users or roles"):
        create_roles(f"sqlite:///{tmp_path / 'crm.db'}")


def test_an_edit_by_hand_is_marked_and_undo_will_not_lose_it(people: dict[str, str],
                                                               tmp_path: Path) -> None:
    from migrator.load import undo
    from tests.load.test_undo import edited_ledger

    admin, entry = people["admin"], people["entry"]
    (first,), = _rows(admin, "SELECT run_id FROM _runs")
    assert _can(entry, "UPDATE customers SET name = CONCAT(name, '（手入力）') "
                       "WHERE customer_code = '000008'")
    assert _rows(admin, "SELECT customer_code FROM customers WHERE _run_id = 'by hand'") == [
        ("000008",)]
    with pytest.raises(LoadError, match=rf"^1 customers records run {first} wrote were changed "
                       r"since outside migrator's history \(1 customers records were edited "
                       r"by hand through the entry role\); undo would lose those changes"):
        undo(first, admin)
    edited = _rows(admin, "SELECT name FROM customers WHERE customer_code = '000008'")
    assert str(edited[0][0]).endswith("（手入力）")
    # migrator's own writes are never marked: the loader's next run stamps its run id
    report = run([edited_ledger(tmp_path / "next")], auto=True, to=people["loader"],
                 rejects_dir=tmp_path)
    written = report.tables["customers"].updated + report.tables["customers"].inserted
    assert written >= 3
    assert _rows(admin, f"SELECT COUNT(*) FROM customers WHERE _run_id = '{report.run_id}'") == [
        (written,)]
    assert _rows(admin, "SELECT COUNT(*) FROM customers WHERE _run_id = 'by hand'") == [(0,)]


def test_a_grant_raced_by_a_vacuum_is_tried_again(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    roles = importlib.import_module("migrator.load.roles")
    set_up, calls, real = roles._set_up, [], []

    def raced(*args: Any) -> list[str]:
        calls.append(1)
        if len(calls) == 1:  # what PostgreSQL says when VACUUM updates the row meanwhile
            raise sa.exc.InternalError("GRANT", {}, Exception("tuple concurrently updated"))
        try:
            return set_up(*args)
        except sa.exc.InternalError as exc:  # the server's own autovacuum raced it too
            if roles._RACED in str(exc.orig):
                real.append(1)
            raise

    monkeypatch.setattr(roles, "_set_up", raced)
    with scratch_database("postgresql", tmp_path / "t") as url:
        run([LEDGER, SALES], auto=True, to=url, rejects_dir=tmp_path)
        prefix = f"t{uuid.uuid4().hex[:8]}"
        try:
            made = create_roles(url, prefix=prefix)
            assert len(calls) == 2 + len(real)  # each race tried again, once
            assert f"{prefix}_loader" in made.grants
            assert _rows(url, "SELECT rolname FROM pg_roles WHERE rolname = "
                         f"'{prefix}_loader'") == [(f"{prefix}_loader",)]
        finally:
            _drop_roles(url, prefix)
