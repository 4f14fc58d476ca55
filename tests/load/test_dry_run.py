"""A dry run loads and rolls back: a load the database refuses fails the dry run with the
same sentence, and the target is left exactly as it was, on every database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from migrator.load import LoadError, redact
from migrator.pipeline import run
from tests.conftest import ROOT, SAMPLE_DATA, migrator_in_process
from tests.load.test_load import contacts, customers, frames, run_load, snapshot
from tests.load.test_refused import REFUSE_MARIADB, REFUSE_POSTGRESQL, execute

REFUSE_SQLITE = ["CREATE TRIGGER refuse BEFORE INSERT ON {table} "
                 "BEGIN SELECT RAISE(ABORT, 'no rows here today'); END"]
REFUSED_BY_TRIGGER = {
    "sqlite": "no rows here today",
    # sales are staged and merged, since the customers they name are (not a COPY's context)
    "postgresql": "raise exception in function refuse_row(), SQLSTATE P0001",
    "mariadb": "a trigger or stored procedure signalled an error, MariaDB error 1644",
}


def refusal(url: str, data: dict[str, pd.DataFrame], *, dry_run: bool) -> str:
    with pytest.raises(LoadError) as caught:
        run_load(url, data, dry_run=dry_run)
    return str(caught.value)


def refuse_sales(url: str) -> None:
    """A trigger on sales that refuses every row, as a target's own rules may."""
    kind = url.split(":", 1)[0].split("+", 1)[0]
    statements = {"sqlite": REFUSE_SQLITE, "postgresql": REFUSE_POSTGRESQL,
                  "mysql": REFUSE_MARIADB}[kind]
    execute(url, *(s.format(table="sales", column="product") for s in statements))


def test_load_dry_run_fails_where_the_load_fails(target_url: str) -> None:
    """The customers are there, the sales table refuses rows: the dry run used to say
    `succeeded` with 4 sales inserted, which the load then could not do."""
    run_load(target_url, {"customers": customers(), "contacts": contacts()})
    refuse_sales(target_url)
    before = snapshot(target_url)
    dry = refusal(target_url, frames(extra=True), dry_run=True)
    assert snapshot(target_url) == before
    real = refusal(target_url, frames(extra=True), dry_run=False)
    assert snapshot(target_url) == before
    kind = target_url.split(":", 1)[0].split("+", 1)[0].replace("mysql", "mariadb")
    assert dry == real == (
        f"the database refused the load into {redact(target_url)} at step table:sales "
        f"({REFUSED_BY_TRIGGER[kind]}); it was rolled back and nothing was written.")


@pytest.mark.parametrize("target_url", ["sqlite", "postgresql", "mariadb"], indirect=True)
def test_load_dry_run_into_an_empty_target_fails_where_the_load_fails(target_url: str
                                                                      ) -> None:
    """No table yet (on SQLite no file): the tables the load would create are made for
    the dry run too, so their own NOT NULL refuses a nameless customer in both."""
    data = frames()
    data["customers"].loc[1, "name"] = None
    said = {"sqlite": "NOT NULL constraint failed: customers.name",
            "postgresql": "not null violation on customers.name, SQLSTATE 23502",
            "mysql": "Column 'name' cannot be null, MariaDB error 1048"}
    kind = target_url.split(":", 1)[0].split("+", 1)[0]
    dry = refusal(target_url, data, dry_run=True)
    assert not target_url.startswith("sqlite") or \
        not Path(target_url.removeprefix("sqlite:///")).exists()
    assert snapshot(target_url) == {}
    assert dry == refusal(target_url, data, dry_run=False) == (
        f"the database refused the load into {redact(target_url)} at step table:customers "
        f"({said[kind]}); it was rolled back and nothing was written.")


@pytest.mark.parametrize("target_url", ["postgresql"], indirect=True)
def test_cli_dry_run_of_a_refused_load_exits_1_in_one_sentence(target_url: str,
                                                               tmp_path: Path) -> None:
    """The issue's case end to end: the sample sales into a target whose sales table
    refuses them. `--dry-run` exits 1 with the real run's sentence, and writes nothing."""
    files = [str(SAMPLE_DATA / n) for n in ("顧客台帳.xlsx", "売上明細.xlsx")]

    args = ["run", *files, "--mapping", str(SAMPLE_DATA / "mapping.yaml"), "--to", target_url,
            "--rejects", str(tmp_path / "rejects"), "--review", str(tmp_path / "review.yaml")]

    run([SAMPLE_DATA / "顧客台帳.xlsx"], mapping=SAMPLE_DATA / "mapping.yaml", to=target_url,
        rejects_dir=tmp_path / "first")
    refuse_sales(target_url)
    before = snapshot(target_url)
    # the dry run in a real child (its exit code and one sentence), the real run in-process
    dry = subprocess.run([sys.executable, "-m", "migrator", *args, "--dry-run"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    real = migrator_in_process(*args)
    assert (dry.returncode, dry.stdout) == (1, "")
    assert dry.stderr == real.stderr and dry.stderr.count("\n") == 1
    assert dry.stderr.startswith(f"Error: the database refused the load into "
                                 f"{redact(target_url)} at step table:sales (raise exception")
    assert snapshot(target_url) == before
    assert not (tmp_path / "rejects").exists() and not (tmp_path / "review.yaml").exists()
