"""Shared test helpers: fixture paths, the wild files, and real database servers."""

from __future__ import annotations

import os
import socket
from pathlib import Path

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


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"], ids=lambda name: name)
def target_url(request: pytest.FixtureRequest, tmp_path: Path) -> object:
    """An empty target database per test: an SQLite file, or a fresh PostgreSQL schema or
    MariaDB database that is dropped afterwards (skipped locally without the server)."""
    import uuid

    name = request.param
    if name == "sqlite":
        yield f"sqlite:///{tmp_path / 'target.db'}"
        return
    import sqlalchemy as sa

    host, port = "127.0.0.1", 5432 if name == "postgresql" else 3306
    require_server(name, host, port)
    scratch = f"mig_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL if name == "postgresql" else MARIADB_URL,
                             poolclass=sa.pool.NullPool)
    kind = "SCHEMA" if name == "postgresql" else "DATABASE"
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE {kind} {scratch}")
    try:
        if name == "postgresql":
            yield f"{POSTGRES_URL}?options=-csearch_path%3D{scratch}"
        else:
            yield f"mysql+pymysql://root@127.0.0.1:3306/{scratch}?charset=utf8mb4"
    finally:
        with admin.begin() as conn:
            drop = "DROP SCHEMA IF EXISTS {} CASCADE" if name == "postgresql" else \
                "DROP DATABASE IF EXISTS {}"
            conn.exec_driver_sql(drop.format(scratch))
        admin.dispose()
