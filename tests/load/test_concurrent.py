"""Two runs at once into one database: both go through, and between them every row is
loaded exactly once and accounted for in each run's report; a run that had to wait for
the other says so."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
import sqlalchemy as sa

from migrator import load
from migrator.errors import LoadError
from migrator.load.lock import MARIADB_NAME, POSTGRESQL_KEY
from migrator.load.prepare import generate_keys
from migrator.pipeline import prepare
from migrator.report import RunReport
from migrator.tables import ValidationReport
from tests.conftest import SAMPLE_DATA, scratch_database
from tests.load.test_load import SCHEMA, query

MAPPING = SAMPLE_DATA / "mapping.yaml"
LEDGER_SHOP_SALES = [SAMPLE_DATA / n for n in ("顧客台帳.xlsx", "shop_export_cp932.csv",
                                                "売上明細.xlsx")]
LEDGER_DEPARTMENTS_US = [SAMPLE_DATA / n for n in ("顧客台帳.xlsx", "部署別顧客.xlsx",
                                                   "us_customers.xlsx")]
PAIRS = 6
"""The race the issue saw failed 3 of 6 pairs; six catch it."""


NO_VIEWS = SCHEMA.model_copy(update={"views": {}})
"""crm without its views: CREATE OR REPLACE VIEW locks a view until commit, which happens
to serialise two loads into a target that has the views; a schema without views does not."""


@pytest.fixture(scope="module")
def prepared() -> Callable[[str], tuple[ValidationReport, ...]]:
    """prepared(start) → (the run loaded first, if any, then the two runs loaded at once).

    The pair overlaps: both hold the ledger's customers and contacts, each has rejected
    rows, the second merges duplicates. Each is prepared once for the module.
    """

    @cache
    def runs(start: str) -> tuple[ValidationReport, ...]:
        schema = SCHEMA if start == "empty" else NO_VIEWS
        first = [] if start == "empty" else [[SAMPLE_DATA / "us_customers.xlsx"]]
        return tuple(prepare(files, mapping=MAPPING, schema=schema)
                     for files in (*first, LEDGER_SHOP_SALES, LEDGER_DEPARTMENTS_US))

    return runs


def load_at_once(checked: tuple[ValidationReport, ...], url: str, rejects: Path
                 ) -> list[RunReport | LoadError]:
    """Load each of `checked` into `url` from its own thread, all released together."""
    barrier = threading.Barrier(len(checked))
    outcomes: list[RunReport | LoadError | None] = [None] * len(checked)

    def one(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = load(checked[i], to=url, rejects_dir=rejects / str(i)).report
        except LoadError as err:
            outcomes[i] = err

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(checked))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(o is not None for o in outcomes)
    return [o for o in outcomes if o is not None]


@pytest.mark.parametrize(("kind", "start"), [("postgresql", "empty"), ("postgresql", "loaded"),
                                           ("mariadb", "empty")])
@pytest.mark.parametrize("attempt", range(PAIRS))
def test_load_two_runs_at_once_lose_and_double_nothing(
        prepared: Callable[[str], tuple[ValidationReport, ...]], kind: str, start: str,
        attempt: int, tmp_path: Path) -> None:
    """Into an empty database both create the tables; into a loaded one both bring the
    ledger's customers as new. Either way neither fails, every key is stored once, and
    the runs' inserted counts add up to the rows stored: no row counted twice.

    Without the load lock, 6 of 6 pairs failed on an empty PostgreSQL database (one run,
    pg_type_typname_nsp_index) and on MariaDB (both runs: one dropped the tables the
    other was loading), and 4 or 5 of 6 on a loaded one counted 40 customers twice."""
    *first, one, other = prepared(start)
    with scratch_database(kind, tmp_path / "target") as url:
        before = [load(c, to=url, rejects_dir=tmp_path / "first").report for c in first]
        outcomes = load_at_once((one, other), url, tmp_path)
        failed = [str(o) for o in outcomes if isinstance(o, LoadError)]
        assert failed == [], failed
        reports = [o for o in outcomes if isinstance(o, RunReport)]
        for report, checked in zip(reports, (one, other), strict=True):
            assert report.status == "succeeded" and report.accounting_ok
            for name, t in report.tables.items():
                assert t.inserted + t.updated + t.unchanged == t.rows_loaded, name
                assert t.rows_loaded == len(checked.frames[name]), name
        everything = [*before, *reports]
        for name in ("customers", "contacts", "sales"):
            keys = set().union(*(_keys(c, name) for c in (*first, one, other)
                                 if name in c.frames))
            stored = query(url, f"SELECT COUNT(*), COUNT(DISTINCT {_pk(name)}) FROM {name}")
            assert stored == [(len(keys), len(keys))], name
            inserted = sum(r.tables[name].inserted for r in everything if name in r.tables)
            assert inserted == len(keys), name  # each row inserted by exactly one run
        runs = query(url, "SELECT run_id, status FROM _runs ORDER BY run_id")
        assert runs == sorted((r.run_id, "succeeded") for r in everything)
        rejected = sum(t.rows_rejected for r in everything for t in r.tables.values())
        assert query(url, "SELECT COUNT(*) FROM _rejects") == [(rejected,)]
        merged = sum(t.rows_merged for r in everything for t in r.tables.values())
        assert query(url, "SELECT COUNT(*) FROM _merges") == [(merged,)]


def _pk(table: str) -> str:
    return SCHEMA.tables[table].primary_key


def _keys(checked: ValidationReport, table: str) -> set[str]:
    """The primary keys `checked` loads into `table`, generated ones included."""
    spec = SCHEMA.tables[table]
    return set(generate_keys(table, spec, checked.frames[table])[spec.primary_key])


@pytest.mark.parametrize("target_url", ["postgresql", "mariadb"], indirect=True)
def test_load_waits_for_the_run_holding_the_target_and_says_so(
        prepared: Callable[[str], tuple[ValidationReport, ...]], target_url: str,
        tmp_path: Path) -> None:
    """The test holds the target's load lock as another run would; the load waits until
    it is released, then goes through and says in one line that it waited."""
    checked = prepared("empty")[0]
    engine = sa.create_engine(target_url, poolclass=sa.pool.NullPool)
    seen: list[tuple[str, int, int]] = []
    outcome: list[RunReport] = []
    with engine.connect() as holder:
        if holder.dialect.name == "postgresql":
            holder.exec_driver_sql(f"SELECT pg_advisory_xact_lock({POSTGRESQL_KEY})")
        else:
            holder.exec_driver_sql(f"SELECT GET_LOCK({MARIADB_NAME}, 0)")
        loader = threading.Thread(target=lambda: outcome.append(load(
            checked, to=target_url, rejects_dir=tmp_path,
            progress=lambda *tick: seen.append(tick)).report))
        loader.start()
        deadline = time.monotonic() + 60
        while ("waiting", 0, 1) not in seen and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        assert sa.inspect(holder).get_table_names() == []  # it waits before it looks
        holder.rollback()  # the transaction's lock (PostgreSQL); the session's goes with close
    engine.dispose()
    loader.join(timeout=120)
    (report,) = outcome
    assert ("waiting", 0, 1) in seen and ("waiting", 1, 1) in seen
    assert report.status == "succeeded" and report.waited_seconds is not None
    assert report.waited_seconds >= 0.5
    line = (f"  waited {report.waited_seconds:.1f} s for another run loading into the same "
            "target to finish")
    assert line in str(report).splitlines()
    assert report.asdict()["waited_seconds"] == round(report.waited_seconds, 3)
    assert query(target_url, "SELECT COUNT(*) FROM customers") == [
        (report.tables["customers"].inserted,)]
