"""The command line: help, exit codes, one-sentence errors, nothing half-written."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, fresh_python, heavy_modules_after, migrator_in_process

MIGRATOR = [sys.executable, "-m", "migrator"]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MIGRATOR, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def test_cli_help_lists_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "profile" in result.stdout


@pytest.mark.parametrize("command", ["profile", "suggest", "run", "demo"])
def test_cli_command_has_help_and_readme_entry(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0 and "Usage:" in result.stdout
    assert f"migrator {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_command_process_ends_without_collector_passes(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """As the process's own command (no argv given), `main` has what is alive at exit
    frozen, last of the exit handlers; called with arguments (a test, a notebook), it
    leaves the collector alone."""
    import atexit
    import gc

    from migrator import cli

    registered: list[object] = []
    monkeypatch.setattr(atexit, "register", registered.append)
    monkeypatch.setattr(sys, "argv", ["migrator", "--help"])
    for argv in (["--help"], None):
        with pytest.raises(SystemExit) as exit_:
            cli.main(argv)
        assert exit_.value.code == 0
    assert registered == [cli._ends_unwalked]
    assert gc.get_freeze_count() == 0
    try:
        cli._ends_unwalked()
        assert gc.get_freeze_count() > 1_000
    finally:
        gc.unfreeze()


def test_cli_startup_imports_no_heavy_library() -> None:
    assert heavy_modules_after("import migrator.cli") == "[]"


@pytest.mark.parametrize("command", [["--help"], ["profile"], ["suggest", "-o", "{out}"]])
def test_commands_that_do_not_validate_never_import_great_expectations(
        command: list[str], tmp_path: Path) -> None:
    """GX's import costs about a second of CPU: `--help`, `profile` and `suggest` never
    pay it (the speed issue's rule), while `run` does, to show the check can fail."""
    ledger = str(ROOT / "sample_data" / "顧客台帳.xlsx")
    argv = [part.format(out=tmp_path / "mapping.yaml") for part in command]
    if command[0] != "--help":
        argv.insert(1, ledger)

    def imported(args: list[str]) -> str:
        return fresh_python(
            "import sys\nfrom migrator.cli import main\ntry:\n"
            f"    main({args!r})\nexcept SystemExit as end:\n"
            "    assert end.code in (0, None), end.code\n"
            "print('great_expectations' in sys.modules)").splitlines()[-1]

    assert imported(argv) == "False"
    if command[0] == "suggest":
        assert (tmp_path / "mapping.yaml").exists()
        run_argv = ["run", ledger, "--mapping", str(tmp_path / "mapping.yaml"),
                    "--to", f"sqlite:///{tmp_path / 'out.db'}"]
        assert imported(run_argv) == "True"


def test_cli_usage_error_exit_2() -> None:
    result = run("profile")
    assert result.returncode == 2


def test_cli_profile_json(tmp_path: Path) -> None:
    out = tmp_path / "profile.json"
    result = run("profile", str(FIXTURES / "read/two_row_merged_header.xlsx"), "--json", str(out))
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    (table,) = doc["tables"]
    assert table["file"] == "two_row_merged_header.xlsx" and table["sheet"] == "顧客台帳"
    assert table["layout"] == "table" and table["header_rows"] == [4, 5]
    assert table["data_rows"] == 3
    assert {"row": 8, "reason": "subtotal"} in table["skipped"]
    col = table["columns"][4]
    assert (col["name"], col["column"]) == ("連絡先 / TEL", "E")
    assert col["semantic"] == {"type": "phone", "confidence": 1.0}
    assert col["shapes"] == {"99-9999-9999": 2, "999-999-9999": 1}
    assert "連絡先 / TEL" in result.stdout


def test_cli_bad_input_one_sentence_exit_1_nothing_written(tmp_path: Path) -> None:
    out = tmp_path / "profile.json"
    good = FIXTURES / "read/two_row_merged_header.xlsx"
    bad = FIXTURES / "bad/png_renamed.xlsx"
    result = run("profile", str(good), str(bad), "--json", str(out))
    assert result.returncode == 1
    assert result.stderr == "Error: png_renamed.xlsx: is a PNG image, not a spreadsheet\n"
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_cli_profile_html(tmp_path: Path) -> None:
    out = tmp_path / "profile.html"
    result = run("profile", str(FIXTURES / "read/two_row_merged_header.xlsx"), "--html", str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "連絡先 / TEL" in page


def test_cli_suggest_learns_a_correction(tmp_path: Path) -> None:
    source = str(FIXTURES / "read/blank_header_continues_left.xlsx")
    synonyms = tmp_path / "synonyms.yaml"
    first = tmp_path / "first.yaml"
    result = run("suggest", source, "-o", str(first), "--synonyms", str(synonyms))
    assert result.returncode == 0, result.stderr
    assert "担当: contacts.full_name" in first.read_text(encoding="utf-8")
    reviewed = tmp_path / "reviewed.yaml"
    reviewed.write_text(first.read_text(encoding="utf-8").replace(
        "担当: contacts.full_name", "担当: null"), encoding="utf-8")
    second = tmp_path / "second.yaml"
    result = run("suggest", source, "-o", str(second), "--synonyms", str(synonyms),
                 "--learn-from", str(reviewed))
    assert result.returncode == 0, result.stderr
    assert "learned 1 choice(s)" in result.stdout
    assert "担当: {to: null, privacy: drop}" in second.read_text(encoding="utf-8")
    assert "header: 担当" in synonyms.read_text(encoding="utf-8")


def test_cli_suggest_bad_schema_one_sentence(tmp_path: Path) -> None:
    out = tmp_path / "m.yaml"
    result = run("suggest", str(FIXTURES / "read/blank_header_continues_left.xlsx"), "-o",
                 str(out), "--schema", "crmx")
    assert result.returncode == 1 and not out.exists()
    assert result.stderr == ("Error: schema 'crmx' is not built in (built in: crm); "
                             "pass a file path\n")


def test_cli_demo_loads_and_answers(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = migrator_in_process("demo", "--db", db)
    assert result.returncode == 0, result.stderr
    assert "accounting (read = loaded + merged + rejected): holds" in result.stdout
    assert "Customers who bought a toner cartridge" in result.stdout
    assert db.exists() and (tmp_path / "demo-rejects").is_dir()


def test_cli_run_report_and_redacted_password(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = run("run", str(ROOT / "sample_data/us_customers.xlsx"), "--mapping",
                 str(ROOT / "sample_data/mapping.yaml"), "--to",
                 f"sqlite:///{tmp_path / 'us.db'}", "--report", str(report),
                 "--rejects", str(tmp_path), "--verbose")
    assert result.returncode == 0, result.stderr
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert doc["tables"]["customers"]["rows_read"] == 25 and doc["status"] == "succeeded"
    assert list(doc["seconds"]) == ["read", "map", "clean", "dedupe", "validate", "load"]
    (line,) = [x for x in result.stdout.splitlines() if x.startswith("  seconds: ")]
    assert line.startswith("  seconds: read ") and " · total " in line
    import sqlite3

    with sqlite3.connect(tmp_path / "us.db") as db:
        (stored,) = db.execute("SELECT seconds FROM _runs").fetchone()
    assert json.loads(stored) == doc["seconds"]  # the _runs row and the report agree


def test_cli_run_unreachable_database_one_sentence(tmp_path: Path) -> None:
    result = run("run", str(ROOT / "sample_data/us_customers.xlsx"), "--mapping",
                 str(ROOT / "sample_data/mapping.yaml"), "--to",
                 "postgresql+psycopg://app:s3cret@127.0.0.1:1/crm", "--rejects", str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "s3cret" not in result.stderr + result.stdout and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("url", "shown"), [
    ("postgres:s3cret@127.0.0.1/crm", "postgres:***@127.0.0.1/crm"),
    ("host=127.0.0.1 user=app password=s3cret dbname=crm",
     "host=127.0.0.1 user=app password=*** dbname=crm"),
    ("postgresql+psycopg://app:s3c@ret@127.0.0.1:1/crm",
     "postgresql+psycopg://app:***@127.0.0.1:1/crm"),
], ids=["no scheme", "keywords", "@ in the password"])
def test_cli_run_never_echoes_a_password(url: str, shown: str, tmp_path: Path) -> None:
    """A URL without `scheme://`, a libpq keyword string, a password holding `@`: the
    one sentence names the URL with the password hidden, whole."""
    result = run("run", str(ROOT / "sample_data/us_customers.xlsx"), "--mapping",
                 str(ROOT / "sample_data/mapping.yaml"), "--to", url, "--rejects", str(tmp_path))
    said = result.stderr + result.stdout
    assert "s3c" not in said and "ret@" not in said
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: {shown} ") or \
        f" from {shown} " in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_run_progress_draws_one_bar_per_step_and_quiet_draws_none() -> None:
    import io

    from rich.console import Console

    from migrator.cli import _progress

    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100, color_system=None)
    with _progress(True, console=console) as progress:
        progress("reading", 0, 2048)
        progress("reading", 2048, 2048)
        progress("cleaning", 3, 12)
        progress("loading", 0, 500)
        progress("loading", 500, 500)
    last_frame = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue().split("\x1b[2K")[-1])
    final = [line.split() for line in last_frame.splitlines()]
    assert [(f[1], f[-3], f[-2]) for f in final] == [("reading", "100%", "bytes"),
                                                     ("cleaning", "100%", "columns"),
                                                     ("loading", "100%", "rows")]
    with _progress(False, console=console) as quiet:
        before = out.getvalue()
        quiet("reading", 1, 2)
    assert out.getvalue() == before
