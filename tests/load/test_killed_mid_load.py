"""The PostgreSQL connection killed in the middle of a load: the target stays as it was,
and the command line says so in one sentence, with no driver noise around it."""

from __future__ import annotations

import csv
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from migrator.urls import redact
from tests.conftest import ROOT
from tests.load.test_load import run_load, snapshot

ROWS = 40_000
"""Four COPY chunks of 10,000 rows: the kill comes after the first, three are still to go."""

KILL_AT_FIRST_CHUNK = """
import contextlib, sys
import sqlalchemy as sa
import migrator.cli as cli
from migrator.load.ahead import LoadAhead

admin, app, args = sys.argv[1], sys.argv[2], sys.argv[3:]
LoadAhead.open = classmethod(lambda cls, *args: None)  # the usual load's COPY (see test_ahead)
killed = []


@contextlib.contextmanager
def kill_mid_copy(enabled, console=None):
    def tick(step, done, total):
        if step == "loading" and 0 < done < total and not killed:
            engine = sa.create_engine(admin, poolclass=sa.pool.NullPool)
            with engine.connect() as conn:
                killed.extend(conn.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                    "WHERE application_name = %(app)s", {"app": app}).scalars())
            engine.dispose()
            print(f"killed {killed}", file=sys.stdout, flush=True)
    yield tick


cli._progress = kill_mid_copy
cli.main(args)
"""


def many_customers(path: Path, rows: int) -> Path:
    """A CSV of `rows` customers, enough for several COPY chunks; the first is one the
    target holds (dedupe fails on stored records that match no row: left to its owners)."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["顧客コード", "会社名"])
        writer.writerow(["C001", "山田商事株式会社"])
        writer.writerows([f"C{i:06d}", f"株式会社テスト{i}"] for i in range(rows - 1))
    return path


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_load_killed_during_the_staging_copy_leaves_the_target_and_says_one_sentence(
        target_url: str, tmp_path: Path) -> None:
    """The target holds rows, so the incoming customers go through the staging COPY; the
    backend is terminated after its first chunk. Everything stored before, `_runs` and
    `_rejects` included, is there after, unchanged; stderr is our one sentence."""
    run_load(target_url)
    before = snapshot(target_url)
    app = f"migrator_kill_{uuid.uuid4().hex[:8]}"
    url = f"{target_url}&application_name={app}"
    source = many_customers(tmp_path / "many_customers.csv", ROWS)
    done = subprocess.run(
        [sys.executable, "-c", KILL_AT_FIRST_CHUNK, target_url, app, "run", str(source),
         "--auto", "--to", url, "--rejects", str(tmp_path / "rejects")],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.stdout == "killed [True]\n", done.stderr
    assert (done.returncode, done.stderr) == (
        1, f"Error: the database connection was lost during the load into {redact(url)}; "
           "nothing was written.\n")
    assert snapshot(target_url) == before
    assert not (tmp_path / "rejects").exists()
