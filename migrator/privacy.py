"""Privacy policies per target field: keep, mask, hash or drop, applied to everything a
run writes (the rows, the rejects, the change log, the cell issues, the validation
failures).

The mapping sets `privacy:` per column; a field fed by several columns takes the strictest
(drop > hash > mask > keep). Applied as the last step of `validate`, so the load, the
export, the rejects file and the review file only ever see protected values.

- `hash`: HMAC-SHA256 keyed by $MIGRATOR_HASH_KEY (or the file $MIGRATOR_HASH_KEY_FILE),
  never by the mapping, written `h-` + 24 base32 characters (120 bits): the same value
  hashes alike across runs, so keys and duplicates still match, and it cannot be reversed
  without the key. A field whose `max_length` is under 26 cannot hold it (refused).
- `mask`: a documented shape that keeps what a person needs to recognise the value:
  phones keep the country and area code and the last 4 digits (`+81-3-****-5678`),
  e-mails the first letter and the domain (`t***@example.jp`), dates the year
  (`1980-**-**`), other text its first character (`山***`).
- `drop`: the value is not collected: empty in the rows, absent from every record.

Free text (notes, the merge notes dedupe writes) is scrubbed of the protected e-mails and
phone numbers it contains; a person's name typed into free text is not detected.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from migrator.errors import MigratorError
from migrator.schema import TargetSchema

Policy = Literal["keep", "mask", "hash", "drop"]
POLICIES: tuple[Policy, ...] = ("keep", "mask", "hash", "drop")
"""In order of strictness."""
HASH_LENGTH = 26
"""Characters of a hashed value (`h-` and 24 base32 characters)."""
KEY_VARIABLE = "MIGRATOR_HASH_KEY"
KEY_FILE_VARIABLE = "MIGRATOR_HASH_KEY_FILE"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d\- ()]{6,}\d")
_HASHED = re.compile(r"h-[a-z2-7]{24}")


class PrivacyError(MigratorError):
    """A privacy policy that cannot be applied (no hash key, a field too short for a hash)."""


def strictest(policies: list[str]) -> Policy:
    """drop > hash > mask > keep."""
    chosen = max(policies, key=lambda p: POLICIES.index(p))  # type: ignore[arg-type]
    return POLICIES[POLICIES.index(chosen)]  # type: ignore[arg-type]


def hash_key() -> bytes:
    """The HMAC key from the environment; one sentence when there is none."""
    value = os.environ.get(KEY_VARIABLE)
    if value:
        return value.encode("utf-8")
    path = os.environ.get(KEY_FILE_VARIABLE)
    if path:
        try:
            key = Path(path).read_bytes().strip()
        except OSError as exc:
            raise PrivacyError(f"{KEY_FILE_VARIABLE} names {Path(path).name}, which cannot "
                               f"be read ({exc.strerror or type(exc).__name__})") from exc
        if key:
            return key
    raise PrivacyError(f"the mapping hashes fields, which needs a secret key: set "
                       f"{KEY_VARIABLE} or {KEY_FILE_VARIABLE} (never put it in the mapping)")


def hashed(value: str, key: bytes) -> str:
    digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).digest()
    return "h-" + base64.b32encode(digest[:15]).decode("ascii").lower()


def masked(value: str, kind: str) -> str:
    """`value` in the documented masked shape for its kind (phone, email, date, text)."""
    if kind == "phone" and value.startswith("+"):
        return _masked_phone(value)
    if kind == "email" and "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if kind == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value[:4] + "-**-**"
    return value[:1] + "***" if value else value


def _masked_phone(value: str) -> str:
    import phonenumbers

    try:
        number = phonenumbers.parse(value.split(";")[0], None)
        text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return value[:3] + "****" + value[-4:]
    groups = re.split(r"[ -]", text)
    if len(groups) < 3:
        return groups[0] + "-****" + text[-4:]
    middle = ["*" * len(g) for g in groups[2:-1]]
    return "-".join([groups[0], groups[1], *middle, groups[-1]])


class Protector:
    """Applies the policies of one run to values, frames and records."""

    def __init__(self, policies: Mapping[str, str], kinds: Mapping[str, str]) -> None:
        self.policies = {k: v for k, v in policies.items() if v != "keep"}
        """`table.field` → mask | hash | drop."""
        self.kinds = dict(kinds)
        """`table.field` → phone | email | date | text (how a mask looks)."""
        self.key = hash_key() if "hash" in self.policies.values() else b""
        self.replaced: dict[str, dict[str, str]] = {}
        """Per table, protected e-mails and phone digits found in free text → their form."""

    def __bool__(self) -> bool:
        return bool(self.policies)

    def fields(self, table: str) -> dict[str, str]:
        return {t.partition(".")[2]: p for t, p in self.policies.items()
                if t.partition(".")[0] == table}

    def value(self, table: str, field: str, value: Any) -> Any:
        """One value under its field's policy (missing values stay missing)."""
        policy = self.policies.get(f"{table}.{field}")
        if policy is None or value is None or (isinstance(value, float) and value != value):
            return value
        if policy == "drop":
            return None
        text = str(value)
        if text == "" or str(value) in ("<NA>", "NaT") or _protected(text, policy):
            return value  # already protected: a value read back from the target
        return hashed(text, self.key) if policy == "hash" else masked(
            text, self.kinds.get(f"{table}.{field}", "text"))

    def frame(self, table: str, frame: pd.DataFrame) -> pd.DataFrame:
        """`frame` with every protected field protected and free text scrubbed."""
        mine = self.fields(table)
        if not mine or frame.empty:
            return frame
        out = frame.copy()
        for field in mine:
            if field in out.columns:
                original = out[field]
                out[field] = original.map(lambda v, f=field: self.value(table, f, v)).astype(
                    object)
                self._remember(table, field, original, out[field])
        for column in out.columns:
            if column not in mine and not str(column).startswith("_") \
                    and out[column].dtype == object:
                out[column] = out[column].map(lambda v: self.scrub(table, v))
        return out

    def record(self, table: str, text: Any) -> Any:
        """A rejected row's record (JSON) with its protected fields protected."""
        if not isinstance(text, str) or not self.fields(table):
            return text
        try:
            record = json.loads(text)
        except json.JSONDecodeError:
            return text
        if not isinstance(record, dict):
            return text
        out = {}
        for field, value in record.items():
            if self.policies.get(f"{table}.{field}") == "drop":
                continue
            out[field] = self.value(table, field, value) if field in self.fields(table) \
                else self.scrub(table, value)
        return json.dumps(out, ensure_ascii=False)

    def scrub(self, table: str, value: Any) -> Any:
        """Free text with the protected e-mails and phone numbers it holds replaced."""
        found = self.replaced.get(table)
        if not found or not isinstance(value, str) or not value:
            return value
        scrubbed = _EMAIL.sub(lambda m: found.get(m.group(0).lower(), m.group(0)), value)
        scrubbed = _PHONE.sub(lambda m: found.get(_digits(m.group(0)), m.group(0)), scrubbed)
        if scrubbed == value:
            return value
        # a merge note the target already holds protected, written again in clear by this
        # run, is one note once scrubbed: keep it once
        return "\n".join(dict.fromkeys(scrubbed.split("\n")))

    def _remember(self, table: str, field: str, before: pd.Series, after: pd.Series) -> None:
        kind = self.kinds.get(f"{table}.{field}", "text")
        if kind not in ("email", "phone"):
            return
        found = self.replaced.setdefault(table, {})
        for b, a in zip(before, after, strict=True):
            if isinstance(b, str) and b:
                found[b.lower() if kind == "email" else _digits(b)] = "" if a is None else str(a)
                if kind == "phone" and b.startswith("+81"):
                    found["0" + _digits(b)[2:]] = "" if a is None else str(a)


def _protected(text: str, policy: str) -> bool:
    """A hash or a mask this module wrote (hashing it again would make a new key)."""
    if policy == "hash":
        return _HASHED.fullmatch(text) is not None
    return "***" in text


def kinds_of(schema: TargetSchema) -> dict[str, str]:
    """`table.field` → phone | email | date | text, from the schema, for masks."""
    out = {}
    for table, spec in schema.tables.items():
        for name, field in spec.fields.items():
            kind = ("phone" if field.semantic == "phone" else "email"
                    if field.semantic == "email" else "date" if field.type == "date" else "text")
            out[f"{table}.{name}"] = kind
    return out


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def protect_tables(protector: Protector, frames: dict[str, pd.DataFrame],
                   rejects: pd.DataFrame, changes: pd.DataFrame, failures: pd.DataFrame,
                   ) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Every shape a run writes, protected: rows, rejects' records, changes, failures."""
    if not protector:
        return frames, rejects, changes, failures
    frames = {t: protector.frame(t, f) for t, f in frames.items()}
    rejects = rejects.copy()
    if len(rejects):
        rejects["record"] = [protector.record(t, r) for t, r in
                             zip(rejects["table"], rejects["record"], strict=True)]
    changes = _protect_pairs(protector, changes, ("before", "after"))
    failures = _protect_pairs(protector, failures, ("value",), field="column")
    return frames, rejects, changes, failures


def protect_issues(protector: Protector, issues: pd.DataFrame) -> pd.DataFrame:
    """Cell issues with their raw values protected like the field's loaded values."""
    if not protector:
        return issues
    return _protect_pairs(protector, issues, ("value",))


def _protect_pairs(protector: Protector, frame: pd.DataFrame, columns: tuple[str, ...],
                   field: str = "field") -> pd.DataFrame:
    if frame.empty:
        return frame
    out = frame.copy()
    one: Callable[[str, str, Any], Any] = protector.value
    for column in columns:
        out[column] = [one(t, f, v) if f in protector.fields(t) else protector.scrub(t, v)
                       for t, f, v in zip(out["table"], out[field], out[column], strict=True)]
    return out
