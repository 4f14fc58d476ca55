"""clean: mapped raw frames → CleanedTables; every change logged, every failure a reject.

Each field runs the transforms its mapping names, or the default for its schema
format (phones → `phone`, dates → `date`...). A value that cannot be cleaned rejects
its row with a reason code and the row's lineage, unless the mapping says
`on_error: null` for that column; nothing is dropped silently.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from migrator.clean.base import Context, Outcome
from migrator.clean.registry import get_transform
from migrator.errors import RejectReason
from migrator.lineage import LINEAGE_COLUMNS
from migrator.mapping.spec import Mapping
from migrator.progress import Progress, silent

CHANGE_COLUMNS = ["table", *LINEAGE_COLUMNS, "field", "before", "after", "rule"]
REJECT_COLUMNS = ["table", *LINEAGE_COLUMNS, "reasons", "record"]
FORMAT_TRANSFORMS = {
    "e164": "phone", "email": "email", "jp_postal_or_us_zip": "postal_code",
    "iso_date": "date", "prefecture_or_usps": "region", "iso3166_alpha2": "country",
    "decimal": "amount", "katakana": "kana",
}
SEMANTIC_TRANSFORMS = {"company_name": "company_name", "person_name": "person_name"}
_FIRST = ("region", "country")  # postal codes read the cleaned region of their row


@dataclass
class CleanedTables:
    """One cleaned frame per target table, the change log, and the rejected rows."""

    frames: dict[str, pd.DataFrame]
    changes: pd.DataFrame
    """table, lineage, field, before, after, rule: one row per changed cell."""
    rejects: pd.DataFrame
    """table, lineage, reasons (`invalid_phone:phone; ...`), record (the raw row as JSON)."""
    rows_read: dict[str, int] = field(default_factory=dict)

    def accounting(self) -> dict[str, tuple[int, int, int]]:
        """Per table: (rows read, rows kept, rows rejected); read == kept + rejected."""
        out = {}
        for table, read in self.rows_read.items():
            kept = len(self.frames.get(table, ()))
            rejected = int((self.rejects["table"] == table).sum()) if len(self.rejects) else 0
            out[table] = (read, kept, rejected)
        return out

    def __str__(self) -> str:
        lines = []
        for table, (read, kept, rejected) in self.accounting().items():
            changed = int((self.changes["table"] == table).sum()) if len(self.changes) else 0
            lines.append(f"{table}: {read} rows read, {kept} clean, {rejected} rejected, "
                         f"{changed} values changed")
        return "\n".join(lines)


def clean(raw: dict[str, pd.DataFrame], mapping: Mapping, schema: Any, *,
          progress: Progress | None = None) -> CleanedTables:
    """Clean every target frame of `raw` (from apply_mapping) per `mapping` and `schema`.

    `progress` is told the columns cleaned so far, over all tables.
    """
    frames, changes, rejects = {}, [], []
    codes: dict[tuple[Any, ...], str] = {}
    total = sum(len([f for f in frame.columns if f in schema.tables[table].fields])
                for table, frame in raw.items())
    tick, done = progress or silent, 0

    def column_done() -> None:
        nonlocal done
        done += 1
        tick("cleaning", done, total)

    for table in sorted(raw, key=lambda t: t != "customers"):
        spec = schema.tables[table]
        kept, logged, rejected = _clean_table(table, raw[table], spec, mapping, codes,
                                              column_done)
        frames[table] = kept
        changes.append(logged)
        rejects.append(rejected)
    return CleanedTables(
        frames=frames,
        changes=pd.concat(changes, ignore_index=True) if changes else _empty(CHANGE_COLUMNS),
        rejects=pd.concat(rejects, ignore_index=True) if rejects else _empty(REJECT_COLUMNS),
        rows_read={t: len(f) for t, f in raw.items()},
    )


def _clean_table(table: str, frame: pd.DataFrame, spec: Any, mapping: Mapping,
                 codes: dict[tuple[Any, ...], str], column_done: Callable[[], None]
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    out = frame.copy()
    reasons = pd.Series([[] for _ in range(len(frame))], index=frame.index, dtype="object")
    logs: list[pd.DataFrame] = []
    fields = [f for f in out.columns if f in spec.fields]
    fields.sort(key=lambda f: f not in _FIRST)
    for name in fields:
        settings = _settings(mapping, table, name)
        for transform in settings["transform"] or _defaults(spec.fields[name]):
            ctx = Context(region=_region(out), related={f: out[f] for f in _FIRST if f in out})
            result = get_transform(transform)(out[name], ctx)
            logs.append(_changes(table, out, name, result, transform))
            out[name] = _apply(out, name, result, reasons, settings["on_error"], transform, logs,
                               table)
            _route_extras(out, name, result, spec.fields)
        column_done()
    logs.append(link_customer_codes(table, out, codes))
    logs.append(number_lines(table, out, spec))
    _require(out, spec, reasons)
    bad = reasons.map(bool)
    rejected = _rejects(table, frame[bad], reasons[bad])
    return out[~bad].reset_index(drop=True), _concat(logs), rejected


def link_customer_codes(table: str, frame: pd.DataFrame,
                        codes: dict[tuple[Any, ...], str]) -> pd.DataFrame:
    """Customers without a code get a stable one; their contacts and sales rows follow.

    The code is derived from the company's matching key (`(株)山田商事` and `山田商事㈱` get
    the same one), so next month's sheet gives the same customer the same code. A child
    row is linked to the customer read from the same source row.
    """
    if "customer_code" not in frame:
        frame["customer_code"] = None
    missing = frame["customer_code"].isna()
    lineage = _lineage(frame)
    if table == "customers":
        key = frame["_name_key"] if "_name_key" in frame else frame.get("name")
        made = {}
        for i in np.flatnonzero(missing.to_numpy()):
            value = key.iat[i] if key is not None else None
            basis = value if pd.notna(value) else lineage[i]
            made[frame.index[i]] = "G" + hashlib.sha1(
                str(basis).encode("utf-8")).hexdigest()[:10].upper()
        if made:
            frame.loc[list(made), "customer_code"] = pd.Series(made, dtype=object)
        codes.update(zip(lineage, frame["customer_code"], strict=True))
        rule = "generated_code"
    else:
        rows = np.flatnonzero(missing.to_numpy())
        if len(rows):
            frame.loc[frame.index[rows], "customer_code"] = pd.Series(
                [codes.get(lineage[i]) for i in rows], index=frame.index[rows], dtype=object)
        rule = "linked_to_customer"
    filled = missing & frame["customer_code"].notna()
    return _log(table, frame[filled], "customer_code", None, frame.loc[filled, "customer_code"],
                rule)


def number_lines(table: str, frame: pd.DataFrame, spec: Any) -> pd.DataFrame:
    """Where the schema says a repeated key names the lines of one document (`key_repeats:
    number_lines`), each repeat within one sheet becomes `<key>-<line>`, in sheet order.

    An invoice's three lines `S1` become `S1-1`, `S1-2`, `S1-3`; a key seen once stays as
    it is. Lines are numbered before any row is rejected, so a line fixed next month gets
    the number it always had and the others keep theirs.
    """
    pk = spec.primary_key
    if spec.key_repeats != "number_lines" or pk not in frame or \
            not all(c in frame for c in LINEAGE_COLUMNS):
        return _empty(CHANGE_COLUMNS)
    file, sheet, row = LINEAGE_COLUMNS
    parts = pd.DataFrame({"file": frame[file].astype(object).fillna(""),
                          "sheet": frame[sheet].astype(object).fillna(""),
                          "key": frame[pk].astype(object), "row": frame[row]})
    parts = parts[parts["key"].notna()]
    parts = parts[parts.duplicated(["file", "sheet", "key"], keep=False)]
    if parts.empty:
        return _empty(CHANGE_COLUMNS)
    parts = parts.sort_values("row", kind="stable")
    line = parts.groupby(["file", "sheet", "key"], sort=False).cumcount() + 1
    numbered = parts["key"].astype(str) + "-" + line.astype(str)
    before = frame.loc[numbered.index, pk].copy()
    frame[pk] = frame[pk].astype(object)
    frame.loc[numbered.index, pk] = numbered
    return _log(table, frame.loc[numbered.index], pk, before, numbered, "numbered_line")


def _lineage(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """(file, sheet, row) of every row, in frame order; None for a missing part (a CSV's
    sheet), since NaN never equals itself and could not find the row's customer."""
    parts = [frame[c].astype(object).where(frame[c].notna(), None) for c in LINEAGE_COLUMNS]
    return list(zip(*parts, strict=True))


def _settings(mapping: Mapping, table: str, name: str) -> dict[str, Any]:
    target = f"{table}.{name}"
    for source in mapping.sources:
        for col in source.columns.values():
            if col.to == target and (col.transform or col.on_error != "reject"):
                return {"transform": list(col.transform), "on_error": col.on_error}
    return {"transform": [], "on_error": "reject"}


def _defaults(field_spec: Any) -> list[str]:
    if field_spec.format in FORMAT_TRANSFORMS:
        return [FORMAT_TRANSFORMS[field_spec.format]]
    if field_spec.semantic in SEMANTIC_TRANSFORMS:
        return [SEMANTIC_TRANSFORMS[field_spec.semantic]]
    return ["width"] if field_spec.type in ("text", "code") else []


def _region(frame: pd.DataFrame) -> str:
    """US when the rows' regions are USPS state codes, else JP (the default)."""
    if "region" not in frame:
        return "JP"
    values = frame["region"].dropna().astype(str)
    us = values.str.fullmatch(r"[A-Z]{2}").mean() if len(values) else 0.0
    return "US" if us >= 0.8 else "JP"


def _apply(frame: pd.DataFrame, name: str, result: Outcome, reasons: pd.Series, on_error: str,
           rule: str, logs: list[pd.DataFrame], table: str) -> pd.Series:
    failed = result.reasons.notna()
    if on_error == "null":
        nulled = frame.loc[failed]
        logs.append(_log(table, nulled, name, nulled[name], None, f"{rule}: nulled "
                         "(on_error: null)"))
    else:
        for i in failed[failed].index:
            reasons.at[i] = [*reasons.at[i], f"{result.reasons.at[i]}:{name}"]
    values = result.values.astype(object)
    return values.where(values.notna(), None)


def _route_extras(frame: pd.DataFrame, name: str, result: Outcome, fields: Any) -> None:
    """Derived values fill empty sibling fields (family/given from a full name, a mobile
    number out of a contact's phone column); they never overwrite a value."""
    for extra, values in result.extra.items():
        target = "mobile" if extra == "is_mobile" else extra
        if target in fields and target not in frame:
            frame[target] = None
        if extra == "is_mobile" and name == "phone" and "mobile" in frame:
            move = values.fillna(False).astype(bool) & frame["mobile"].isna()
            frame.loc[move, "mobile"] = frame.loc[move, "phone"]
            frame.loc[move, "phone"] = None
        elif extra == "match_key":
            frame[f"_{name}_key"] = values
        elif extra in frame.columns:
            frame[extra] = frame[extra].where(frame[extra].notna(), values)


def _require(frame: pd.DataFrame, spec: Any, reasons: pd.Series) -> None:
    generated = set(getattr(spec, "generated", {}) or {})
    for name, f in spec.fields.items():
        if f.required and name not in generated:
            missing = frame[name].isna() if name in frame else pd.Series(True, frame.index)
            for i in missing[missing].index:
                reasons.at[i] = [*reasons.at[i], f"{RejectReason.MISSING_REQUIRED}:{name}"]


def _changes(table: str, frame: pd.DataFrame, name: str, result: Outcome,
             rule: str) -> pd.DataFrame:
    before, after = frame[name], result.values
    changed = ~_same_text(before, after) & after.notna() & result.reasons.isna()
    rows = frame.loc[changed]
    return _log(table, rows, name, before[changed], after[changed], rule)


def _same_text(before: pd.Series, after: pd.Series) -> np.ndarray:
    """Row by row, str(before) == str(after); the same object or two equal strings are
    decided without str(), which is most cells of a column that needed no cleaning."""
    b, a = before.to_numpy(dtype=object), after.to_numpy(dtype=object)
    same = np.fromiter((x is y or (type(x) is type(y) is str and x == y)
                        for x, y in zip(b, a, strict=True)),
                       dtype=bool, count=len(b))
    rest = ~same
    if rest.any():
        same[rest] = before[rest].astype(str).to_numpy() == after[rest].astype(str).to_numpy()
    return same


def _log(table: str, rows: pd.DataFrame, name: str, before: Any, after: Any,
         rule: str) -> pd.DataFrame:
    data = {"table": table, **{c: rows[c] for c in LINEAGE_COLUMNS}, "field": name,
            "before": before, "after": after, "rule": rule}
    return pd.DataFrame(data, columns=CHANGE_COLUMNS)


def _rejects(table: str, rows: pd.DataFrame, reasons: pd.Series) -> pd.DataFrame:
    return rejects_frame(table, rows, ["; ".join(r) for r in reasons])


def rejects_frame(table: str, rows: pd.DataFrame, reasons: Sequence[str]) -> pd.DataFrame:
    """Rejected rows in the REJECT_COLUMNS shape; `record` holds the row's fields as JSON
    (lineage and helper columns, which start with `_`, left out) for `_rejects`."""
    fields = [c for c in rows.columns if not str(c).startswith("_")]
    record = [json.dumps({k: _plain(v) for k, v in r.items()}, ensure_ascii=False)
              for r in rows[fields].to_dict("records")]
    data = {"table": table, **{c: rows[c] for c in LINEAGE_COLUMNS},
            "reasons": list(reasons), "record": record}
    return pd.DataFrame(data, columns=REJECT_COLUMNS)


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value if isinstance(value, int | float | str | bool) else str(value)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else _empty(CHANGE_COLUMNS)


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
