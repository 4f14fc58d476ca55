"""`migrator undo RUN_ID`: the target exactly as it was before the run, or one sentence why
not. The round trip on each database: load, re-load with changes (updates, inserts,
merges, sales), undo, and every table compared with the first load row by row."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from migrator import run
from migrator.errors import LoadError
from migrator.load import undo
from tests.conftest import SAMPLE_DATA, plain_value

LEDGER = SAMPLE_DATA / "顧客台帳.xlsx"
DEPARTMENTS = SAMPLE_DATA / "部署別顧客.xlsx"
SALES = SAMPLE_DATA / "売上明細.xlsx"
DATA = ("customers", "contacts", "sales")


def snapshot(url: str) -> dict[str, list[dict[str, object]]]:
    """Every row of every data table, `_run_id` included, ordered by key."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            present = set(sa.inspect(conn).get_table_names())
            tables = {}
            for name in (t for t in DATA if t in present):
                table = sa.Table(name, sa.MetaData(), autoload_with=conn)
                key = next(iter(table.primary_key.columns))
                tables[name] = [{c: plain_value(v) for c, v in row.items()}
                                for row in conn.execute(sa.select(table).order_by(key))
                                .mappings()]
            return tables
    finally:
        engine.dispose()


def count(url: str, statement: str) -> int:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql(statement).scalar_one())
    finally:
        engine.dispose()


def edited_ledger(folder: Path) -> Path:
    """The ledger of next month: two customers' phones and one's name changed."""
    import openpyxl

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LEDGER.name
    shutil.copy(LEDGER, path)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None and sheet["A6"].value == "000008"
    sheet["D6"] = "03-5521-9999"
    sheet["D7"] = "03-5739-1111"
    sheet["B8"] = f"{sheet['B8'].value}（本店）"
    book.save(path)
    return path


@pytest.mark.parametrize("target_url", ["sqlite", "postgresql", "mariadb"], indirect=True)
def test_undo_puts_every_table_back_as_the_first_load_left_it(target_url: str,
                                                                tmp_path: Path) -> None:
    first = run([LEDGER], auto=True, to=target_url, rejects_dir=tmp_path)
    loaded = snapshot(target_url)
    assert len(loaded["customers"]) == 40 and loaded["sales"] == []
    second = run([edited_ledger(tmp_path / "next"), DEPARTMENTS, SALES], auto=True,
                 to=target_url, rejects_dir=tmp_path)
    changed = second.tables
    assert changed["customers"].updated >= 3 and changed["customers"].inserted > 0
    assert changed["customers"].rows_merged > 0 and changed["sales"].inserted == 120
    assert snapshot(target_url) != loaded

    result = undo(second.run_id, target_url)

    assert snapshot(target_url) == loaded
    assert result.restored["customers"] == changed["customers"].updated
    assert result.deleted["customers"] == changed["customers"].inserted
    assert result.deleted["sales"] == 120
    assert count(target_url, f"SELECT COUNT(*) FROM _runs WHERE run_id = '{second.run_id}' "
                             "AND status = 'undone' AND undone_by IS NOT NULL") == 1
    assert count(target_url, f"SELECT COUNT(*) FROM _merges WHERE run_id = "
                             f"'{second.run_id}'") == changed["customers"].rows_merged \
        + changed["contacts"].rows_merged  # the log of what the run did stays
    # undoing the first run too leaves the tables as before any run: empty
    assert undo(first.run_id, target_url).deleted["customers"] == 40
    assert all(not rows for rows in snapshot(target_url).values())


@pytest.mark.parametrize("target_url", ["sqlite", "postgresql", "mariadb"], indirect=True)
def test_undo_refuses_while_a_later_run_changed_the_same_records(target_url: str,
                                                                  tmp_path: Path) -> None:
    first = run([LEDGER], auto=True, to=target_url, rejects_dir=tmp_path)
    second = run([edited_ledger(tmp_path / "next")], auto=True, to=target_url,
                 rejects_dir=tmp_path)
    assert second.tables["customers"].updated == 3
    before = snapshot(target_url)
    with pytest.raises(LoadError, match=f"run {second.run_id} .*changed 3 of the records "
                                        f"run {first.run_id} wrote; undo run "
                                        f"{second.run_id} first"):
        undo(first.run_id, target_url)
    assert snapshot(target_url) == before
    undo(second.run_id, target_url)
    with pytest.raises(LoadError, match="was undone already"):
        undo(second.run_id, target_url)
    assert undo(first.run_id, target_url).deleted == {"contacts": 40, "customers": 40}


@pytest.mark.parametrize("target_url", ["sqlite", "postgresql", "mariadb"], indirect=True)
def test_undo_refuses_when_later_rows_refer_to_what_it_would_delete(target_url: str,
                                                                    tmp_path: Path) -> None:
    first = run([LEDGER], auto=True, to=target_url, rejects_dir=tmp_path)
    sales = run([SALES, LEDGER], auto=True, to=target_url, rejects_dir=tmp_path)
    assert sales.tables["customers"].unchanged == 40 and sales.tables["sales"].inserted == 120
    before = snapshot(target_url)
    with pytest.raises(LoadError, match="records a later run loaded refer to customers "
                                        f"records run {first.run_id} inserted"):
        undo(first.run_id, target_url)
    assert snapshot(target_url) == before
    assert count(target_url, f"SELECT COUNT(*) FROM _runs WHERE run_id = '{first.run_id}' "
                             "AND status = 'succeeded'") == 1


def test_a_dry_run_keeps_no_history_and_cannot_be_undone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    run([LEDGER], auto=True, to=url, rejects_dir=tmp_path)
    dry = run([edited_ledger(tmp_path / "next")], auto=True, to=url, rejects_dir=tmp_path,
              dry_run=True)
    assert dry.tables["customers"].updated == 3
    assert count(url, "SELECT COUNT(*) FROM _history WHERE action = 'updated'") == 0
    with pytest.raises(LoadError, match=f"has no run {dry.run_id}"):
        undo(dry.run_id, url)


def test_history_keeps_the_updated_rows_as_they_were_and_nothing_else(tmp_path: Path
                                                                      ) -> None:
    import json

    url = f"sqlite:///{tmp_path / 'crm.db'}"
    first = run([LEDGER], auto=True, to=url, rejects_dir=tmp_path)
    assert count(url, "SELECT COUNT(*) FROM _history") == 0  # inserts carry _run_id
    second = run([edited_ledger(tmp_path / "next")], auto=True, to=url, rejects_dir=tmp_path)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT run_id, table_name, record_key, action, "
                                    "previous_run_id, previous FROM _history").all()
    engine.dispose()
    assert {(r[0], r[1], r[3], r[4]) for r in rows} == {
        (second.run_id, "customers", "updated", first.run_id)}
    updated = {r[2]: json.loads(r[5]) for r in rows}
    assert len(updated) == 3 and {"000008", "000022"} <= set(updated)
    assert updated["000008"]["phone"] == "+81355213273"
    assert updated["000022"]["phone"] == "+81357390865"
    assert updated["000008"]["_run_id"] == first.run_id
    assert updated["000008"]["_source_row"] == 6 and updated["000008"]["name"] == "株式会社藍染工房"


def test_undo_cli_says_what_it_did_and_refuses_in_one_sentence(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    first = run([LEDGER], auto=True, to=url, rejects_dir=tmp_path)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "migrator", "undo", *args, "--to", url],
                              capture_output=True, text=True, timeout=120)

    unknown = cli("nosuchrun")
    assert unknown.returncode == 1 and unknown.stderr.count("\n") == 1
    assert "has no run nosuchrun" in unknown.stderr and "Traceback" not in unknown.stderr
    done = cli(first.run_id)
    assert done.returncode == 0, done.stderr
    assert f"run {first.run_id} undone" in done.stdout and "customers: 40 deleted" in done.stdout
    assert "株式会社" not in done.stdout + done.stderr
    missing = subprocess.run([sys.executable, "-m", "migrator", "undo", "r1", "--to",
                              f"sqlite:///{tmp_path / 'none.db'}"], capture_output=True,
                             text=True, timeout=120)
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    assert not (tmp_path / "none.db").exists()


def test_a_run_whose_updates_left_no_history_is_refused(tmp_path: Path) -> None:
    """A run loaded by a migrator before `_history`: its updates cannot be put back."""
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    run([LEDGER], auto=True, to=url, rejects_dir=tmp_path)
    second = run([edited_ledger(tmp_path / "next")], auto=True, to=url, rejects_dir=tmp_path)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM _history")
    engine.dispose()
    before = snapshot(url)
    with pytest.raises(LoadError, match="kept no _history of the records it updated"):
        undo(second.run_id, url)
    assert snapshot(url) == before
