"""migrator purchases / buyers / recommend print the library's tables: the same numbers."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from migrator.analysis import also_bought, customers_who_bought, purchase_history
from tests.conftest import ROOT

COMMANDS = ["purchases", "buyers", "recommend"]


def migrator(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run([sys.executable, "-m", "migrator", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, env={**base, **(env or {})})


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_analysis_command_has_help_and_readme_entry(command: str) -> None:
    result = migrator(command, "--help")
    assert result.returncode == 0 and "--to URL" in result.stdout
    assert f"migrator {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_cli_recommend_prints_the_library_lift(loaded: str) -> None:
    result = migrator("recommend", "トナー", "--to", loaded)
    assert result.returncode == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["product", "also_bought", "customers_both", "customers_product",
                              "customers_also", "support", "confidence", "lift"]
    expected = also_bought(loaded, "トナー")
    assert len(lines) == len(expected) >= 3
    for line, row in zip(lines, expected.itertuples(), strict=True):
        assert row.also_bought in line
        assert float(line.split()[-1]) == pytest.approx(row.lift, abs=5e-7)


def test_cli_recommend_options_reach_the_library(loaded: str) -> None:
    result = migrator("recommend", "a4", "--to", loaded, "--min-customers", "1", "--limit", "2")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1 + 4  # two products, two rows each
    result = migrator("recommend", "トナー", "--to", loaded, "--min-customers", "50")
    assert result.stdout == ("No product was bought by 50 or more of the customers who bought "
                             "トナー; try --min-customers 1.\n")


def test_cli_purchases_and_buyers_print_the_library_rows(loaded: str) -> None:
    result = migrator("purchases", "000417", env={"DATABASE_URL": loaded})
    assert result.returncode == 0, result.stderr
    history = purchase_history(loaded, "000417")
    assert len(result.stdout.splitlines()) == 1 + len(history)
    assert all(p in result.stdout for p in history["product"])
    result = migrator("buyers", "ﾄﾅｰ", "--to", loaded)
    assert result.returncode == 0, result.stderr
    buyers = customers_who_bought(loaded, "トナー")
    assert [line.split()[0] for line in result.stdout.splitlines()[1:]] == \
        list(buyers["customer_code"])


def test_cli_analysis_needs_a_database(loaded: str) -> None:
    result = migrator("recommend", "トナー")
    assert result.returncode == 2
    assert result.stderr.endswith("Error: no database: pass --to URL (the one migrator run "
                                  "loaded, such as sqlite:///migrator.db) or set DATABASE_URL\n")
    result = migrator("purchases", "417", "--to", loaded)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"Error: no customer '417' in {loaded}; check the code (codes "
                             "keep their leading zeros, such as 000417)\n")
