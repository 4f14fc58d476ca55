"""Privacy policies from the mapping (keep, mask, hash, drop): the documented shapes, the
keyed hash, and an end-to-end run where a protected value appears in clear nowhere the run
writes — the database, the rejects files, the run report."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import yaml

import migrator
from migrator.errors import MappingError
from migrator.privacy import HASH_LENGTH, PrivacyError, hash_key, hashed, masked
from tests.conftest import SAMPLE_DATA

FILES = [SAMPLE_DATA / n for n in ("顧客台帳.xlsx", "部署別顧客.xlsx", "顧客カード.xlsx",
                                   "shop_export_cp932.csv", "us_customers.xlsx", "売上明細.xlsx")]


@pytest.mark.parametrize(("value", "kind", "expected"), [
    ("+81312345678", "phone", "+81-3-****-5678"),
    ("+819012345678", "phone", "+81-90-****-5678"),
    ("+14015550119", "phone", "+1-401-***-0119"),
    ("taro.yamada@example.jp", "email", "t***@example.jp"),
    ("1980-04-01", "date", "1980-**-**"),
    ("山田太郎", "text", "山***"),
])
def test_masks_keep_the_documented_shape(value: str, kind: str, expected: str) -> None:
    assert masked(value, kind) == expected


def test_the_hash_is_keyed_stable_and_fits(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    monkeypatch.delenv("MIGRATOR_HASH_KEY", raising=False)
    monkeypatch.delenv("MIGRATOR_HASH_KEY_FILE", raising=False)
    with pytest.raises(PrivacyError, match="set MIGRATOR_HASH_KEY or MIGRATOR_HASH_KEY_FILE"):
        hash_key()
    key_file = tmp_path / "key"
    key_file.write_text("file secret\n", encoding="utf-8")
    monkeypatch.setenv("MIGRATOR_HASH_KEY_FILE", str(key_file))
    assert hash_key() == b"file secret"
    one = hashed("+81312345678", b"k1")
    assert one == hashed("+81312345678", b"k1") != hashed("+81312345678", b"k2")
    assert len(one) == HASH_LENGTH and one.startswith("h-")


def _protected_mapping(tmp_path: Path) -> Path:
    data = yaml.safe_load((SAMPLE_DATA / "mapping.yaml").read_text(encoding="utf-8"))
    policy = {"customers.phone": "hash", "customers.email": "mask", "contacts.birthday": "drop",
              "customers.customer_code": "hash"}
    for source in data["sources"]:
        for column, target in source["columns"].items():
            to = target if isinstance(target, str) or target is None else target.get("to")
            if to in policy:
                source["columns"][column] = {**({"to": to} if isinstance(target, str)
                                                 else target), "privacy": policy[to]}
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _everything_written(db: Path, folder: Path) -> str:
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        rows = [str(r) for t in tables for r in conn.execute(f'SELECT * FROM "{t}"')]
    files = [p.read_text(encoding="utf-8-sig") for p in folder.glob("*.csv")]
    return "\n".join(rows + files)


def test_a_protected_value_appears_in_clear_nowhere_the_run_writes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIGRATOR_HASH_KEY", "test secret")
    clear = migrator.run(FILES, mapping=SAMPLE_DATA / "mapping.yaml",
                         to=f"sqlite:///{tmp_path / 'clear.db'}", rejects_dir=tmp_path / "c")
    with sqlite3.connect(tmp_path / "clear.db") as conn:
        phones = {r[0] for r in conn.execute("SELECT phone FROM customers") if r[0]}
        emails = {r[0] for r in conn.execute("SELECT email FROM customers") if r[0]}
        birthdays = {r[0] for r in conn.execute("SELECT birthday FROM contacts") if r[0]}
    assert phones and emails and birthdays
    mapping = _protected_mapping(tmp_path)
    report = migrator.run(FILES, mapping=mapping, to=f"sqlite:///{tmp_path / 'safe.db'}",
                          rejects_dir=tmp_path / "s")
    assert report.accounting_ok
    assert {t: r.rows_loaded for t, r in report.tables.items()} == \
        {t: r.rows_loaded for t, r in clear.tables.items()}
    written = _everything_written(tmp_path / "safe.db", tmp_path / "s")
    written += json.dumps(report.asdict(), ensure_ascii=False)
    leaked = [v for v in phones | emails if v in written]
    assert leaked == []
    bad_phones = {"0119538098", "011 976 7050", "０１１－９４８－２４０７", "011-904-8003"}
    assert [v for v in bad_phones if v in written] == []  # the cell issues' raw values too
    with sqlite3.connect(tmp_path / "safe.db") as conn:
        stored = list(conn.execute("SELECT customer_code, phone, email FROM customers"))
        assert all(c.startswith("h-") and len(c) == HASH_LENGTH for c, _, _ in stored)
        assert all(p is None or p.startswith("h-") for _, p, _ in stored)
        assert all(e is None or "***@" in e for _, _, e in stored)
        assert [r for r in conn.execute("SELECT birthday FROM contacts") if r[0]] == []
        issues = list(conn.execute("SELECT field, value FROM _cell_issues"))
        assert len(issues) == 4 and all(v.startswith("h-") for _, v in issues)
        orphans = conn.execute("SELECT COUNT(*) FROM sales s LEFT JOIN customers c "
                               "ON c.customer_code = s.customer_code "
                               "WHERE c.customer_code IS NULL").fetchone()[0]
        assert orphans == 0  # the hashed key still links the sales


def test_the_same_customer_hashes_alike_so_a_second_run_changes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIGRATOR_HASH_KEY", "test secret")
    mapping = _protected_mapping(tmp_path)
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    migrator.run(FILES, mapping=mapping, to=url, rejects_dir=tmp_path)
    again = migrator.run(FILES, mapping=mapping, to=url, rejects_dir=tmp_path)
    customers = again.tables["customers"]
    assert customers.inserted == 0 and customers.unchanged == customers.rows_loaded > 0


def test_a_hash_without_a_key_stops_before_reading(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MIGRATOR_HASH_KEY", raising=False)
    monkeypatch.delenv("MIGRATOR_HASH_KEY_FILE", raising=False)
    with pytest.raises(PrivacyError, match="needs a secret key"):
        migrator.prepare([tmp_path / "absent.xlsx"], mapping=_protected_mapping(tmp_path))


@pytest.mark.parametrize(("field", "policy", "message"), [
    ("customers.postal_code", "hash", "holds 10 characters, a hash needs 26"),
    ("customers.customer_since", "mask", "is a date field"),
])
def test_a_policy_the_field_cannot_hold_is_refused(field: str, policy: str,
                                                   message: str) -> None:
    text = (f"version: 1\nschema: crm\nsources:\n- file: a.csv\n  columns:\n"
            f"    X: {{to: {field}, privacy: {policy}}}\n")
    with pytest.raises(MappingError, match=message):
        migrator.Mapping.from_yaml(text).check(migrator.load_schema("crm"))


def test_suggest_drops_what_feeds_nothing_and_names_the_personal_columns() -> None:
    prof = migrator.profile(migrator.read_sources([SAMPLE_DATA / "shop_export_cp932.csv"]))
    source = migrator.suggest_mapping(prof).sources[0]
    unmapped = [c for c, t in source.columns.items() if t.to is None]
    assert unmapped and all(source.columns[c].privacy == "drop" for c in unmapped)
    assert source.personal["電話番号"] == "phone" and source.personal["氏名"] == "name"

