"""validate: GX 1.x suites from the schema, every failing row with its lineage; the verb
sets the failing rows aside as rejects with reasons from the registry."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from migrator.errors import StageOrderError, SuiteError
from migrator.schema import load_schema
from migrator.tables import FAILURE_COLUMNS, DedupedTables, MappedTables
from migrator.validate import ValidationReport, generate_suites, validate
from migrator.validate import check as validate_check
from migrator.validate.check import Checked, check_tables
from tests.conftest import ROOT, heavy_modules_after

SCHEMA = load_schema()
D = Decimal


def lineage(n: int, file: str = "顧客台帳.xlsx", sheet: str = "営業1課") -> dict[str, list]:
    return {"_source_file": [file] * n, "_source_sheet": [sheet] * n,
            "_source_row": list(range(5, 5 + n))}


def customers() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_code": ["C001", "C002", "C002", "C004", "C005"],
        "customer_type": ["company", "person", "company", "company", "person"],
        "name": ["山田商事", None, "佐藤工業", "Acme", "田中"],
        "phone": ["+81312345678", "+81312345679", "03-1234-5678", "+12125550100", None],
        "email": ["a@example.jp", None, "b@example.jp", "bad-at-example.com", None],
        "postal_code": ["100-0001", "02134", "02134-1234", "1000001", None],
        "country": ["JP", "JP", "JP", "US", "jp"],
        "customer_since": [dt.date(2020, 4, 1), None, dt.date(2019, 1, 1), dt.date(2021, 2, 3),
                           "2024-02-30"],
        "_name_key": ["やまだ", None, "さとう", "acme", "たなか"],
        **lineage(5),
    }, index=[10, 11, 12, 13, 14])


def contacts() -> pd.DataFrame:
    return pd.DataFrame({
        "contact_id": ["P1", "P2"], "customer_code": ["C001", "C999"],
        "full_name": ["山田 太郎", "Jane Doe"], "email": ["t@example.jp", "j@example.com"],
        **lineage(2, sheet="担当者"),
    })


def sales() -> pd.DataFrame:
    return pd.DataFrame({
        "sale_id": ["S1", "S2", "S3"], "customer_code": ["C001", "C004", "C005"],
        "sale_date": [dt.date(2024, 4, 1)] * 3, "quantity": [D("2"), D("1"), D("3")],
        "unit_price": [D("100"), D("50.5"), D("10")], "amount": [D("200"), D("-50.5"), None],
        "currency": ["JPY", "USD", "JPY"], **lineage(3, file="売上.csv", sheet=""),
    })


def frames() -> dict[str, pd.DataFrame]:
    return {"customers": customers(), "contacts": contacts(), "sales": sales()}


@pytest.fixture(scope="module")
def report() -> Checked:
    return check_tables(frames(), SCHEMA)


@pytest.fixture(scope="module")
def checked() -> ValidationReport:
    deduped = DedupedTables(schema=SCHEMA, frames=frames(),
                            rows_read={t: len(f) for t, f in frames().items()})
    return validate(deduped)


def test_validate_lists_exact_failures_with_lineage(report: Checked) -> None:
    got = report.failures.astype({"_source_row": int})
    expected = pd.DataFrame([
        ["customers", "customer_code", "expect_column_values_to_be_unique", "C002",
         "顧客台帳.xlsx", "営業1課", 6],
        ["customers", "customer_code", "expect_column_values_to_be_unique", "C002",
         "顧客台帳.xlsx", "営業1課", 7],
        ["customers", "name", "expect_column_values_to_not_be_null", None,
         "顧客台帳.xlsx", "営業1課", 6],
        ["customers", "phone", "expect_column_values_to_match_regex", "03-1234-5678",
         "顧客台帳.xlsx", "営業1課", 7],
        ["customers", "email", "expect_column_values_to_match_regex", "bad-at-example.com",
         "顧客台帳.xlsx", "営業1課", 8],
        ["customers", "postal_code", "expect_column_values_to_match_regex", "1000001",
         "顧客台帳.xlsx", "営業1課", 8],
        ["customers", "country", "expect_column_values_to_match_regex", "jp",
         "顧客台帳.xlsx", "営業1課", 9],
        ["customers", "customer_since", "expect_column_values_to_match_regex", "2024-02-30",
         "顧客台帳.xlsx", "営業1課", 9],
        ["contacts", "customer_code", "expect_column_values_to_be_in_set", "C999",
         "顧客台帳.xlsx", "担当者", 6],
        # C004 and C005 failed their own suite: their sales name no customer that loads
        ["sales", "customer_code", "expect_column_values_to_be_in_set", "C004",
         "売上.csv", "", 6],
        ["sales", "customer_code", "expect_column_values_to_be_in_set", "C005",
         "売上.csv", "", 7],
        ["sales", "amount", "expect_column_values_to_be_between", D("-50.5"),
         "売上.csv", "", 6],
    ], columns=FAILURE_COLUMNS)
    assert list(got.columns) == [*FAILURE_COLUMNS, "rule"]
    assert got[FAILURE_COLUMNS].to_dict("records") == expected.to_dict("records")
    assert got["rule"].tolist() == [
        "primary_key", "primary_key", "required", "format:e164", "format:email",
        "format:jp_postal_or_us_zip", "format:iso3166_alpha2", "format:iso_date",
        "foreign_key", "foreign_key", "foreign_key", "nonnegative"]


def test_validate_failed_rows_are_frame_index_labels(report: Checked) -> None:
    assert list(report.failed_rows("customers")) == [11, 12, 13, 14]
    assert list(report.failed_rows("contacts")) == [1]
    assert list(report.failed_rows("sales")) == [1, 2]
    assert list(report.failed_rows("nothing")) == []


def test_validate_results_carry_gx_counts(report: Checked) -> None:
    customers_result = report.results["customers"]
    assert customers_result["success"] is False
    counts = {(e["expectation"], e["column"]): e["unexpected_count"]
              for e in customers_result["expectations"]}
    assert counts[("expect_column_values_to_be_unique", "customer_code")] == 2
    assert counts[("expect_column_values_to_not_be_null", "customer_code")] == 0
    for table, result in report.results.items():
        listed = report.failures[report.failures["table"] == table]
        assert sum(e["unexpected_count"] for e in result["expectations"]) == len(listed)
        assert result["rows_failing"] == len(report.failed_rows(table))


def test_validate_skips_fields_absent_from_frame(report: Checked) -> None:
    skipped = report.results["contacts"]["skipped"]
    assert "expect_column_values_to_match_regex(phone)" in skipped
    assert not any("customer_code" in s for s in skipped)


def test_validate_prints_per_table_summary(checked: ValidationReport) -> None:
    text = repr(checked)
    assert text.splitlines()[0] == ("ValidationReport: 3 tables, 10 rows read, 3 kept, "
                                   "7 rejected")
    assert "  customers: 15 expectations, 7 failed, 4 of 5 rows failing: " in text
    assert "expect_column_values_to_be_between(amount) ×1" in text
    assert "accounting (read = kept + merged + rejected): holds" in text
    assert "<table>" in checked._repr_html_() and "customers" in checked._repr_html_()


def test_validate_verb_rejects_failing_rows_with_registry_reasons(
        checked: ValidationReport) -> None:
    reasons = {(r["table"], int(r["_source_row"])): r["reasons"]
               for r in checked.rejects.to_dict("records")}
    assert reasons == {
        ("customers", 6): "duplicate_key:customer_code; missing_required:name",
        ("customers", 7): "duplicate_key:customer_code; invalid_format:phone",
        ("customers", 8): "invalid_format:email; invalid_format:postal_code",
        ("customers", 9): "invalid_format:country; invalid_format:customer_since",
        ("contacts", 6): "unknown_reference:customer_code",
        ("sales", 6): "negative:amount; unknown_reference:customer_code",
        ("sales", 7): "unknown_reference:customer_code",
    }
    assert [len(f) for f in checked.frames.values()] == [1, 1, 1]
    assert checked.accounting_ok and checked.trail.timings.keys() == {"validate"}


def test_validate_verb_takes_deduped_or_cleaned_tables_only() -> None:
    mapped = MappedTables(schema=SCHEMA, frames={"customers": customers()})
    with pytest.raises(StageOrderError, match=r"^validate\(\) takes what dedupe\(\) or "
                                              r"clean\(\) returns, not MappedTables"):
        validate(mapped)  # type: ignore[arg-type]


def test_validate_reason_of_an_expectation_without_a_rule() -> None:
    from migrator.validate.stage import reason_of

    assert reason_of(None, "expect_column_values_to_be_between", "amount") == \
        "out_of_range:amount"
    assert reason_of(None, "expect_column_pair_values_a_to_be_greater_than_b", "a, b") == \
        "failed_expectation:a, b"
    assert reason_of("format:e164", "expect_column_values_to_match_regex", "phone") == \
        "invalid_format:phone"


def test_validate_lists_every_failing_row_past_gx_sample() -> None:
    n = 600
    frame = pd.DataFrame({
        "customer_code": [f"C{i:04d}" for i in range(n)],
        "name": ["x" if i % 2 else None for i in range(n)],
        "phone": ["0312345678" if i % 3 == 0 else "+81312345678" for i in range(n)],
        **lineage(n),
    })
    report = check_tables({"customers": frame}, SCHEMA)
    counts = {e["column"]: e["unexpected_count"] for e in report.results["customers"]
              ["expectations"] if not e["success"]}
    assert counts == {"name": 300, "phone": 200}
    per_column = report.failures.groupby("column").size().to_dict()
    assert per_column == counts
    rows = report.failures.loc[report.failures["column"] == "name", "_source_row"]
    assert sorted(rows) == list(range(5, 5 + n, 2))


def test_validate_foreign_key_by_complement_past_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate_check, "FK_IN_SET_LIMIT", 0)
    report = check_tables({"customers": customers(), "contacts": contacts()}, SCHEMA)
    fk = report.failures[report.failures["table"] == "contacts"]
    assert fk[["column", "expectation", "value"]].values.tolist() == [
        ["customer_code", "expect_column_values_to_not_be_in_set", "C999"]]


def test_validate_clean_frames_pass() -> None:
    ok = customers().drop(index=[11, 12, 13, 14])
    report = check_tables({"customers": ok}, SCHEMA)
    assert all(r["success"] for r in report.results.values()) and report.failures.empty
    assert list(report.failed_rows("customers")) == []


def test_validate_reads_suites_from_directory(tmp_path: Path) -> None:
    generate_suites(SCHEMA, tmp_path)
    suite = json.loads((tmp_path / "customers.json").read_text(encoding="utf-8"))
    suite["expectations"] = [e for e in suite["expectations"]
                             if e["kwargs"].get("column") != "phone"]
    (tmp_path / "customers.json").write_text(json.dumps(suite), encoding="utf-8")
    report = check_tables({"customers": customers()}, SCHEMA, suites=tmp_path)
    assert "phone" not in set(report.failures["column"])
    assert "email" in set(report.failures["column"])


def test_validate_refuses_broken_suite(tmp_path: Path) -> None:
    (tmp_path / "customers.json").write_text(json.dumps({"name": "customers", "expectations": [
        {"type": "expect_column_values_to_be_nonsense", "kwargs": {"column": "name"}}]}))
    with pytest.raises(SuiteError, match=r"expectations\[0\] is not a valid GX expectation"):
        check_tables({"customers": customers()}, SCHEMA, suites=tmp_path)
    (tmp_path / "customers.json").write_text(json.dumps({"name": "customers", "expectations": [
        {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "name",
                                                                    "regex": "(["}}]}))
    with pytest.raises(SuiteError, match=r"match_regex\(name\) could not run: unterminated"):
        check_tables({"customers": customers()}, SCHEMA, suites=tmp_path)
    with pytest.raises(SuiteError, match="no expectation suite for table customers"):
        check_tables({"customers": customers()}, SCHEMA, suites=tmp_path / "missing")


def test_validate_writes_data_docs(tmp_path: Path) -> None:
    report = check_tables(frames(), SCHEMA, docs=tmp_path / "docs")
    assert report.docs == tmp_path / "docs" / "index.html"
    assert report.docs.is_file()
    pages = {p.name for p in (tmp_path / "docs").rglob("*.html")}
    for table in ("customers", "contacts", "sales"):  # one site for every table's run
        assert {f"{table}.html", f"migrator-{table}.html"} <= pages, table


def test_stored_and_unstored_runs_find_the_same(tmp_path: Path) -> None:
    """With Data Docs GX runs through its stores (validation definitions); without, the
    batch validates the suite itself: the same rows fail, with the same counts."""
    plain = check_tables(frames(), SCHEMA)
    stored = check_tables(frames(), SCHEMA, docs=tmp_path / "docs")
    assert len(plain.failures) > 0
    order = ["table", "expectation", "column", "_source_row"]
    pd.testing.assert_frame_equal(plain.failures.sort_values(order).reset_index(drop=True),
                       stored.failures.sort_values(order).reset_index(drop=True))
    assert plain.results == stored.results


def test_generated_suites_match_committed(tmp_path: Path) -> None:
    paths = generate_suites(SCHEMA, tmp_path)
    assert [p.name for p in paths] == ["customers.json", "contacts.json", "sales.json"]
    for path in paths:
        committed = ROOT / "expectations" / path.name
        assert path.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
            f"{committed} is stale: run python -m migrator.validate.suites expectations")


def test_generated_suite_rules() -> None:
    suite = json.loads((ROOT / "expectations" / "sales.json").read_text(encoding="utf-8"))
    rules = [(e["type"], e["kwargs"].get("column"), e["meta"]["rule"])
             for e in suite["expectations"]]
    assert ("expect_column_values_to_be_unique", "sale_id", "primary_key") in rules
    assert ("expect_column_values_to_be_between", "amount", "nonnegative") in rules
    assert ("expect_column_values_to_match_regex", "sale_date", "format:iso_date") in rules
    assert not any(rule == "foreign_key" for *_, rule in rules)


def test_import_validate_and_cli_do_not_import_gx() -> None:
    assert heavy_modules_after("import migrator.cli, migrator.validate") == "[]"


def test_the_gx_engine_module_imports_nothing_heavy() -> None:
    """The pipeline imports it up front, for `import_gx`: numpy and pandas wait for use."""
    from tests.conftest import fresh_python

    printed = fresh_python("import sys, migrator.validate.engine; "
                           "print([m for m in ('numpy', 'pandas') if m in sys.modules])")
    assert printed.strip() == "[]"


def test_great_expectations_loads_without_building_rfc3987_grammars() -> None:
    """GX is imported without rfc3987_syntax (2.2 s of grammars for a check no suite uses),
    and the module stays importable afterwards for anyone who asks for it."""
    from tests.conftest import fresh_python

    printed = fresh_python(
        "import sys; from migrator.validate.engine import import_gx; gx = import_gx(); "
        "print('rfc3987_syntax' in sys.modules, hasattr(gx, 'ExpectationSuite')); "
        "import rfc3987_syntax; print(rfc3987_syntax.__name__)")
    assert printed.splitlines() == ["False True", "rfc3987_syntax"]


def test_great_expectations_loads_scipy_stats_only_when_it_is_used() -> None:
    """GX is imported without scipy.stats (1.2 s for its KL-divergence and KS-test
    expectations); the first real use loads it, through GX's own reference or a new
    import, and both see the same functions."""
    from tests.conftest import fresh_python

    printed = fresh_python(
        "import sys; from migrator.validate.engine import import_gx; import_gx(); "
        "print('scipy.stats._stats_py' in sys.modules); "
        "from great_expectations.expectations.core import "
        "expect_column_kl_divergence_to_be_less_than as kl; "
        "print(kl.stats.entropy([0.25, 0.75], [0.5, 0.5]) > 0); "
        "print('scipy.stats._stats_py' in sys.modules); "
        "from scipy.stats import norm; import scipy.stats.distributions as d; "
        "print(norm.cdf(0), d.norm is norm, kl.stats.norm is norm)")
    assert printed.splitlines() == ["False", "True", "True", "0.5 True True"]


def test_great_expectations_loads_altair_only_when_it_draws() -> None:
    """GX is imported without altair (0.23 s for the KL-divergence chart of Data Docs);
    GX's own reference loads it when a chart is drawn, and a later import is the same
    module."""
    from tests.conftest import fresh_python

    printed = fresh_python(
        "import sys; from migrator.validate.engine import import_gx; import_gx(); "
        "print('altair.vegalite' in sys.modules); "
        "from great_expectations.expectations.core import "
        "expect_column_kl_divergence_to_be_less_than as kl; "
        "import pandas as pd; chart = kl.alt.Chart(pd.DataFrame({'x': [1]})).mark_bar(); "
        "print('altair.vegalite' in sys.modules, type(chart).__name__); "
        "import altair; print(altair.Chart is kl.alt.Chart)")
    assert printed.splitlines() == ["False", "True Chart", "True"]


def test_great_expectations_loads_jsonschema_only_when_a_schema_is_checked() -> None:
    """GX is imported without jsonschema (0.18 s, for its JSON-schema expectation); GX's
    own reference loads it on first use, and a later import is the same module."""
    from tests.conftest import fresh_python

    printed = fresh_python(
        "import sys; from migrator.validate.engine import import_gx; import_gx(); "
        "print('jsonschema.validators' in sys.modules); "
        "from great_expectations.expectations.metrics.column_map_metrics import "
        "column_values_match_json_schema as metric; "
        "metric.jsonschema.validate({'a': 1}, {'type': 'object'}); "
        "print('jsonschema.validators' in sys.modules); "
        "import jsonschema; print(jsonschema.validate is metric.jsonschema.validate); "
        "bad = metric.jsonschema.exceptions.ValidationError; "
        "print(bad is jsonschema.ValidationError)")
    assert printed.splitlines() == ["False", "True", "True", "True"]


def test_validation_skips_gx_batch_fingerprint_and_puts_its_threshold_back(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from migrator.validate.engine import import_gx

    import_gx()
    import great_expectations.execution_engine.pandas_execution_engine as engine

    hashed: list[int] = []
    monkeypatch.setattr(engine, "hash_pandas_dataframe", lambda df: hashed.append(len(df)))
    threshold = engine.HASH_THRESHOLD
    checked = check_tables(frames(), SCHEMA)
    assert hashed == []  # every row hashed for a marker nothing reads: 0.4 s at 100k rows
    assert engine.HASH_THRESHOLD == threshold > 0
    assert checked.results["customers"]["success"] is False  # the checks themselves ran


def test_gx_builds_an_expectations_configuration_once_per_question_with_the_same_results(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """GX's kwargs questions (`_get_runtime_kwargs` and the ones it asks) share one build
    of the expectation's configuration: fewer builds, the same findings, and GX's own
    property and methods back in place after each table."""
    from migrator.validate.engine import import_gx

    import_gx()
    from great_expectations.expectations.expectation import Expectation

    prop = Expectation.__dict__["configuration"]
    runtime = Expectation.__dict__["_get_runtime_kwargs"]
    builds = [0]

    def counted(self: object) -> object:
        builds[0] += 1
        return prop.fget(self)

    def findings(once: bool) -> tuple[Checked, int]:
        builds[0] = 0
        with monkeypatch.context() as m:
            m.setattr(Expectation, "configuration", property(counted))
            if not once:
                m.setattr(validate_check, "kwargs_read_once", _no_cache)
            found = check_tables(frames(), SCHEMA)
            assert Expectation.__dict__["configuration"].fget is counted  # put back
            assert Expectation.__dict__["_get_runtime_kwargs"] is runtime
        return found, builds[0]

    shared, fewer = findings(True)
    every, more = findings(False)
    assert 0 < fewer < more / 2
    pd.testing.assert_frame_equal(shared.failures, every.failures)
    assert shared.results == every.results
    assert shared.results["customers"]["success"] is False  # the checks themselves ran


def test_gx_asks_each_text_column_for_its_blanks_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """GX tests a column for missing values in every metric; the read-only text columns
    it is given answer once per run (without that, several times), with the same
    findings, and the stage's own frames stay as they were, and writable."""
    from pandas.core.arrays.string_ import StringArray

    asked = StringArray.isna
    run = validate_check._run

    def findings(cached: bool) -> tuple[Checked, list[int]]:
        computed: list[object] = []  # every array GX asked, kept alive: ids stay theirs
        given: list[object] = []  # the frames GX is given
        running = [False]

        def counted(self: StringArray) -> object:
            if running[0]:
                computed.append(self._ndarray)
            return asked(self)

        def watched(*args: object, **kwargs: object) -> object:
            given.append(args[4])
            running[0] = True
            try:
                return run(*args, **kwargs)  # type: ignore[arg-type]
            finally:
                running[0] = False

        with monkeypatch.context() as m:
            m.setattr(StringArray, "isna", counted)
            m.setattr(validate_check, "_run", watched)
            if not cached:
                m.setattr(validate_check, "frozen_texts", _no_cache)
            found = check_tables(frames(), SCHEMA)
            assert StringArray.isna is counted  # put back after each run
        ours = {id(frame[c].array._ndarray) for frame in given  # type: ignore[attr-defined]
                for c in frame.columns if type(frame[c].array) is StringArray}
        return found, [id(a) for a in computed if id(a) in ours]

    cached, once = findings(True)
    uncached, every = findings(False)
    assert once and len(once) == len(set(once))
    assert len(every) > len(once)
    pd.testing.assert_frame_equal(cached.failures, uncached.failures)
    assert cached.results == uncached.results
    given = frames()
    before = {t: f.copy() for t, f in given.items()}
    check_tables(given, SCHEMA)
    for table, frame in given.items():
        pd.testing.assert_frame_equal(frame, before[table])
        frame.iloc[0, 0] = "changed"  # not made read-only by the check


def _no_cache() -> object:
    import contextlib

    return contextlib.nullcontext()


def test_ids_remembered_are_the_ids_gx_gives() -> None:
    """Within `ids_remembered`, every kwargs dict gets the id GX gives it, the first time
    and again: equal values of another type (1, 1.0, True) or another float (0.0, -0.0)
    apart, lists and numpy numbers as GX has them; GX's own method is back after."""
    from great_expectations.core.id_dict import IDDict

    from migrator.validate.engine import ids_remembered

    dicts: list[dict[str, object]] = [
        {"column": "email", "batch_id": "b1"}, {"column": "email", "batch_id": "b2"},
        {"column": "email"}, {}, {"a": 1, "b": "x"}, {"a": True, "b": "x"},
        {"a": 1.0, "b": "x"}, {"a": 0.0, "b": "x"}, {"a": -0.0, "b": "x"},
        {"a": None, "b": "x"}, {"a": "1", "b": "x"}, {"a": [1, 2], "b": "x"},
        {"a": {"x": 1}, "b": 2}, {"a": float("nan"), "b": 1}, {"a": np.int64(3), "b": 1},
        {"a": 1, "c": "x"}, {"b": "x", "a": 1}]
    plain = [IDDict(d).to_id() for d in dicts]
    keyed = [IDDict(d).to_id(id_keys=["a"]) for d in dicts if "a" in d]
    original = IDDict.to_id
    with ids_remembered():
        twice = [[IDDict(d).to_id() for d in dicts] for _ in range(2)]
        assert [IDDict(d).to_id(id_keys=["a"]) for d in dicts if "a" in d] == keyed
    assert twice == [plain, plain]
    assert len(set(plain[:-1])) == len(plain) - 1  # all told apart; the last, reordered
    assert IDDict.to_id is original


def test_validation_writes_no_configuration_nothing_reads(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The ephemeral GX context does not dump its configuration as YAML after each data
    source, asset and batch definition (`check._context`): nothing reads it back."""
    from great_expectations.data_context.types.base import BaseYamlConfig

    dumped: list[object] = []
    monkeypatch.setattr(BaseYamlConfig, "to_yaml_str",
                        lambda self: dumped.append(self) or "")  # type: ignore[func-returns-value]
    found = check_tables(frames(), SCHEMA)
    assert found.results and not dumped
    context = validate_check._context(None)
    del context._save_project_config  # GX's own save again: the check above can fail
    context.data_sources.add_pandas(name="migrator")
    assert dumped


def test_frozen_texts_keep_only_what_cannot_change() -> None:
    from migrator.validate.engine import frozen_texts, read_only

    texts = pd.Series(["a", None, "c"] * 1000, dtype="str")
    frozen = read_only(texts)
    assert texts.array._ndarray.flags.writeable  # a copy was frozen, not the column
    assert not frozen.array._ndarray.flags.writeable
    assert read_only(pd.Series([1, 2])).array._ndarray.flags.writeable  # not text: as is
    with frozen_texts():
        first = frozen.array.isna()
        first[:] = True  # the caller's copy
        assert frozen.array.isna().tolist() == [False, True, False] * 1000
        assert frozen.isna().tolist() == [False, True, False] * 1000
        texts.iloc[0] = None  # a writable column is asked each time
        assert texts.isna().iloc[0]
        full = read_only(pd.Series(["a", "b", "c"] * 1000, dtype="str"))
        assert full.isna().tolist() == [False] * 3000  # no blank: told without isna's pass
        assert full.array.isna().tolist() == [False] * 3000
    with pytest.raises(ValueError, match="read-only"):
        frozen.array._ndarray[0] = "x"


def test_frozen_texts_map_a_repeating_column_value_by_value() -> None:
    """A str method runs once per distinct value of a read-only column that repeats its
    values, with the same results, blanks included; a column of codes cell by cell."""
    from migrator.validate.engine import frozen_texts, read_only

    def calls(series: pd.Series) -> tuple[int, pd.Series]:
        seen: list[str] = []

        def upper(match: object) -> str:
            seen.append(match.group(0))  # type: ignore[attr-defined]
            return match.group(0).upper()  # type: ignore[attr-defined]

        replaced = series.str.replace(r"^.+$", upper, regex=True)
        return len(seen), replaced

    dates = pd.Series([f"2024-04-{d:02d}" if d else None for d in range(31)] * 400, dtype="str")
    codes = pd.Series([f"c{i:06d}" for i in range(12_400)], dtype="str")
    for column, mapped in ((dates, 30), (codes, 12_400)):
        frozen = read_only(column)
        with frozen_texts():
            once = calls(frozen)
            lengths = frozen.str.len()
            matched = frozen.astype(str).str.contains(r"^2024-04-0\d$")
        every = calls(column)
        assert once[0] == mapped and every[0] == column.notna().sum()
        pd.testing.assert_series_equal(once[1], every[1])
        pd.testing.assert_series_equal(lengths, column.str.len())
        pd.testing.assert_series_equal(matched, column.astype(str).str.contains(r"^2024-04-0\d$"))


def test_without_drops_the_failed_rows_and_copies_nothing_when_none_failed() -> None:
    from migrator.validate.check import without

    frame = pd.DataFrame({"code": ["C1", "C2", "C3"]}, index=[10, 11, 12])
    assert without(frame, pd.Index([])) is frame
    assert without(frame, pd.Index([11]))["code"].tolist() == ["C1", "C3"]
    assert frame["code"].tolist() == ["C1", "C2", "C3"]
