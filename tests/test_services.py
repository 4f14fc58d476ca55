"""The database servers the later stages load into answer on this machine (skip on a laptop)."""

from __future__ import annotations

import pytest

from tests.conftest import require_server


@pytest.mark.postgres
def test_services_postgresql_answers() -> None:
    require_server("PostgreSQL", "127.0.0.1", 5432)
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test",
                         connect_timeout=5) as conn:
        assert conn.execute("select 40 + 2").fetchone() == (42,)


@pytest.mark.mariadb
def test_services_mariadb_answers() -> None:
    require_server("MariaDB", "127.0.0.1", 3306)
    import pymysql

    conn = pymysql.connect(host="127.0.0.1", port=3306, user="root", password="",
                           database="test", connect_timeout=5)
    try:
        with conn.cursor() as cur:
            cur.execute("select 40 + 2")
            assert cur.fetchone() == (42,)
    finally:
        conn.close()
