"""Shared test helpers: fixture paths, the wild files, and real database servers."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
WILD = ROOT.parent / "shared" / "wild"
SAMPLE_DATA = ROOT / "sample_data"


def server_reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require_server(name: str, host: str, port: int) -> None:
    """Skip on a laptop without the server; fail on CI, where it must be there."""
    if server_reachable(host, port):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} server is not reachable at {host}:{port}")
    pytest.skip(f"{name} server is not reachable at {host}:{port}")


@pytest.fixture
def wild() -> Path:
    """../shared/wild, the files from other projects' test suites."""
    if not WILD.is_dir():
        pytest.skip("../shared/wild is absent on this checkout")
    return WILD


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
MARIADB_URL = "mysql+pymysql://root@127.0.0.1:3306/test"


DATABASES = ["sqlite", "postgresql", "mariadb"]


@contextmanager
def scratch_database(kind: str, folder: Path) -> Iterator[str]:
    """An empty target: an SQLite file in `folder`, or a fresh PostgreSQL schema or
    MariaDB database dropped afterwards (skipped locally without the server)."""
    import uuid

    if kind == "sqlite":
        folder.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{folder / 'target.db'}"
        return
    import sqlalchemy as sa

    host, port = "127.0.0.1", 5432 if kind == "postgresql" else 3306
    require_server(kind, host, port)
    scratch = f"mig_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL if kind == "postgresql" else MARIADB_URL,
                             poolclass=sa.pool.NullPool)
    noun = "SCHEMA" if kind == "postgresql" else "DATABASE"
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE {noun} {scratch}")
    try:
        if kind == "postgresql":
            yield f"{POSTGRES_URL}?options=-csearch_path%3D{scratch}"
        else:
            yield f"mysql+pymysql://root@127.0.0.1:3306/{scratch}?charset=utf8mb4"
    finally:
        with admin.begin() as conn:
            drop = "DROP SCHEMA IF EXISTS {} CASCADE" if kind == "postgresql" else \
                "DROP DATABASE IF EXISTS {}"
            conn.exec_driver_sql(drop.format(scratch))
        admin.dispose()


@pytest.fixture(params=DATABASES, ids=lambda name: name)
def target_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty target database per test, on each of the three databases."""
    with scratch_database(request.param, tmp_path / "target") as url:
        yield url


@pytest.fixture(params=DATABASES, ids=lambda name: name)
def two_targets(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two empty targets of one kind, to compare what two ways of loading wrote."""
    with scratch_database(request.param, tmp_path / "a") as first, \
            scratch_database(request.param, tmp_path / "b") as second:
        yield first, second


def stored_rows(url: str, table: str) -> list[dict[str, object]]:
    """Every row of `table` as plain text values, ordered by its columns in turn, without
    `_run_id`: the same data reads the same from SQLite, PostgreSQL and MariaDB."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            found = sa.Table(table, sa.MetaData(), autoload_with=conn)
            columns = [c for c in found.columns if c.name != "_run_id"]
            query = sa.select(*columns).order_by(*columns)
            return [{str(c.name): plain_value(v) for c, v in zip(columns, row, strict=True)}
                    for row in conn.execute(query)]
    finally:
        engine.dispose()


def plain_value(value: object) -> object:
    """A database value as text a golden file can hold (12000.0000 → "12000")."""
    import datetime as dt
    from decimal import Decimal

    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Decimal | float):
        return format(Decimal(str(value)).normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return str(value)


def fresh_python(code: str) -> str:
    """What `code` prints in a new interpreter (which modules an import loads, say)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    return done.stdout.strip()


def migrator_in_process(*args: object, cwd: Path = ROOT) -> CompletedProcess[str]:
    """`migrator ARGS` run by this interpreter, answered as `subprocess.run` would: the exit
    code, stdout and stderr. For tests whose point is what a command does, not the process
    boundary: a child would import pandas and Great Expectations again (3-4 s each). The
    exit codes and one-sentence errors of a real child keep their own tests (test_cli.py)."""
    import contextlib
    import io

    from migrator.cli import main

    argv = [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):
        try:
            main(argv)
            code = 0
        except SystemExit as exit_:
            if exit_.code is None or isinstance(exit_.code, int):
                code = exit_.code or 0
            else:  # sys.exit("message"): printed on stderr, exit 1, as Python does
                print(exit_.code, file=sys.stderr)
                code = 1
    return CompletedProcess(["migrator", *argv], code, out.getvalue(), err.getvalue())


def heavy_modules_after(statement: str) -> str:
    """The heavy libraries `statement` imports in a new interpreter, printed as a list."""
    return fresh_python(f"import sys; {statement}; print([m for m in ('pandas', "
                        "'great_expectations', 'sqlalchemy', 'jupyterlab', 'openpyxl', "
                        "'python_calamine') if m in sys.modules])")


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian's Chromium through Playwright (../shared/NOTEBOOK-TESTS.md); skipped without
    it on a laptop, failed on CI."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is absent (scripts/system-deps.sh installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    scratch = tmp_path_factory.mktemp("chromium")
    with pytest.MonkeyPatch.context() as env:
        for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "TMPDIR"):
            env.setenv(name, str(scratch / name.lower()))
            (scratch / name.lower()).mkdir()
        with sync_playwright() as p:
            launched = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                         args=CHROMIUM_ARGS)
            yield launched
            launched.close()


def strict_phones(mapping: Any) -> Any:
    """`mapping` (a Mapping) with `on_error: reject` on every column feeding a phone: the
    strict behaviour, for tests that need sample_data's bad phones as rejected rows (by
    default they load empty, as cell issues)."""
    def strict(target: Any) -> Any:
        if target.to is not None and target.to.endswith(".phone"):
            return target.model_copy(update={"on_error": "reject"})
        return target

    sources = tuple(s.model_copy(update={"columns": {k: strict(c) for k, c in s.columns.items()}})
                    for s in mapping.sources)
    return mapping.model_copy(update={"sources": sources})
