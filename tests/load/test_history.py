"""`_runs` says who ran each load (OS user, host, version), and `migrator history` lists
the runs of a target newest first, without a record's values."""

from __future__ import annotations

import getpass
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from migrator import run
from migrator.errors import LoadError
from migrator.load.history import run_history
from tests.conftest import SAMPLE_DATA, stored_rows

LEDGER, SALES = SAMPLE_DATA / "顧客台帳.xlsx", SAMPLE_DATA / "売上明細.xlsx"


@pytest.mark.parametrize("target_url", ["sqlite", "postgresql", "mariadb"], indirect=True)
def test_history_lists_who_ran_what_newest_first(target_url: str, tmp_path: Path) -> None:
    first = run([LEDGER], auto=True, to=target_url, rejects_dir=tmp_path)
    time.sleep(1.1)  # _runs keeps whole seconds
    second = run([SALES, LEDGER], auto=True, to=target_url, rejects_dir=tmp_path)
    entries = run_history(target_url)
    assert [e.run_id for e in entries] == [second.run_id, first.run_id]
    assert entries[0].files == ["売上明細.xlsx", "顧客台帳.xlsx"]
    assert entries[0].user == getpass.getuser() and entries[0].version != "?"
    assert entries[1].tables["customers"]["rows_loaded"] == 40
    stored = {r["run_id"]: json.loads(str(r["run_by"])) for r in stored_rows(target_url, "_runs")}
    assert stored[first.run_id] == first.run_by and set(first.run_by) == {"user", "host",
                                                                          "version"}


def test_history_cli_prints_no_record_values(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    run([LEDGER], auto=True, to=url, rejects_dir=tmp_path)
    done = subprocess.run([sys.executable, "-m", "migrator", "history", "--to", url],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "顧客台帳.xlsx" in done.stdout and "customers 40" in done.stdout
    assert "株式会社" not in done.stdout  # the ledger's company names
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", done.stdout)  # nor its e-mails
    empty = subprocess.run([sys.executable, "-m", "migrator", "history", "--to",
                            f"sqlite:///{tmp_path / 'none.db'}"], capture_output=True,
                           text=True, timeout=120)
    assert empty.returncode == 1 and empty.stderr.count("\n") == 1
    assert not (tmp_path / "none.db").exists()
    with pytest.raises(LoadError, match="holds no runs"):
        run_history(f"sqlite:///{tmp_path / 'none.db'}")


def test_runs_record_the_decisions_files_checksum(tmp_path: Path) -> None:
    import hashlib

    from tests.conftest import FIXTURES

    source = FIXTURES / "notebook" / "two_groups_to_review.csv"
    decisions = FIXTURES / "notebook" / "two_groups_to_review.decisions.yaml"
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    report = run([source], auto=True, to=url, rejects_dir=tmp_path, decisions=decisions)
    digest = hashlib.sha256(decisions.read_bytes()).hexdigest()
    assert report.decisions_sha256 == digest
    assert report.asdict()["decisions_sha256"] == digest
    assert [r["decisions_sha256"] for r in stored_rows(url, "_runs")] == [digest]
    without = run([source], auto=True, to=url, rejects_dir=tmp_path)
    assert without.decisions_sha256 is None


def test_history_of_one_run_lists_the_keys_it_changed_not_their_values(tmp_path: Path
                                                                       ) -> None:
    from migrator.load.history import run_changes

    departments = SAMPLE_DATA / "部署別顧客.xlsx"
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    first = run([LEDGER], auto=True, to=url, rejects_dir=tmp_path)
    second = run([departments, LEDGER], auto=True, to=url, rejects_dir=tmp_path)
    changes = run_changes(url, second.run_id)
    table = second.tables["customers"]
    assert len(changes.inserted.get("customers", [])) == table.inserted
    assert len(changes.updated.get("customers", [])) == table.updated
    assert len(changes.merged["customers"]) == table.rows_merged > 0
    stored = {r["customer_code"] for r in stored_rows(url, "customers")}
    assert set(changes.updated.get("customers", [])) <= stored
    assert {key for *_, key in changes.merged["customers"]} <= stored
    assert all(file in ("部署別顧客.xlsx", "顧客台帳.xlsx") and row > 0
               for file, _, row, _ in changes.merged["customers"])
    assert run_changes(url, first.run_id).inserted["customers"][0] == "000008"
    done = subprocess.run([sys.executable, "-m", "migrator", "history", second.run_id,
                           "--to", url, "--limit", "5"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"customers merged {table.rows_merged:,}: " in done.stdout
    assert "more" in done.stdout and "株式会社" not in done.stdout
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", done.stdout)
    with pytest.raises(LoadError, match="has no run nosuch"):
        run_changes(url, "nosuch")
