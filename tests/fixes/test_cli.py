"""`--fixes FILE` on run, dedupe and export: the fixes replayed, what they did printed,
and a broken fixes file one sentence on stderr with exit 1, nothing written."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.fixes import Fixes
from tests.conftest import ROOT, migrator_in_process
from tests.fixes.conftest import MAPPING, SAMPLE_DATA, SAMPLE_FILES, SAMPLE_FIXES, TOKYO

TOKYO_FILE = SAMPLE_DATA / TOKYO[0]


def _cli(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migrator", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_cli_run_replays_the_fixes_file(tmp_path: Path) -> None:
    db, report = tmp_path / "crm.db", tmp_path / "report.json"
    done = migrator_in_process("run", *SAMPLE_FILES, "--mapping", MAPPING, "--fixes",
                               SAMPLE_FIXES, "--to", f"sqlite:///{db}", "--rejects", tmp_path,
                               "--report", report, "--quiet")
    assert done.returncode == 0, done.stderr
    assert "  2 hand fixes applied, 0 stale" in done.stdout.splitlines()
    lines = done.stdout.splitlines()
    assert "  customers   163     103      60         0       103        0          0" in lines
    # 4 bad phones are cell issues without the fixes: one corrected, one accepted empty
    issues = next(line for line in lines if "could not be cleaned" in line)
    assert issues.startswith("  2 values could not be cleaned and were loaded empty")
    doc = json.loads(report.read_text(encoding="utf-8"))
    sha = hashlib.sha256(SAMPLE_FIXES.read_bytes()).hexdigest()
    assert (doc["fixes_sha256"], doc["fixes_applied"], doc["fixes_stale"]) == (sha, 2, [])
    assert doc["tables"]["customers"]["accounting_ok"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT fixes_sha256, fixes_applied, fixes_stale FROM _runs"
                            ).fetchall() == [(sha, 2, "[]")]
        phones = conn.execute("SELECT _source_row, phone FROM customers WHERE _source_sheet = "
                              "'東京支店' AND _source_row IN (6, 13) ORDER BY 1").fetchall()
    assert phones == [(6, "+81312345678"), (13, None)]


def test_cli_run_without_fixes_reports_none(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    done = migrator_in_process("run", TOKYO_FILE, "--mapping", MAPPING, "--to",
                               f"sqlite:///{tmp_path / 'crm.db'}", "--rejects", tmp_path,
                               "--report", report)
    assert done.returncode == 0, done.stderr
    assert "hand fix" not in done.stdout
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert [doc[k] for k in ("fixes_sha256", "fixes_applied", "fixes_stale")] == [None] * 3


def test_cli_broken_fixes_file_is_one_sentence_exit_1(tmp_path: Path) -> None:
    fixes = tmp_path / "fixes.yaml"
    fixes.write_text(SAMPLE_FIXES.read_text(encoding="utf-8").replace("  with: null",
                                                                      "  wiht: null"),
                     encoding="utf-8")
    db = tmp_path / "crm.db"
    done = _cli("run", TOKYO_FILE, "--mapping", MAPPING, "--fixes", fixes, "--to",
                f"sqlite:///{db}", "--rejects", tmp_path / "rejects")
    assert done.returncode == 1
    assert done.stderr == ("Error: fixes.yaml: fixes[1]: unknown key 'wiht' (did you mean "
                           "'with'?)\n")
    assert not db.exists() and not (tmp_path / "rejects").exists()


def test_cli_dedupe_says_which_fixes_are_stale(tmp_path: Path) -> None:
    fixes = Fixes.load(SAMPLE_FIXES)
    fixes.fix("customers", "phone", (*TOKYO, 17), "０１１－９４８－２４０８", "011-948-2408")
    path = fixes.save(tmp_path / "fixes.yaml")
    done = migrator_in_process("dedupe", TOKYO_FILE, "--mapping", MAPPING, "--fixes", path)
    assert done.returncode == 0, done.stderr
    assert ("  2 hand fixes applied, 1 stale (the source changed): customers.phone at "
            "部署別顧客.xlsx [東京支店] row 17") in done.stdout.splitlines()


def test_cli_export_replays_the_fixes(tmp_path: Path) -> None:
    done = migrator_in_process("export", TOKYO_FILE, "--mapping", MAPPING, "--fixes",
                               SAMPLE_FIXES, "--format", "hubspot", "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    # the bad phones load empty (cell issues) with or without the fixes: nothing rejected
    assert "  customers: 60 read = 48 exported + 12 merged + 0 rejected (holds)" in \
        done.stdout.splitlines()


@pytest.mark.parametrize("command", ["run", "dedupe", "export"])
def test_cli_fixes_option_has_help(command: str) -> None:
    done = _cli(command, "--help")
    assert done.returncode == 0 and "--fixes FILE" in done.stdout


def test_cli_export_from_a_database_takes_no_fixes(tmp_path: Path) -> None:
    done = _cli("export", "--from", f"sqlite:///{tmp_path / 'x.db'}", "--fixes", SAMPLE_FIXES,
                "--format", "zoho", "--out", tmp_path / "out")
    assert done.returncode == 2
    assert "--mapping, --auto, --decisions and --fixes apply to SOURCE files" in done.stderr
