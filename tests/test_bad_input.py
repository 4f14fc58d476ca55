"""Every unusable file: exit code 1, one sentence naming the file, no traceback, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.cli import main
from tests.conftest import FIXTURES

BAD = sorted(p for p in (FIXTURES / "bad").iterdir() if p.is_file())


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(args)
    out, err = capsys.readouterr()
    return int(exit_.value.code or 0), out, err


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_input_refused_in_one_sentence(path: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "profile.json"
    good = FIXTURES / "read" / "blank_header_continues_left.xlsx"
    code, out, err = run_cli(["profile", str(good), str(path), "--json", str(report)], capsys)
    assert code == 1
    assert err.startswith(f"Error: {path.name}: ") and err.endswith("\n")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("name", "problem"), [
    ("no_table_blank_cells.xlsx",
     "holds no table in any sheet (every sheet is empty, a chart, or has no rows of data)"),
    ("only_hidden_sheet_has_data.xlsx",
     "holds no table in its visible sheets; pass --include-hidden to read its 1 hidden sheet(s)"),
    ("mixed_utf8_cp932_lines.csv",
     "mixes encodings: it reads as UTF-8 up to line 4, where the bytes are not UTF-8; "
     "save it again in one encoding or pass --encoding to name it"),
    ("truncated_cp932_multibyte.csv",
     "ends in the middle of a CP932 character (line 3); the file looks truncated"),
])
def test_bad_input_no_table_messages(name: str, problem: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["profile", str(FIXTURES / "bad" / name)], capsys)
    assert (code, err) == (1, f"Error: {name}: {problem}\n")


def test_bad_input_hidden_data_read_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "bad" / "only_hidden_sheet_has_data.xlsx"
    code, out, _ = run_cli(["profile", str(path), "--include-hidden"], capsys)
    assert code == 0 and "1 data row," in out
