"""The widgets driven like a person would, in Python: each choice changes the file the CLI
replays (mapping, decisions), and the next run obeys it."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import yaml

import migrator
from migrator.errors import MappingError
from migrator.notebook import DuplicateReview, MappingEditor, ProfileView, RunSummary, run_command
from migrator.pipeline import find_duplicates
from tests.conftest import ROOT

SAMPLE = ROOT / "sample_data"
REVIEW = ROOT / "tests" / "fixtures" / "notebook" / "two_groups_to_review.csv"
GOLDEN = ROOT / "tests" / "fixtures" / "notebook" / "two_groups_to_review.decisions.yaml"


@pytest.fixture(scope="module")
def ledger_profile():
    return migrator.profile(migrator.read_sources([SAMPLE / "顧客台帳.xlsx",
                                                   SAMPLE / "us_customers.xlsx"]))


def test_choosing_a_target_changes_the_mapping_and_its_yaml(ledger_profile, tmp_path) -> None:
    editor = MappingEditor(migrator.suggest_mapping(ledger_profile), ledger_profile)
    source = next(i for i, s in enumerate(editor.mapping.sources) if s.file == "顧客台帳.xlsx")
    before = editor.yaml
    assert editor.mapping.sources[source].columns["部署"].to == "contacts.department"
    editor.choose(source, "部署", None)
    assert editor.mapping.sources[source].columns["部署"].to is None
    assert editor.yaml != before and "部署: null" in editor.yaml
    assert editor.dropdowns[(source, "部署")].value == "(not loaded)"
    saved = editor.save(tmp_path / "mapping.yaml")
    assert migrator.Mapping.load(saved).sources[source].columns["部署"].to is None


def test_an_invalid_choice_is_shown_not_raised_and_not_saved(ledger_profile, tmp_path) -> None:
    editor = MappingEditor(migrator.suggest_mapping(ledger_profile), ledger_profile)
    source = next(i for i, s in enumerate(editor.mapping.sources) if s.file == "顧客台帳.xlsx")
    editor.dropdowns[(source, "フリガナ")].value = "customers.name"  # as the browser does
    assert not editor.valid
    assert "customers.name is already fed by column '会社名'" in editor.problem
    assert "⚠" in editor.message.value and "already fed" in editor.message.value
    with pytest.raises(MappingError, match="not saved"):
        editor.save(tmp_path / "mapping.yaml")
    assert not (tmp_path / "mapping.yaml").exists()
    editor.choose(source, "フリガナ", "customers.name_kana")
    assert editor.valid and "✓" in editor.message.value


def test_samples_and_confidence_sit_beside_each_dropdown(ledger_profile) -> None:
    editor = MappingEditor(migrator.suggest_mapping(ledger_profile), ledger_profile)
    source = next(i for i, s in enumerate(editor.mapping.sources) if s.file == "顧客台帳.xlsx")
    grid = editor.widget.children[0].children[source]
    texts = [getattr(c, "value", "") for c in grid.children]
    at = texts.index("顧客コード")
    assert texts[at + 1] == "customers.customer_code"  # the dropdown's value
    assert texts[at + 2].endswith("%") and texts[at + 3].startswith("0000")


def test_the_run_command_repeats_the_load_from_the_cli() -> None:
    line = run_command([Path("a b.xlsx"), "顧客.csv"], "mapping.yaml", "sqlite:///x.db")
    assert line == "migrator run 'a b.xlsx' '顧客.csv' --mapping mapping.yaml --to sqlite:///x.db"


def test_profile_view_has_one_tab_per_table_with_the_report_inside(ledger_profile) -> None:
    view = ProfileView(ledger_profile)
    titles = [view.widget.get_title(i) for i in range(len(view.widget.children))]
    assert titles[:2] == ["顧客台帳.xlsx [顧客台帳]", "us_customers.xlsx [Customers]"]
    page = view.widget.children[0].value
    assert page.startswith("<iframe srcdoc=") and "連絡先 / TEL" in page
    assert "<script" not in page  # the report is escaped into the attribute


def test_duplicate_review_writes_the_decision_and_the_next_run_obeys_it(tmp_path) -> None:
    deduped = find_duplicates([REVIEW], auto=True)
    path = tmp_path / "decisions.yaml"
    review = DuplicateReview(deduped, path)
    # C5/C6 (佐藤物産, two unassigned 011 numbers) load with their phones empty as cell
    # issues, no longer rejected, and so are a second pair to review
    assert [g.shown["names"] for g in review.groups] == [["山田商事株式会社", "山田商事"],
                                                         ["佐藤物産", "佐藤物産"]]
    records = review.records(0)
    assert list(records.loc["name"]) == ["山田商事株式会社", "山田商事"]
    assert "background:#FFC7CE" in review.view.value  # the differing fields are marked
    review.decide("merge")
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert written == yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))
    again = find_duplicates([REVIEW], auto=True, decisions=path)
    assert again.counts()["customers"].merged == 2  # the pair merged, as decided
    assert [g.shown["names"] for g in DuplicateReview(again, path).groups] == [
        ["佐藤物産", "佐藤物産"]]


def test_keep_apart_stays_apart_and_is_not_asked_again(tmp_path) -> None:
    path = tmp_path / "decisions.yaml"
    DuplicateReview(find_duplicates([REVIEW], auto=True), path).decide("keep_apart")
    again = find_duplicates([REVIEW], auto=True, decisions=path)
    assert again.counts()["customers"].merged == 1
    assert [g.shown["names"] for g in DuplicateReview(again, path).groups] == [
        ["佐藤物産", "佐藤物産"]]


def test_run_summary_shows_counts_accounting_and_timings(tmp_path) -> None:
    report = migrator.run([SAMPLE / "顧客台帳.xlsx"], auto=True,
                          to=f"sqlite:///{tmp_path / 'crm.db'}", rejects_dir=tmp_path)
    page = RunSummary(report).widget.value
    assert "every row read is loaded, merged or rejected" in page
    assert "<td style='padding:2px 8px;vertical-align:top;'>customers</td>" in page
    assert all(f">{stage}<" in page for stage in report.seconds)


SIX = [SAMPLE / n for n in ("顧客台帳.xlsx", "部署別顧客.xlsx", "顧客カード.xlsx",
                            "shop_export_cp932.csv", "us_customers.xlsx", "売上明細.xlsx")]


@pytest.fixture(scope="module")
def cleaned():
    mapped = migrator.apply_mapping(migrator.read_sources(SIX),
                                    migrator.Mapping.load(SAMPLE / "mapping.yaml"))
    return migrator.clean(mapped)


def test_the_browser_filters_by_table_reason_field_and_rule(cleaned) -> None:
    from migrator.notebook import ChangesBrowser

    browser = ChangesBrowser(cleaned)
    assert len(browser.filter(reason="invalid_phone")) == 4
    assert len(browser.filter(table="contacts")) == 0
    assert browser.listing.options == ()
    browser.filter(table="customers", rule="postal_code")
    assert "postal_code" in browser.log.value and "phone</td>" not in browser.log.value
    first = browser.filter(reason="invalid_phone").iloc[0]
    assert browser.listing.options[0] == ("部署別顧客.xlsx › 東京支店 › 6 — customers: "
                                          "invalid_phone:phone (cell issue: loaded empty)")
    assert first["_source_row"] == 6 and first["kind"] == "cell issue"
    assert repr(browser).startswith("ChangesBrowser: 0 rejected rows, 4 cell issues, ")
    assert browser.widget.children[1].titles[0] == "rejected rows (0) and cell issues (4)"


def test_a_hand_fix_of_a_cell_issue_is_saved_and_the_next_run_loads_it(cleaned,
                                                                       tmp_path) -> None:
    from migrator.notebook import ChangesBrowser

    fixes = tmp_path / "fixes.yaml"
    browser = ChangesBrowser(cleaned, fixes=fixes)
    browser.filter(reason="invalid_phone")
    browser.select(0)
    assert browser.fix_field.value == "phone" and "0119538098" in browser.value.value
    browser.correct("011-231-4111")
    assert "✓" in browser.status.value and fixes.exists()
    browser.select(1)
    browser.accept()
    saved = yaml.safe_load(fixes.read_text(encoding="utf-8"))["fixes"]
    assert [(f["row"], f["replace"], f["with"]) for f in saved] == [
        (6, "0119538098", "011-231-4111"), (13, saved[1]["replace"], None)]
    report = migrator.run(SIX, mapping=SAMPLE / "mapping.yaml", fixes=fixes,
                          to=f"sqlite:///{tmp_path / 'crm.db'}", rejects_dir=tmp_path)
    # the four bad phones loaded empty as cell issues; one is corrected, one accepted empty
    assert report.cell_issues == {"customers": 2}
    assert ("2 values could not be cleaned and were loaded empty (cell issues, raw values "
            "kept): "
            f"{tmp_path / f'cell-issues-{report.run_id}.csv'}"
            in RunSummary(report).widget.value)
    assert report.tables["customers"].rows_rejected == 0
    assert report.accounting_ok
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'crm.db'}")
    with engine.connect() as conn:
        phone = conn.exec_driver_sql(
            "SELECT phone FROM customers WHERE _source_sheet = '東京支店' AND _source_row = 6"
        ).scalar_one()
        issues = conn.exec_driver_sql("SELECT _source_row FROM _cell_issues").scalars().all()
    engine.dispose()
    assert phone == "+81112314111"
    assert sorted(issues) == [10, 17]


def test_a_refused_fix_is_shown_not_raised(cleaned, tmp_path) -> None:
    from migrator.notebook import ChangesBrowser

    browser = ChangesBrowser(cleaned, fixes=tmp_path / "fixes.yaml")
    browser.correct("x")  # nothing selected
    assert "Select a rejected row first" in browser.status.value
    assert not (tmp_path / "fixes.yaml").exists()


def test_mapping_editor_shows_each_table_of_a_sheet_with_its_own_samples() -> None:
    prof = migrator.profile(migrator.read_sources(
        [ROOT / "tests" / "fixtures" / "read" / "legend_beside_table.xlsx"]))
    editor = MappingEditor(migrator.suggest_mapping(prof), prof)
    titles = [editor.widget.children[0].get_title(i) for i in range(2)]
    assert titles == ["顧客一覧 @A1", "顧客一覧 @F2"]
    legend = editor.widget.children[0].children[1].children
    samples = [c.value for c in legend if "重点顧客" in str(getattr(c, "value", ""))]
    assert samples, "the legend's tab shows the legend's values, not the customers'"


def test_duplicate_review_tells_cards_side_by_side_apart(tmp_path) -> None:
    """Two cards side by side (one lineage) of likely one company: the review shows each
    card, the decision names each by its key, and the next run merges the second into the
    first, its contact following it to the survivor."""
    book = openpyxl.load_workbook(ROOT / "tests" / "fixtures" / "cards" /
                                  "cards_side_by_side.xlsx")
    sheet = book["カード"]
    for cell in ("C3", "J3", "C13", "J13"):  # no codes: they are made from the names
        sheet[cell].value = None
    sheet["J4"].value, sheet["J5"].value = "さくら工業販売株式会社", "052-201-7788"
    source = tmp_path / "cards_side_by_side_twins.xlsx"
    book.save(source)
    path = tmp_path / "decisions.yaml"
    review = DuplicateReview(find_duplicates([source], auto=True), path)
    names = ["さくら工業株式会社", "さくら工業販売株式会社"]
    assert [g.shown["names"] for g in review.groups] == [names]
    assert list(review.records(0).loc["name"]) == names
    first, second = review.groups[0].records
    assert (first.row, second.row) == (3, 3) and first.key != second.key
    review.decide("merge")
    again = find_duplicates([source], auto=True, decisions=path)
    counts = again.counts()
    assert (counts["customers"].read, counts["customers"].kept, counts["customers"].merged) \
        == (4, 3, 1)
    assert again.merges[["surviving_key", "_source_row"]].values.tolist() == [[first.key, 3]]
    contacts = again.frames["contacts"].set_index("full_name")["customer_code"]
    assert contacts["高橋 美咲"] == contacts["田中 健"] == first.key
