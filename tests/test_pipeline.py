"""End to end: sample_data files → database rows, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import create_engine, text

from migrator.demo import SOURCES
from migrator.pipeline import run
from tests.conftest import SAMPLE_DATA

FILES = [SAMPLE_DATA / n for n in SOURCES]
MAPPING = SAMPLE_DATA / "mapping.yaml"


def rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def test_pipeline_sample_data_end_to_end(target_url: str, tmp_path: Path) -> None:
    report = run(FILES, mapping=MAPPING, to=target_url, rejects_dir=tmp_path)
    assert report.status == "succeeded" and report.accounting_ok
    customers = report.tables["customers"]
    assert customers.rows_read == customers.rows_loaded + customers.rows_merged + \
        customers.rows_rejected
    assert customers.rows_merged == 60  # the department lists and cards of ledger clients
    # the unassigned 011-9xx Sapporo numbers load empty, as cell issues, with their contacts
    assert (customers.rows_loaded, customers.rows_rejected) == (103, 0)
    contacts = report.tables["contacts"]
    assert (contacts.rows_loaded, contacts.rows_rejected) == (103, 0)
    assert report.cell_issues == {"customers": 4} and report.rejects_file is None
    issues = rows(target_url, "SELECT table_name, _source_file, _source_sheet, _source_row, "
                              "field, value, reason FROM _cell_issues ORDER BY id")
    assert [tuple(r) for r in issues] == [
        ("customers", "部署別顧客.xlsx", "東京支店", 6, "phone", "0119538098", "invalid_phone"),
        ("customers", "部署別顧客.xlsx", "東京支店", 13, "phone", "011 976 7050",
         "invalid_phone"),
        ("customers", "部署別顧客.xlsx", "東京支店", 17, "phone", "０１１－９４８－２４０７",
         "invalid_phone"),
        ("customers", "shop_export_cp932.csv", None, 10, "phone", "011-904-8003",
         "invalid_phone")]
    loaded = rows(target_url, "SELECT c.phone, COUNT(k.contact_id) FROM customers c JOIN "
                              "contacts k ON k.customer_code = c.customer_code WHERE "
                              "c._source_sheet = '東京支店' AND c._source_row IN (6, 13, 17) "
                              "GROUP BY c.customer_code, c.phone")
    assert [tuple(r) for r in loaded] == [(None, 1)] * 3
    merges = rows(target_url, "SELECT COUNT(*), COUNT(DISTINCT surviving_key) FROM _merges "
                              "WHERE table_name = 'customers'")[0]
    assert tuple(merges) == (60, 40)
    assert rows(target_url, "SELECT COUNT(*) FROM _rejects WHERE reasons LIKE "
                            "'duplicate_key%'")[0][0] == 0
    count = rows(target_url, "SELECT COUNT(*) FROM customers")[0][0]
    assert count == customers.inserted + customers.updated + customers.unchanged
    (phone,) = rows(target_url, "SELECT phone FROM customers WHERE customer_code = '000008'")[0]
    assert phone == "+81355213273"
    (sales,) = rows(target_url, "SELECT COUNT(*) FROM sales")[0]
    assert sales == report.tables["sales"].rows_loaded == 120
    assert rows(target_url, "SELECT COUNT(*) FROM customer_purchase_history")[0][0] > 0
    found = Path(report.cell_issues_file or "")
    assert found.name == f"cell-issues-{report.run_id}.csv"
    assert found.read_bytes().startswith(b"\xef\xbb\xbf\"table\",\"file\",\"sheet\",\"row\"")
    assert len(found.read_bytes().split(b"\r\n")) == 1 + 4 + 1
    book = openpyxl.load_workbook(found.with_name(f"rejects-{report.run_id}.xlsx"))
    assert book.sheetnames == ["cell issues"]


def test_pipeline_second_run_changes_nothing(target_url: str, tmp_path: Path) -> None:
    run(FILES, mapping=MAPPING, to=target_url, rejects_dir=tmp_path)
    again = run(FILES, mapping=MAPPING, to=target_url, rejects_dir=tmp_path)
    for name, t in again.tables.items():
        assert (t.inserted, t.updated) == (0, 0), name
        assert t.unchanged == t.rows_loaded, name


def test_pipeline_dry_run_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "dry.db"
    report = run(FILES, mapping=MAPPING, to=f"sqlite:///{db}", rejects_dir=tmp_path / "r",
                 dry_run=True)
    assert report.tables["customers"].inserted == report.tables["customers"].rows_loaded
    assert not (tmp_path / "r").exists()
    if db.exists():
        assert rows(f"sqlite:///{db}", "SELECT name FROM sqlite_master WHERE type='table'") == []


def test_pipeline_report_json_and_no_password(tmp_path: Path) -> None:
    report = run(FILES[:1], mapping=MAPPING, to=f"sqlite:///{tmp_path / 'a.db'}",
                 rejects_dir=tmp_path)
    path = tmp_path / "report.json"
    report.to_json(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["tables"]["customers"]["accounting_ok"] is True
    assert set(doc) >= {"run_id", "status", "started_at", "finished_at", "sources",
                        "mapping_sha256", "target", "dry_run", "rejects_file", "tables"}


def test_pipeline_report_counts_the_cell_issues_in_json_runs_and_print(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    tokyo = SAMPLE_DATA / "部署別顧客.xlsx"
    report = run([tokyo], mapping=MAPPING, to=url, rejects_dir=tmp_path / "r")
    report.to_json(tmp_path / "report.json")
    doc = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    found = str(tmp_path / "r" / f"cell-issues-{report.run_id}.csv")
    assert (doc["cell_issues"], doc["cell_issues_file"]) == ({"customers": 3}, found)
    assert rows(url, "SELECT cell_issues FROM _runs") == [('{"customers": 3}',)]
    assert ("  3 values could not be cleaned and were loaded empty (cell issues, raw values "
            f"kept): {found}") in str(report).splitlines()
    dry = run([tokyo], mapping=MAPPING, to=url, rejects_dir=tmp_path / "d", dry_run=True)
    assert (dry.cell_issues, dry.cell_issues_file) == ({"customers": 3}, None)
    assert ("  3 values could not be cleaned and were loaded empty (cell issues, raw values "
            "kept)") in str(dry).splitlines()
    assert not (tmp_path / "d").exists()
    assert rows(url, "SELECT COUNT(*) FROM _cell_issues") == [(3,)]  # the first run's only


def test_pipeline_needs_a_mapping_or_auto(tmp_path: Path) -> None:
    from migrator.errors import MigratorError

    with pytest.raises(MigratorError, match="^no mapping: pass --mapping FILE"):
        run(FILES[:1], to=f"sqlite:///{tmp_path / 'a.db'}")


def test_pipeline_database_url_is_the_default_target(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from migrator.urls import default_target

    db = tmp_path / "env.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    assert default_target(FILES[4:5]) == f"sqlite:///{db}"
    monkeypatch.delenv("DATABASE_URL")
    assert default_target(FILES[4:5]) == f"sqlite:///{SAMPLE_DATA.resolve() / 'migrator.db'}"


def test_pipeline_docs_and_progress(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    files = [SAMPLE_DATA / "us_customers.xlsx", SAMPLE_DATA / "売上明細.xlsx"]
    report = run(files, mapping=MAPPING, to=f"sqlite:///{tmp_path / 'a.db'}",
                 rejects_dir=tmp_path, docs=tmp_path / "docs",
                 progress=lambda *tick: seen.append(tick))
    assert (tmp_path / "docs" / "index.html").exists()
    steps = list(dict.fromkeys(step for step, _, _ in seen))
    assert steps == ["reading", "cleaning", "validating", "loading"]
    for step in steps:
        ticks = [(done, total) for s, done, total in seen if s == step]
        assert ticks[0][0] == 0 or step == "cleaning"
        assert ticks[-1][0] == ticks[-1][1] > 0  # every step ends full
        assert [d for d, _ in ticks] == sorted(d for d, _ in ticks)  # and never goes back
    reading = [t for s, _, t in seen if s == "reading"][-1]
    assert reading == sum(p.stat().st_size for p in files)
    loading = [t for s, _, t in seen if s == "loading"][-1]
    assert loading == sum(t.rows_loaded for t in report.tables.values())


def test_pipeline_loads_every_line_of_a_multi_line_invoice(tmp_path: Path) -> None:
    """売上明細 repeating one 伝票番号 on each line of an invoice: every line loads, as
    `<伝票番号>-<line>`, and loading it again changes nothing."""
    from datetime import date

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "売上明細"
    sheet.append(["伝票番号", "売上日", "顧客番号", "商品名", "数量", "単価", "金額"])
    lines = [("2404-0001", "000008", "電卓 12桁", 2, 2980), ("2404-0001", "000008", "付箋", 5, 210),
             ("2404-0002", "000022", "ホッチキス", 1, 780),
             ("2404-0001", "000008", "ボールペン", 10, 120)]
    for number, customer, product, quantity, price in lines:
        sheet.append([number, date(2024, 4, 1), customer, product, quantity, price,
                      quantity * price])
    invoices = tmp_path / "multi_line_invoices.xlsx"
    book.save(invoices)
    db = tmp_path / "inv.db"
    sources = [SAMPLE_DATA / "顧客台帳.xlsx", invoices]
    report = run(sources, auto=True, to=f"sqlite:///{db}", rejects_dir=tmp_path)
    assert (report.tables["sales"].rows_read, report.tables["sales"].rows_loaded) == (4, 4)
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT sale_id, product, _source_row FROM sales "
                                   "ORDER BY _source_row")).all()
    engine.dispose()
    assert [tuple(r) for r in stored] == [
        ("2404-0001-1", "電卓 12桁", 2), ("2404-0001-2", "付箋", 3),
        ("2404-0002", "ホッチキス", 4), ("2404-0001-3", "ボールペン", 5)]
    again = run(sources, auto=True, to=f"sqlite:///{db}", rejects_dir=tmp_path)
    assert (again.tables["sales"].inserted, again.tables["sales"].unchanged) == (0, 4)


def test_pipeline_run_takes_a_mapping_object_and_times_each_stage(tmp_path: Path) -> None:
    from migrator import Mapping

    by_path = run(FILES[4:5], mapping=MAPPING, to=f"sqlite:///{tmp_path / 'a.db'}",
                  rejects_dir=tmp_path)
    by_object = run(FILES[4:5], mapping=Mapping.load(MAPPING),
                    to=f"sqlite:///{tmp_path / 'b.db'}", rejects_dir=tmp_path)
    assert by_object.tables == by_path.tables and by_object.mapping_sha256 == \
        by_path.mapping_sha256
    assert list(by_object.seconds) == ["read", "map", "clean", "dedupe", "validate", "load"]
    auto = run(FILES[4:5], auto=True, to=f"sqlite:///{tmp_path / 'c.db'}", rejects_dir=tmp_path)
    assert list(auto.seconds) == ["read", "profile", "suggest", "map", "clean", "dedupe",
                                  "validate", "load"]
    assert json.loads(json.dumps(auto.asdict()))["seconds"].keys() == auto.seconds.keys()


def test_pipeline_a_header_only_table_loads_nothing_and_says_so(tmp_path: Path) -> None:
    """A CSV holding only its header line: the run succeeds, loads nothing, says why."""
    from tests.conftest import migrator_in_process

    source = tmp_path / "header_only.csv"
    source.write_text("顧客コード,会社名,TEL\n", encoding="utf-8")
    done = migrator_in_process("run", source, "--auto", "--to", f"sqlite:///{tmp_path / 'e.db'}",
                               "--quiet", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "nothing to load into customers: the sources hold no data rows for it" in \
        done.stdout
    assert rows(f"sqlite:///{tmp_path / 'e.db'}", "SELECT COUNT(*) FROM customers") == [(0,)]


def test_pipeline_sales_on_their_own_reject_only_the_orphan_lines(target_url: str,
                                                                  tmp_path: Path) -> None:
    """Next month's sales, loaded alone: a line whose customer is in the target loads; a
    line naming an unknown customer is rejected with its lineage; the load goes through."""
    sales = [SAMPLE_DATA / "売上明細.xlsx"]
    alone = run(sales, mapping=MAPPING, to=target_url, rejects_dir=tmp_path / "a")
    assert alone.status == "succeeded" and alone.accounting_ok
    assert (alone.tables["sales"].rows_loaded, alone.tables["sales"].rows_rejected) == (0, 120)
    reasons = {r[0] for r in rows(target_url, "SELECT reasons FROM _rejects")}
    assert reasons == {"unknown_reference:customer_code"}
    run([SAMPLE_DATA / "顧客台帳.xlsx"], mapping=MAPPING, to=target_url,
        rejects_dir=tmp_path / "b")
    later = run(sales, mapping=MAPPING, to=target_url, rejects_dir=tmp_path / "c")
    loaded, rejected = later.tables["sales"].rows_loaded, later.tables["sales"].rows_rejected
    stored = rows(target_url, "SELECT COUNT(*) FROM sales")[0][0]
    assert loaded + rejected == 120 and loaded == stored and loaded > 100


def test_pipeline_rows_of_a_table_the_mapping_ignores_are_counted(tmp_path: Path) -> None:
    """`--auto` maps no column of `foo,bar`: its two rows are reported as not loaded, with
    the reason, instead of vanishing from the accounting."""
    source = tmp_path / "foobar.csv"
    source.write_text("foo,bar\n1,2\n3,4\n", encoding="utf-8")
    report = run([source], auto=True, to=f"sqlite:///{tmp_path / 'f.db'}",
                 rejects_dir=tmp_path)
    assert report.not_loaded == {"foobar.csv": 2}
    assert report.asdict()["not_loaded"] == {"foobar.csv": 2}
    assert "  2 row(s) of foobar.csv not loaded: the mapping maps none of its columns" in \
        str(report)


def test_pipeline_columns_cleaned_while_helpers_read_load_as_cleaned_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sales read by a helper that never seems done, the customer files here: this
    process cleans ahead every column of what it read, and the run loads what a run in
    one process loads."""
    import importlib

    from migrator.clean.ahead import CleanAhead
    from migrator.read.workers import Helper
    from tests.conftest import stored_rows

    urls = {how: f"sqlite:///{tmp_path / f'{how}.db'}" for how in ("alone", "helped")}
    monkeypatch.setenv("MIGRATOR_READ_HELPERS", "0")
    alone = run(FILES, mapping=MAPPING, to=urls["alone"], rejects_dir=tmp_path / "alone")
    monkeypatch.setenv("MIGRATOR_READ_HELPERS", "1")
    reader = importlib.import_module("migrator.read.reader")
    sales = [int(f.name == "売上明細.xlsx") for f in FILES]
    monkeypatch.setattr(reader, "plan", lambda sizes, **_: sales)
    monkeypatch.setattr(Helper, "answering", lambda self: False)
    used: list[bool] = []
    take = CleanAhead.take

    def watched(self: CleanAhead, *args: object) -> object:
        outcome = take(self, *args)  # type: ignore[arg-type]
        used.append(outcome is not None)
        return outcome

    monkeypatch.setattr(CleanAhead, "take", watched)
    helped = run(FILES, mapping=MAPPING, to=urls["helped"], rejects_dir=tmp_path / "helped")
    assert sum(used) >= 4  # the customers' names, e-mail addresses, codes...: all used
    assert helped.asdict()["tables"] == alone.asdict()["tables"]
    for table in ("customers", "contacts", "sales"):
        assert stored_rows(urls["helped"], table) == stored_rows(urls["alone"], table), table
