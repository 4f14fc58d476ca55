"""LoadAhead: rows written into PostgreSQL while validation runs leave the target exactly
as the usual load does; anything that goes wrong before they are settled only costs time,
anything after is the load's failure, and nothing outlives a failed run."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from migrator.errors import LoadError
from migrator.load.ahead import LoadAhead
from migrator.load.sql import Outcome
from migrator.pipeline import find_duplicates, run
from migrator.report import RunReport
from migrator.tables import DedupedTables
from migrator.urls import redact
from migrator.validate import validate
from tests.conftest import SAMPLE_DATA, scratch_database
from tests.load.test_load import snapshot

pipeline = importlib.import_module("migrator.pipeline")
sql = importlib.import_module("migrator.load.sql")

SOURCES = [SAMPLE_DATA / "顧客カード.xlsx", SAMPLE_DATA / "売上明細.xlsx"]
"""Eight customer cards and every sale: most sales name customers only the ledger holds,
so validation rejects them, and the rows written ahead must be taken out again."""
MAPPING = SAMPLE_DATA / "mapping.yaml"
RUN_COLUMNS = {"_run_id", "run_id", "previous_run_id"}


def content(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table but `_runs`, its rows without the run ids (each run has its own)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            out = {}
            for name in sorted(set(inspector.get_table_names()) - {"_runs"}):
                columns = [c["name"] for c in inspector.get_columns(name)
                           if c["name"] not in RUN_COLUMNS]
                listed = ", ".join(f'"{c}"' for c in columns)
                out[name] = sorted(tuple(map(repr, r)) for r in
                                   conn.exec_driver_sql(f'SELECT {listed} FROM "{name}"'))
            return out
    finally:
        engine.dispose()


def start(deduped: DedupedTables, url: str, run_id: str) -> LoadAhead | None:
    """A load opened and filled with `deduped` at once (`run` opens it before dedupe)."""
    ahead = LoadAhead.open(deduped, url, run_id)
    return ahead if ahead is not None and ahead.fill(deduped) else None


def started(monkeypatch: pytest.MonkeyPatch, *, ahead: bool = True) -> list[LoadAhead]:
    """The loads `run` opens ahead (none when `ahead` is False: the usual load)."""
    made: list[LoadAhead] = []
    original = LoadAhead.open.__func__  # type: ignore[attr-defined]

    def open_ahead(cls: type[LoadAhead], *args: Any) -> LoadAhead | None:
        load = original(cls, *args) if ahead else None
        if load is not None:
            made.append(load)
        return load

    monkeypatch.setattr(LoadAhead, "open", classmethod(open_ahead))
    return made


def twice(url: str, tmp_path: Path) -> tuple[RunReport, RunReport]:
    """A first run into `url`, and the same again (the staged path: rows are stored)."""
    first = run(SOURCES, mapping=MAPPING, to=url, rejects_dir=tmp_path / "first")
    second = run(SOURCES, mapping=MAPPING, to=url, rejects_dir=tmp_path / "second")
    return first, second


def tables(report: RunReport) -> dict[str, dict[str, Any]]:
    return {name: t.asdict() for name, t in report.tables.items()}


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_run_settles_the_rows_it_wrote_ahead_as_the_usual_load_would(
        target_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = started(monkeypatch)
    ahead = twice(target_url, tmp_path / "ahead")
    assert [load.settled for load in made] == [True, True]
    # the rows and their COPY payload were made before validation; the report counts
    # that time as the load's
    assert all(r.seconds["load"] >= m.made_seconds > 0 for r, m in zip(ahead, made, strict=True))
    with scratch_database("postgresql", tmp_path / "plain") as plain_url:
        started(monkeypatch, ahead=False)
        plain = twice(plain_url, tmp_path / "plain")
        assert content(target_url) == content(plain_url)
    assert [tables(r) for r in ahead] == [tables(r) for r in plain]
    sales = ahead[0].tables["sales"]
    assert sales.rows_rejected > 0 and sales.inserted == sales.rows_loaded > 0
    assert (ahead[1].tables["sales"].unchanged, ahead[1].tables["sales"].inserted) == (
        sales.rows_loaded, 0)
    assert len(content(target_url)["sales"]) == sales.rows_loaded


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_checked_rows_not_the_written_ones_are_loaded_the_usual_way(target_url: str,
                                                                    tmp_path: Path) -> None:
    """Customers in another order than written: the rows written ahead are rolled back
    and the checked ones loaded, as they are."""
    deduped = find_duplicates(SOURCES, mapping=MAPPING, against=target_url)
    ahead = start(deduped, target_url, "r" * 12)
    assert ahead is not None
    checked = validate(deduped, against=target_url)
    reordered = checked.frames["customers"].iloc[::-1].reset_index(drop=True)
    checked.frames["customers"] = reordered
    load = importlib.import_module("migrator.load.stage").load
    result = load(checked, to=target_url, run_id="r" * 12, rejects_dir=tmp_path, ahead=ahead)
    assert not ahead.settled
    assert result["customers"].inserted == len(reordered)
    assert len(content(target_url)["customers"]) == len(reordered)


def kill(url: str, app: str) -> None:
    """Terminate the backends of `app` (the connection a load runs on)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        killed = conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE application_name = %(app)s", {"app": app}).scalars().all()
    engine.dispose()
    assert killed == [True]


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_a_connection_lost_before_the_rows_are_settled_costs_only_time(
        target_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed while validation runs: nothing was settled, so the checked rows are loaded
    the usual way, on a new connection, and the run succeeds."""
    app = "migrator_ahead_before"
    url = f"{target_url}&application_name={app}"
    made = started(monkeypatch)
    checks = pipeline.validate

    def killing(*args: Any, **kwargs: Any) -> Any:
        assert made[0].written.wait(60)  # the rows are in; the load waits to be settled
        kill(target_url, app)
        return checks(*args, **kwargs)

    monkeypatch.setattr(pipeline, "validate", killing)
    report = run(SOURCES, mapping=MAPPING, to=url, rejects_dir=tmp_path)
    assert report.status == "succeeded" and not made[0].settled
    assert len(content(target_url)["sales"]) == report.tables["sales"].rows_loaded > 0


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_a_connection_lost_once_settling_fails_the_run_and_writes_nothing(
        target_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Killed as the rejected rows are taken out: the load's failure, one sentence, no
    second try, and the target as it was (here: empty, not even a table)."""
    app = "migrator_ahead_after"
    url = f"{target_url}&application_name={app}"
    started(monkeypatch)
    drop = sql.drop_rows

    def killing(*args: Any, **kwargs: Any) -> None:
        kill(target_url, app)
        drop(*args, **kwargs)

    monkeypatch.setattr(sql, "drop_rows", killing)
    with pytest.raises(LoadError) as caught:
        run(SOURCES, mapping=MAPPING, to=url, rejects_dir=tmp_path / "rejects")
    assert str(caught.value) == (f"the database connection was lost during the load into "
                                 f"{redact(url)}; nothing was written.")
    assert snapshot(target_url) == {}
    assert not (tmp_path / "rejects").exists()


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_a_failed_validation_rolls_back_what_went_in_ahead(
        target_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its thread ends and its connection closes: no transaction (nor the load lock)
    outlives the run."""
    app = "migrator_ahead_abandoned"
    url = f"{target_url}&application_name={app}"
    made = started(monkeypatch)

    def failing(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("validation broke")

    monkeypatch.setattr(pipeline, "validate", failing)
    with pytest.raises(RuntimeError, match="validation broke"):
        run(SOURCES, mapping=MAPPING, to=url, rejects_dir=tmp_path)
    assert made and not made[0]._thread.is_alive() and not made[0].settled
    engine = sa.create_engine(target_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        left = conn.exec_driver_sql("SELECT count(*) FROM pg_stat_activity WHERE "
                                    "application_name = %(app)s", {"app": app}).scalar()
    engine.dispose()
    assert left == 0
    assert snapshot(target_url) == {}


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_a_load_goes_ahead_only_into_postgresql_and_unless_told_not_to(
        target_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deduped = find_duplicates(SOURCES, mapping=MAPPING)
    assert start(deduped, f"sqlite:///{tmp_path / 'crm.db'}", "r" * 12) is None
    monkeypatch.setenv("MIGRATOR_LOAD_AHEAD", "0")
    assert start(deduped, target_url, "r" * 12) is None
    monkeypatch.setenv("MIGRATOR_LOAD_AHEAD", "1")
    ahead = start(deduped, target_url, "r" * 12)
    assert ahead is not None
    ahead.abandon()
    assert not ahead.settled and snapshot(target_url) == {}


def parallel_workers(url: str) -> int:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql("SHOW max_parallel_maintenance_workers").scalar())
    finally:
        engine.dispose()


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("cores", [2, 3, 64])
def test_a_load_ahead_leaves_this_process_a_core_while_the_server_builds_the_keys(
        target_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cores: int) -> None:
    """Validation runs while the server builds the keys: a server on this machine takes
    no more parallel workers for them than the cores beyond its own process and this
    one, for the load's transaction only; the usual load keeps the server's setting."""
    server = parallel_workers(target_url)
    assert server > 1  # PostgreSQL's default is 2: else this test tells nothing
    during: list[int] = []
    leave = sql._leave_a_core

    def watched(conn: sa.Connection) -> None:
        leave(conn)
        during.append(int(conn.exec_driver_sql("SHOW max_parallel_maintenance_workers")
                          .scalar()))

    monkeypatch.setattr(sql, "_leave_a_core", watched)
    monkeypatch.setattr(sql.os, "cpu_count", lambda: cores)
    made = started(monkeypatch)
    run(SOURCES, mapping=MAPPING, to=target_url, rejects_dir=tmp_path / "ahead")
    assert [load.settled for load in made] == [True]
    assert during == [min(server, cores - 2)]
    assert parallel_workers(target_url) == server  # SET LOCAL: the transaction's alone
    started(monkeypatch, ahead=False)
    run(SOURCES, mapping=MAPPING, to=target_url, rejects_dir=tmp_path / "usual")
    assert len(during) == 1


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_the_sales_written_before_dedupe_are_keyed_before_the_other_rows_go_in(
        target_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server builds the keys of the tables written early while this process makes
    the deduplicated rows, instead of after them, beside validation; the rest after."""
    steps: list[tuple[str, tuple[str | None, ...]]] = []
    batched, write = sql._batched, sql.write_rows

    def keys(dialect: Any, elements: list[Any]) -> Any:
        build = batched(dialect, elements)

        def run_them(conn: sa.Connection) -> None:
            steps.append(("keys", tuple(sorted({sql._table_of(e) for e in elements}))))
            build(conn)

        return run_them

    def rows(conn: sa.Connection, stored: sa.Table, *args: Any, **kwargs: Any) -> Any:
        steps.append(("rows", (stored.name,)))
        return write(conn, stored, *args, **kwargs)

    monkeypatch.setattr(sql, "_batched", keys)
    monkeypatch.setattr(sql, "write_rows", rows)
    made = started(monkeypatch)
    report = run(SOURCES, mapping=MAPPING, to=target_url, rejects_dir=tmp_path)
    assert [load.settled for load in made] == [True]
    built = [tables for step, tables in steps if step == "keys" and tables]
    written = [tables[0] for step, tables in steps if step == "rows"]
    assert built[0] == ("sales",) and "sales" not in built[1]
    assert {"customers", "contacts"} <= set(built[1])
    assert steps.index(("keys", ("sales",))) == steps.index(("rows", ("sales",))) + 1
    assert written.index("sales") < written.index("customers")
    assert len(content(target_url)["sales"]) == report.tables["sales"].rows_loaded > 0


@pytest.mark.parametrize(("host", "here"), [
    (None, True), ("", True), ("/var/run/postgresql", True), ("localhost", True),
    ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("[::1]", True),
    ("db.example.com", False), ("10.0.0.5", False), ("2001:db8::1", False)])
def test_a_server_on_this_machine_is_told_by_its_host(host: str | None, here: bool) -> None:
    assert sql._on_this_machine(host) is here


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_a_load_abandoned_while_it_settles_rolls_back(target_url: str, tmp_path: Path) -> None:
    """Ctrl-C while `finish` waits: the run abandons the load, and the settling stops at
    its next step instead of committing rows whose rejects file was never published."""
    deduped = find_duplicates(SOURCES, mapping=MAPPING, against=target_url)
    ahead = start(deduped, target_url, "r" * 12)
    assert ahead is not None and ahead.written.wait(60)
    checked = validate(deduped, against=target_url)
    ahead._abandoned.set()  # what abandon() sets first, as the interrupt reaches the run
    with pytest.raises(LoadError, match="it was rolled back and nothing was written"):
        ahead.finish(Outcome({"run_id": "r" * 12}, checked.rejects, frames=checked.frames))
    assert not ahead.settled and snapshot(target_url) == {}


def until(url: str, app: str, activity: str, what: str) -> None:
    """Wait (30 s at most) until a connection of `app` is in `activity` (a condition on
    pg_stat_activity `a` and pg_locks `l`, its lock); AssertionError that it never `what`."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        for _ in range(300):
            with engine.connect() as conn:
                if conn.exec_driver_sql(
                        "SELECT count(*) FROM pg_stat_activity a LEFT JOIN pg_locks l "
                        "ON l.pid = a.pid AND l.locktype = 'advisory' AND l.granted "
                        f"WHERE a.application_name = %(app)s AND {activity}",
                        {"app": app}).scalar():
                    return
            time.sleep(0.1)
        raise AssertionError(f"{app} never {what}")
    finally:
        engine.dispose()


def copying(url: str, app: str) -> None:
    """Wait until the connection of `app` runs a COPY."""
    until(url, app, "a.query LIKE 'COPY %%'", "began its COPY")


def started_in_time(deduped: Any, url: str) -> LoadAhead | None:
    """`start`, which must return within a minute (a thread left waiting for
    rows that never come would hang it)."""
    out: list[LoadAhead | None] = []
    caller = threading.Thread(target=lambda: out.append(start(deduped, url, "r" * 12)),
                              daemon=True)
    caller.start()
    caller.join(60)
    assert not caller.is_alive() and len(out) == 1
    return out[0]


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_rows_that_will_not_prepare_are_left_to_the_load_after_validation(
        target_url: str, tmp_path: Path) -> None:
    """Two customers with one code: `prepare` refuses the rows before validation says
    which to keep, so nothing goes ahead and no thread stays behind; validation rejects
    both rows and the usual load writes the rest."""
    deduped = find_duplicates(SOURCES, mapping=MAPPING, against=target_url)
    customers = deduped.frames["customers"]
    customers.loc[1, "customer_code"] = customers.loc[0, "customer_code"]
    threads = set(threading.enumerate())
    assert started_in_time(deduped, target_url) is None
    assert set(threading.enumerate()) <= threads
    assert snapshot(target_url) == {}
    checked = validate(deduped, against=target_url)
    assert len(checked.frames["customers"]) == len(customers) - 2
    load = importlib.import_module("migrator.load.stage").load
    result = load(checked, to=target_url, run_id="r" * 12, rejects_dir=tmp_path)
    assert result["customers"].inserted == len(customers) - 2


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_the_time_a_load_ahead_spent_before_it_was_given_up_is_the_loads(
        target_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows that take a while and then will not prepare: `run` loads them the usual way
    after validation, and its report counts the time spent ahead in `load`."""
    ahead = importlib.import_module("migrator.load.ahead")
    spent = 1.5

    def slow_then_refused(*_: Any) -> Any:
        time.sleep(spent)
        raise LoadError("will not prepare")

    monkeypatch.setattr(ahead, "prepare", slow_then_refused)
    made = started(monkeypatch)
    report = run(SOURCES, mapping=MAPPING, to=target_url, rejects_dir=tmp_path)
    assert [(m.settled, m._thread.is_alive()) for m in made] == [(False, False)]
    assert report.status == "succeeded"
    assert report.tables["customers"].inserted == report.tables["customers"].rows_loaded > 0
    assert report.seconds["load"] >= spent
    assert list(report.seconds)[-1] == "load"


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_a_payload_that_breaks_midway_stops_the_rows_sent_ahead(
        target_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The COPY payload fails after its first chunk, while the load's thread waits for
    the next: that thread stops and rolls back, and the run is left to the usual load."""
    ahead = importlib.import_module("migrator.load.ahead")
    chunks = ahead.copy_chunks
    app = "migrator_ahead_payload"

    def broken(table: Any) -> Iterator[bytes]:
        yield next(chunks(table))
        copying(target_url, app)
        time.sleep(0.2)  # the first chunk is sent; the load's thread waits for the next
        raise ValueError("the payload broke")

    monkeypatch.setattr(ahead, "copy_chunks", broken)
    deduped = find_duplicates(SOURCES, mapping=MAPPING, against=target_url)
    threads = set(threading.enumerate())
    assert started_in_time(deduped, f"{target_url}&application_name={app}") is None
    assert set(threading.enumerate()) <= threads and snapshot(target_url) == {}


def test_the_payload_made_ahead_waits_in_a_bounded_queue(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The load's thread cannot reach the server: the caller's thread stops making the
    payload once the queue is full and that thread has ended, instead of waiting for it
    forever or holding every chunk in memory; the usual load then says what is wrong."""
    ahead = importlib.import_module("migrator.load.ahead")
    monkeypatch.setattr(ahead, "QUEUED", 1)
    deduped = find_duplicates(SOURCES, mapping=MAPPING)
    threads = set(threading.enumerate())
    assert started_in_time(deduped, "postgresql+psycopg://postgres@127.0.0.1:1/test") is None
    assert set(threading.enumerate()) <= threads


def created_and_waiting(url: str, app: str) -> None:
    """Wait until the connection of `app` holds the load's lock in an open transaction,
    created the tables, copied the sales into them and built their keys (dedupe matches
    no sales: they go in before it ends), and waits for the deduplicated rows."""
    until(url, app, "l.pid IS NOT NULL AND a.state = 'idle in transaction' "
                    "AND a.query LIKE 'ALTER TABLE sales ADD PRIMARY KEY%%'",
          "copied and keyed the sales early")


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_the_load_creates_its_tables_and_copies_the_sales_while_the_rows_are_deduplicated(
        target_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`run` opens the load once the rows are clean: its transaction holds the lock, the
    new tables and the sales before dedupe goes on, and nobody else sees them until the
    commit."""
    app = "migrator_ahead_opened"
    made = started(monkeypatch)
    deduplicate = pipeline.dedupe
    seen: list[dict[str, list[str]]] = []

    def after_the_tables(*args: Any, **kwargs: Any) -> Any:
        created_and_waiting(target_url, app)
        seen.append(snapshot(target_url))
        return deduplicate(*args, **kwargs)

    monkeypatch.setattr(pipeline, "dedupe", after_the_tables)
    report = run(SOURCES, mapping=MAPPING, to=f"{target_url}&application_name={app}",
                 rejects_dir=tmp_path)
    assert seen == [{}] and [load.settled for load in made] == [True]
    assert len(content(target_url)["sales"]) == report.tables["sales"].rows_loaded > 0


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_a_failed_dedupe_rolls_back_the_load_opened_for_it(
        target_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = "migrator_ahead_no_rows"
    made = started(monkeypatch)

    def failing(*_args: Any, **_kwargs: Any) -> None:
        created_and_waiting(target_url, app)
        raise RuntimeError("dedupe broke")

    monkeypatch.setattr(pipeline, "dedupe", failing)
    with pytest.raises(RuntimeError, match="dedupe broke"):
        run(SOURCES, mapping=MAPPING, to=f"{target_url}&application_name={app}",
            rejects_dir=tmp_path)
    assert len(made) == 1 and not made[0]._thread.is_alive() and not made[0].settled
    engine = sa.create_engine(target_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        left = conn.exec_driver_sql("SELECT count(*) FROM pg_stat_activity WHERE "
                                    "application_name = %(app)s", {"app": app}).scalar()
    engine.dispose()
    assert left == 0 and snapshot(target_url) == {}


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_rows_of_other_tables_than_the_load_was_opened_for_do_not_go_ahead(
        target_url: str) -> None:
    deduped = find_duplicates(SOURCES, mapping=MAPPING, against=target_url)
    ahead = LoadAhead.open(deduped, target_url, "r" * 12)
    assert ahead is not None
    del deduped.frames["sales"]
    assert not ahead.fill(deduped)
    assert not ahead._thread.is_alive() and not ahead.settled
    assert snapshot(target_url) == {}
