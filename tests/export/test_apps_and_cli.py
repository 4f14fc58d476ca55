"""Headers from the user's own CRM (a kintone app, Sansan's format file), the CLI, the
export of a loaded database, and the promise that a failed export changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from migrator import export, run
from migrator.errors import ExportError
from tests.conftest import migrator_in_process, stored_rows
from tests.export.conftest import SAMPLE, SAMPLE_FILES, checked_from, read_back


def _small():
    customers = pd.DataFrame({"customer_code": ["C1", "C2"], "name": ["山田商事", "鈴木工業"],
                              "phone": ["+81312345678", None],
                              "customer_since": ["2021-04-01", "2019-12-05"]}, dtype=object)
    contacts = pd.DataFrame({"customer_code": ["C1", "C2"], "family_name": ["山田", "鈴木"],
                             "given_name": ["太郎", "花子"],
                             "email": ["taro@yamada.example.jp", None]}, dtype=object)
    return checked_from(customers, contacts)


def test_kintone_header_comes_from_an_app_yaml(tmp_path) -> None:
    app = tmp_path / "app.yaml"
    app.write_text("customers:\n  取引先名: customers.name\n  代表電話: customers.phone\n"
                   "  取引開始: {source: customers.customer_since, required: true}\n"
                   "  コード: customers.customer_code\n", encoding="utf-8")
    export(_small(), "kintone", tmp_path / "out", app=app)
    header, rows, _ = read_back(tmp_path / "out" / "customers.csv", "cp932")
    assert header == ["取引先名", "代表電話", "取引開始", "コード"]
    assert rows == [["山田商事", "03-1234-5678", "2021-04-01", "C1"],
                    ["鈴木工業", "", "2019-12-05", "C2"]]


def test_kintone_header_comes_from_the_form_fields_json_of_its_rest_api(tmp_path) -> None:
    fields = {"revision": "5", "properties": {
        "company": {"type": "SINGLE_LINE_TEXT", "code": "company", "label": "会社名",
                    "required": True, "maxLength": "64"},
        "tel": {"type": "LINK", "code": "tel", "label": "電話番号", "protocol": "CALL"},
        "since": {"type": "DATE", "code": "since", "label": "取引開始日"},
        "total": {"type": "CALC", "code": "total", "label": "売上合計", "expression": "1"},
        "rec": {"type": "RECORD_NUMBER", "code": "rec", "label": "レコード番号"},
        "plan": {"type": "MULTI_LINE_TEXT", "code": "plan", "label": "次回訪問予定"},
    }}
    path = tmp_path / "fields.json"
    path.write_text(json.dumps(fields, ensure_ascii=False), encoding="utf-8")
    export(_small(), "kintone", tmp_path / "out", app={"customers": path})
    header, rows, _ = read_back(tmp_path / "out" / "customers.csv", "cp932")
    assert header == ["会社名", "電話番号", "取引開始日"]  # CALC, record number, unknown: out
    assert rows[0] == ["山田商事", "03-1234-5678", "2021-04-01"]


def test_a_broken_app_file_is_one_sentence_and_writes_nothing(tmp_path) -> None:
    path = tmp_path / "fields.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ExportError, match=r"fields.json is not JSON \(line 1\)"):
        export(_small(), "kintone", tmp_path / "out", app=path)
    assert not (tmp_path / "out").exists()


def test_sansan_writes_the_templates_header_byte_for_byte(tmp_path) -> None:
    header = ("名刺所有者ユーザID,会社名,部署名,役職,氏名[姓],氏名[名],e-mail(1),"
              "未知の項目,タグ\r\n").encode("shift_jis")
    template = tmp_path / "format.csv"
    template.write_bytes(header)
    export(_small(), "sansan", tmp_path / "out", template=template, owner="u9")
    raw = (tmp_path / "out" / "cards.csv").read_bytes()
    assert raw.startswith(header)
    _, rows, _ = read_back(tmp_path / "out" / "cards.csv", "shift_jis")
    assert rows[0] == ["u9", "山田商事", "", "", "山田", "太郎", "taro@yamada.example.jp",
                       "", ""]


def test_sansan_refuses_a_template_without_its_required_columns(tmp_path) -> None:
    template = tmp_path / "format.csv"
    template.write_bytes("会社名,氏名\r\n".encode("shift_jis"))
    with pytest.raises(ExportError, match="lacks the required column"):
        export(_small(), "sansan", tmp_path / "out", template=template, owner="u9")


def test_a_failed_write_leaves_the_folder_as_it_was(tmp_path, monkeypatch) -> None:
    out = tmp_path / "out"
    export(_small(), "zoho", out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    from migrator.export import stage

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(stage, "write_rejects", broken)
    other = _small()
    other.frames["customers"]["name"] = ["別の会社", "もう一社"]  # would change every file
    with pytest.raises(ExportError, match="No space left on device"):
        export(other, "zoho", out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migrator", *args], capture_output=True,
                          text=True, timeout=300)


def test_cli_exports_sources_and_says_the_accounting(tmp_path) -> None:
    done = migrator_in_process("export", *SAMPLE_FILES, "--mapping", SAMPLE / "mapping.yaml",
                               "--format", "dynamics", "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "customers: 163 read = 103 exported + 60 merged + 0 rejected (holds)" in done.stdout
    assert (tmp_path / "accounts.csv").read_bytes().startswith(b"\xef\xbb\xbfAccount Name,")


@pytest.mark.parametrize("args", [
    ["--format", "zoho", "--out", "x"],
    ["a.csv", "--from", "sqlite:///x.db", "--format", "zoho", "--out", "x"],
    ["--from", "sqlite:///x.db", "--auto", "--format", "zoho", "--out", "x"],
    ["a.csv", "--auto", "--format", "excel", "--out", "x"],
])
def test_cli_usage_errors_exit_2(args) -> None:
    assert _cli("export", *args).returncode == 2


def test_cli_bad_input_is_one_sentence_exit_1(tmp_path) -> None:
    done = _cli("export", "--from", f"sqlite:///{tmp_path / 'none.db'}", "--format", "sansan",
                "--owner", "u1", "--out", str(tmp_path / "out"))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("Error: ")
    assert not (tmp_path / "out").exists() and not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("target_url", ["sqlite", "postgresql", "mariadb"], indirect=True)
def test_export_from_a_loaded_database_holds_what_run_loaded(target_url, tmp_path) -> None:
    run(SAMPLE_FILES, mapping=SAMPLE / "mapping.yaml", to=target_url,
        rejects_dir=tmp_path / "rejects")
    result = export(target_url, "salesforce", tmp_path / "out")
    stored = stored_rows(target_url, "customers")
    assert result.counts["customers"].read == len(stored) == 103
    assert result.counts["customers"].exported == 103 and result.accounting_ok
    header, rows, _ = read_back(tmp_path / "out" / "accounts_and_contacts.csv", "utf-8")
    codes = sorted({r[header.index("Account Number")] for r in rows})
    assert codes == sorted(str(r["customer_code"]) for r in stored)
    assert result.left_out == {"sales": 120}
    assert Path(tmp_path / "out" / "README.txt").exists()
