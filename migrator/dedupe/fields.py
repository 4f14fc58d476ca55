"""The columns record matching compares, read from the schema and prepared for comparison.

Which field is a table's name, reading, phone, e-mail, postal code, address or region
comes from the fields' semantic types and formats, so a schema of one's own (取引先,
担当者) is matched the same way as `crm`. Values are already canonical after clean
(E.164 phones, lower-case e-mails, `123-4567`); here they are folded once more for
comparing: the company matching key from clean, readings in katakana without spaces,
addresses without spaces and width.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jaconv
import numpy as np
import pandas as pd

from migrator.distinct import CharTable, fold_joined, hardly_repeats
from migrator.reference.companies import match_keys
from migrator.reference.kanji import FOLD
from migrator.reference.mail import SHARED_DOMAINS
from migrator.schema import TableSpec

MISSING = ""
"""A missing value in a prepared column: compares as neither agreeing nor disagreeing."""


@dataclass(frozen=True)
class Prepared:
    """One table's rows as comparable text columns, aligned with the frame's positions."""

    columns: dict[str, np.ndarray]
    """Comparator → object array of folded text (MISSING where the row has no value)."""
    code: np.ndarray
    """The row's own key where the source gave it (generated keys are MISSING)."""
    group: np.ndarray | None
    """For a child table: the parent's key; rows are matched only within one parent."""
    ids: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)
    """Comparator, `code` or `group` → per row an id of its text (`value_ids`): made
    with the folding, from the distinct values, else on first use."""

    def value_ids(self, name: str) -> np.ndarray:
        """The ids of comparator `name` (or `code`, `group`): blocking and scoring
        compare ints, and each column's texts are hashed once instead of at each."""
        found = self.ids.get(name)
        if found is None:
            column = {"code": self.code, "group": self.group}.get(name)
            found = self.ids[name] = value_ids(self.columns[name] if column is None
                                               else column)
        return found


_SINGLE = (("kana", "semantic", ("kana",)), ("email", "format", ("email",)),
           ("postal", "format", ("jp_postal_or_us_zip",)),
           ("region", "format", ("prefecture_or_usps",)))
"""Comparators read from one field each, found by the field's semantic type or format."""


def prepare(frame: pd.DataFrame, spec: TableSpec, generated: np.ndarray,
            group_by: str | None) -> Prepared:
    """Prepared columns of `frame`; `generated` marks the rows whose key clean made."""
    read = _read(frame, spec)
    out: dict[str, np.ndarray] = {}
    ids: dict[str, np.ndarray] = {}
    if "name" in read:  # clean's key is compared as it is; a name without one is keyed
        column = read["name"][0]
        out["name"], ids["name"] = _fold(frame[column],
                                         match_keys if column in spec.fields else _as_is)
    for comparator, fold in (("kana", _kana_texts), ("email", _plain_texts),
                             ("postal", _plain_texts), ("region", _plain_texts)):
        if comparator in read:
            out[comparator], ids[comparator] = _fold(frame[read[comparator][0]], fold)
    for i, column in enumerate(read.get("phone", [])):
        name = "phone" if i == 0 else f"phone{i + 1}"
        out[name], ids[name] = _fold(frame[column], _plain_texts)
    if "email" in out:
        emails = pd.Series(out["email"], dtype=object)
        domains = pd.Series([e.partition("@")[2] if isinstance(e, str) else e for e in emails],
                            index=emails.index, dtype=object)  # all-empty: no column 2
        out["domain"] = domains.where(~domains.isin(SHARED_DOMAINS), MISSING).to_numpy()
    if "address" in read:
        out["address"], ids["address"] = _fold(_joined(frame, read["address"]),
                                               _address_texts)
    pk = spec.primary_key
    code, ids["code"] = _fold(frame[pk], _plain_texts) if pk in frame else _blank(len(frame))
    code[generated] = MISSING
    ids["code"][generated] = -1
    group = None
    if group_by and group_by in frame:
        group, ids["group"] = _fold(frame[group_by], _plain_texts)
    return Prepared(out, code, group, ids)


def value_ids(column: np.ndarray) -> np.ndarray:
    """Per row, an id of its text (equal texts, equal ids) or -1 where it is MISSING."""
    ids, uniques = pd.factorize(column, use_na_sentinel=True)
    missing = np.flatnonzero(uniques == MISSING)
    if len(missing):
        ids[ids == missing[0]] = -1
    return ids


def columns_read(frame: pd.DataFrame, spec: TableSpec, group_by: str | None) -> list[str]:
    """The columns of `frame` that `prepare` reads (what another process needs to
    prepare the same rows)."""
    read = [c for columns in _read(frame, spec).values() for c in columns]
    read += [c for c in (spec.primary_key, group_by) if c and c in frame]
    return list(dict.fromkeys(read))


def _read(frame: pd.DataFrame, spec: TableSpec) -> dict[str, list[str]]:
    """Comparator → the columns of `frame` it is prepared from (phones: up to three; a
    name from clean's key of it where there is one, which is all the helper is sent)."""
    fields = spec.fields
    read: dict[str, list[str]] = {}
    name = _named(frame, spec, "company_name") or _named(frame, spec, "person_name")
    if name is not None:
        key = f"_{name}_key"  # clean's key of a company name, compared where it is made
        read["name"] = [key] if key in frame else [name]
    for comparator, attribute, wanted in _SINGLE:
        column = _first(frame, spec, attribute, wanted)
        if column is not None:
            read[comparator] = [column]
    phones = [f for f, s in fields.items() if s.format == "e164" and f in frame]
    if phones:
        read["phone"] = phones[:3]
    address = [f for f, s in fields.items() if s.semantic == "address" and f in frame]
    if address:
        read["address"] = address
    return read


def _joined(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """The columns' text run together per row, a missing part as "": one vectorised `+`
    per column (a row-wise join cost 5 s per 100,000 rows)."""
    parts = [frame[c].astype(object).where(frame[c].notna(), "").astype(str)
             .to_numpy(dtype=object) for c in columns]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + part
    return pd.Series(joined, index=frame.index, dtype=object)


def _named(frame: pd.DataFrame, spec: TableSpec, semantic: str) -> str | None:
    """The name field of `semantic` whose values or clean's key of them `frame` holds."""
    return next((f for f, s in spec.fields.items() if s.semantic == semantic
                 and (f in frame or f"_{f}_key" in frame)), None)


def _first(frame: pd.DataFrame, spec: TableSpec, attribute: str,
           wanted: tuple[str, ...]) -> str | None:
    return next((f for f, s in spec.fields.items()
                 if getattr(s, attribute) in wanted and f in frame), None)


def _fold(values: pd.Series, fold: Callable[[list[str]], list[str]]
          ) -> tuple[np.ndarray, np.ndarray]:
    """`fold` of the values as text, all at once, missing cells MISSING; and each row's
    `value_ids`.

    The distinct values are folded and spread over the rows; but a column whose values
    hardly repeat (e-mail addresses, phones, keys) is folded row by row, as finding
    its distinct values first cost a hash of every cell for nearly as many values
    (preparing the benchmark's 100,000 customers took 0.22-0.23 -> 0.18-0.19 s, a
    million 2.4-2.6 -> 1.8-2.1 s)."""
    cells = values.to_numpy(dtype=object)
    if hardly_repeats(cells):
        blank = pd.isna(cells)
        out = np.empty(len(cells), dtype=object)
        out[blank] = MISSING
        out[~blank] = np.array(fold(_texts(cells[~blank])), dtype=object)
        return out, value_ids(out)
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = fold(_texts(uniques))
    table[-1] = MISSING
    return table[codes], value_ids(table)[codes]


def _texts(values: Any) -> list[str]:
    """Each value as text: a str as it is, anything else (a number in a text column) by str."""
    return [v if type(v) is str else str(v) for v in values.tolist()]


def _blank(n: int) -> tuple[np.ndarray, np.ndarray]:
    out = np.empty(n, dtype=object)
    out[:] = MISSING
    return out, np.full(n, -1, dtype=np.intp)


def _as_is(texts: list[str]) -> list[str]:
    """Clean's company keys: keyed already (by match_key_lines, as a target's stored names
    are by match_keys in stored.py), so folding them again would change nothing but the
    order of some combining marks, for 0.2 s per 100,000 names."""
    return texts


def _plain_text(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip().casefold()


def _plain_texts(texts: list[str]) -> list[str]:
    """`_plain_text` of each text; NFKC and casefold (both character by character, no
    newline made or removed) over the texts joined by newlines, then a strip per line."""
    lines = fold_joined(texts, _nfkc_casefold)
    if lines is None:
        return [_plain_text(text) for text in texts]
    return [line.strip() for line in lines]


def _nfkc_casefold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


_BLOCK = re.compile(r"(\d)(?:丁目|番地|番|の)(?=\d)")
_LAST = re.compile(r"(\d)(?:号|番地|番)")


def _address_text(value: object) -> str:
    """`錦4丁目29番地2号` and `錦４－２９－２` alike: Japanese block numbers as hyphens, then
    width, case, spaces and punctuation folded (a hyphen of any width is one character)."""
    text = unicodedata.normalize("NFKC", str(value)).casefold().translate(FOLD)
    text = _LAST.sub(r"\1", _BLOCK.sub(r"\1-", re.sub(r"[‐‑‒–—―ー−－]", "-", text)))
    return "".join(c for c in text if c == "-" or unicodedata.category(c)[0] not in "PZSC")


def _kana_text(value: object) -> str:
    text = jaconv.hira2kata(unicodedata.normalize("NFKC", str(value)))
    return "".join(c for c in text if not c.isspace() and c not in "・･")


def _address_texts(texts: list[str]) -> list[str]:
    """`_address_text` of each text, over the texts joined by newlines (every rewrite maps
    characters, or digits and block words, inside a line)."""
    lines = fold_joined(texts, _address_lines)
    return [_address_text(text) for text in texts] if lines is None else lines


def _address_lines(text: str) -> str:
    text = _FOLD.translate(unicodedata.normalize("NFKC", text).casefold())
    text = _LAST.sub(r"\1", _BLOCK.sub(r"\1-", _DASH.sub("-", text)))
    return _ADDRESS_CHARS.translate(text)


def _kana_texts(texts: list[str]) -> list[str]:
    """`_kana_text` of each text, over the texts joined by newlines."""
    lines = fold_joined(texts, _kana_lines)
    return [_kana_text(text) for text in texts] if lines is None else lines


def _kana_lines(text: str) -> str:
    return _KANA_CHARS.translate(jaconv.hira2kata(unicodedata.normalize("NFKC", text)))


class _Kept(CharTable):
    """A translate table that keeps the characters `keep(char)` says, and newlines;
    filled on first sight of a character. Over texts joined by newlines its `translate`
    is an array lookup (CharTable): a dict lookup per character cost 0.04 s of the 0.12 s
    that folding the run benchmark's 41,733 distinct addresses took."""

    def __init__(self, keep: Callable[[str], bool]) -> None:
        super().__init__({ord("\n"): "\n"})
        self.keep = keep

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        kept = char if self.keep(char) else None
        self[code] = kept
        return kept


class _Fold(CharTable):
    """`FOLD` as a CharTable: every other character is itself. Filled on first sight."""

    def __missing__(self, code: int) -> str | None:
        value = FOLD.get(code, code)
        folded = self[code] = chr(value) if isinstance(value, int) else value
        return folded


_FOLD = _Fold()
_DASH = re.compile(r"[‐‑‒–—―ー−－]")
_ADDRESS_CHARS = _Kept(lambda c: c == "-" or unicodedata.category(c)[0] not in "PZSC")
_KANA_CHARS = _Kept(lambda c: not c.isspace() and c not in "・･")
