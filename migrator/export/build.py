"""From validated customers and contacts to the lines of a CRM's files, checked before
anything is written.

Each value is formatted for the target (dates, phones, derived columns), made writable in
its encoding (encode.py), kept from being read as a formula, and checked against the
column's rules. A problem belongs to the record whose column it is: a customer whose name
cannot be written is rejected with all its lines (its contacts say `unknown_reference`,
as they would point at nothing); a contact without a last name is rejected alone. Only
records that pass become lines, so every line a CRM reads is one it accepts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from migrator.distinct import per_distinct
from migrator.errors import RejectReason
from migrator.export.encode import Encoder
from migrator.export.profile import Column, CrmProfile, FileSpec
from migrator.lineage import LINEAGE_COLUMNS
from migrator.reference.mail import SHARED_DOMAINS
from migrator.rejects import CHANGE_COLUMNS, REJECT_COLUMNS, concat_frames, rejects_frame
from migrator.safety import FORMULA_LEADS, formula_safe

Unencodable = Literal["substitute", "reject"]
OBJECTS = ("customers", "contacts")
"""The tables a CRM import holds; every other table (sales) is left out and said so."""
CUSTOMER, CONTACT = "_customer", "_contact"
"""Columns of a line frame: the index of the customer and of the contact on the line."""

GETA = "〓"
"""The geta mark, Japanese print's sign for a character that cannot be set: an optional
value keeps the rest of its text and shows where one was lost (logged in changes.csv)."""
_VALID_PHONE = re.compile(r"\+[0-9][0-9 ()\-]{5,}((;ext=| ext\. ?)[0-9]+)?")
"""A phone the pipeline validated (E.164 or international form): its `+` is not a formula."""


@dataclass
class Built:
    """The lines of each file, and what the checks rejected and changed."""

    lines: list[tuple[FileSpec, pd.DataFrame]]
    """Per file: headers as columns, plus CUSTOMER / CONTACT indexes and lineage."""
    rejects: pd.DataFrame
    """Records this export rejected (REJECT_COLUMNS), on top of the run's rejects."""
    changes: pd.DataFrame
    """Cells this export changed (CHANGE_COLUMNS): substitutions, formula guards."""
    exported: dict[str, int] = field(default_factory=dict)
    """Records of each object table that are on at least one line."""
    shared_names: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Exported customers whose name another exported customer also has (customer_code,
    name, lineage, group): a CRM that links contacts by account name cannot tell them
    apart, so a person decides (rename, or keep Salesforce's Account Site)."""


def build(profile: CrmProfile, frames: Mapping[str, pd.DataFrame], *,
          options: Mapping[str, str] | None = None,
          unencodable: Unencodable = "substitute") -> Built:
    """The checked lines of every file of `profile`, from the validated `frames`."""
    customers = _frame(frames, "customers")
    contacts = _frame(frames, "contacts")
    encoder = Encoder(profile.encoding, profile.forbidden)
    values = _Values(profile, customers, contacts, dict(options or {}), encoder, unencodable)
    reasons: dict[str, dict[Any, list[str]]] = {"customers": {}, "contacts": {}}
    for spec in profile.files:
        for column in spec.columns:
            table = _owner(column)
            cells = values.cells(column)
            _check_column(column, cells, values.problems(column), reasons[table])
        for group in spec.one_of:
            if spec.rows != "customers":
                _check_one_of(spec, group, values, reasons["contacts"])
    orphan = ~contacts["customer_code"].isin(
        customers.loc[~customers.index.isin(list(reasons["customers"])), "customer_code"])
    for index in contacts.index[orphan]:
        reasons["contacts"].setdefault(index, []).append(
            RejectReason.UNKNOWN_REFERENCE.at("customer_code"))
    lines = [(spec, _lines(spec, values, reasons)) for spec in profile.files]
    for spec, frame in lines:  # a customer alone on a line must fill the line's required
        alone = frame[frame[CONTACT].isna()]
        for column in spec.columns:
            if column.required and column.table == "contacts":
                for index in alone[CUSTOMER]:
                    reasons["customers"].setdefault(index, []).append(
                        RejectReason.MISSING_REQUIRED.at(column.header))
    lines = [(spec, _lines(spec, values, reasons)) for spec in profile.files]
    rejected = [rejects_frame(table, source.loc[list(found)], ["; ".join(dict.fromkeys(r))
                                                               for r in found.values()])
                for table, source in (("customers", customers), ("contacts", contacts))
                for found in [reasons[table]] if found]
    kept = {t: set(s.index) - set(reasons[t]) for t, s in (("customers", customers),
                                                           ("contacts", contacts))}
    on_lines = {t: set().union(*(set(f[c].dropna()) for _, f in lines))
                for t, c in (("customers", CUSTOMER), ("contacts", CONTACT))}
    return Built(lines=lines, rejects=concat_frames(rejected, REJECT_COLUMNS),
                 changes=values.changes(kept),
                 exported={t: len(on_lines[t] & kept[t]) for t in OBJECTS if t in frames},
                 shared_names=_shared_names(customers, kept["customers"]))


def _shared_names(customers: pd.DataFrame, kept: set[Any]) -> pd.DataFrame:
    written = customers.loc[sorted(kept)]
    key = _field(written, "name").str.casefold()
    shared = written[key.duplicated(keep=False) & (key != "")]
    out = shared[["customer_code", "name", *[c for c in LINEAGE_COLUMNS
                                             if c in shared.columns]]].copy()
    out.insert(0, "group", key[shared.index].rank(method="dense").astype(int))
    return out.sort_values(["group", "customer_code"], ignore_index=True)


def _frame(frames: Mapping[str, pd.DataFrame], table: str) -> pd.DataFrame:
    frame = frames.get(table)
    if frame is None:
        frame = pd.DataFrame({"customer_code": pd.Series(dtype=object)})
    return frame.reset_index(drop=True)


def _owner(column: Column) -> str:
    """The record a column's problems reject: its table's (options belong to the line's
    contact, as they fill every line)."""
    return "customers" if column.table == "customers" else "contacts"


def _check_column(column: Column, cells: pd.Series, problems: Mapping[Any, str],
                  found: dict[Any, list[str]]) -> None:
    if column.table == "options":
        return  # the same on every line; export() refuses a missing one up front
    empty = cells == ""
    if column.required:
        for index in cells.index[empty]:
            found.setdefault(index, []).append(RejectReason.MISSING_REQUIRED.at(column.header))
    if column.max_length is not None:
        for index in cells.index[cells.str.len() > column.max_length]:
            found.setdefault(index, []).append(RejectReason.TOO_LONG.at(column.header))
    for index in problems:
        found.setdefault(index, []).append(RejectReason.UNENCODABLE.at(column.header))


def _check_one_of(spec: FileSpec, group: tuple[str, ...], values: _Values,
                  found: dict[Any, list[str]]) -> None:
    columns = [c for c in spec.columns if c.header in group]
    filled = pd.Series(False, index=values.contacts.index)
    for column in columns:
        filled |= values.cells(column).reindex(filled.index, fill_value="") != ""
    for index in filled.index[~filled]:
        found.setdefault(index, []).append(RejectReason.MISSING_REQUIRED.at(group[0]))


def _lines(spec: FileSpec, values: _Values, reasons: dict[str, dict[Any, list[str]]]
           ) -> pd.DataFrame:
    """One frame per file: a line per record (or contact with its customer) that passed.

    Records are addressed by position (the frames have a RangeIndex); -1 is "none", which
    takes the empty cell appended to each column."""
    customers = np.setdiff1d(np.arange(len(values.customers)), list(reasons["customers"]))
    contacts = np.setdiff1d(np.arange(len(values.contacts)), list(reasons["contacts"]))
    codes = values.customers["customer_code"].to_numpy(object)[customers]
    first = pd.Series(customers, index=codes)
    first = first[~first.index.duplicated()]
    if spec.rows == "customers":
        of_customer, of_contact = customers, np.full(len(customers), -1)
    else:
        own = values.contacts["customer_code"].iloc[contacts].map(first)
        of_customer = own.fillna(-1).to_numpy(dtype=np.int64)
        of_contact = contacts
        if spec.rows == "contacts_and_customers":
            alone = np.setdiff1d(customers, of_customer)
            of_customer = np.concatenate([of_customer, alone])
            of_contact = np.concatenate([of_contact, np.full(len(alone), -1)])
            order = np.argsort(of_customer, kind="stable")
            of_customer, of_contact = of_customer[order], of_contact[order]
    out: dict[str, Any] = {}
    for column in spec.columns:  # a template may repeat a header: the last one wins
        if column.table == "options":
            out[column.header] = np.full(len(of_customer), values.options.get(column.field, ""),
                                         dtype=object)
            continue
        at = of_customer if _owner(column) == "customers" else of_contact
        out[column.header] = _take(values.cells(column), at, "")
    for name in LINEAGE_COLUMNS:  # a line's lineage: its contact's, else its customer's
        by_contact = _take(_col(values.contacts, name), of_contact, None)
        by_customer = _take(_col(values.customers, name), of_customer, None)
        out[name] = np.where(of_contact >= 0, by_contact, by_customer)
    out[CUSTOMER] = pd.array(np.where(of_customer >= 0, of_customer, 0), dtype="Int64")
    out[CUSTOMER][of_customer < 0] = pd.NA
    out[CONTACT] = pd.array(np.where(of_contact >= 0, of_contact, 0), dtype="Int64")
    out[CONTACT][of_contact < 0] = pd.NA
    return pd.DataFrame(out)


def _take(cells: pd.Series, at: np.ndarray, missing: Any) -> np.ndarray:
    """`cells` at positions `at`; position -1 gives `missing`."""
    return np.append(cells.to_numpy(dtype=object), np.array([missing], dtype=object))[at]


class _Values:
    """Each column's cells, formatted, encoded and formula-safe, computed once per source."""

    def __init__(self, profile: CrmProfile, customers: pd.DataFrame, contacts: pd.DataFrame,
                 options: dict[str, str], encoder: Encoder, unencodable: Unencodable) -> None:
        self.profile = profile
        self.customers = customers
        self.contacts = contacts
        self.options = options
        self.encoder = encoder
        self.unencodable = unencodable
        self._cells: dict[tuple[str, str], tuple[pd.Series, dict[Any, str]]] = {}
        self._changes: list[pd.DataFrame] = []
        home = customers["country"] if "country" in customers.columns else None
        self.customer_home = (home.fillna("JP").astype(str) if home is not None
                              else pd.Series("JP", index=customers.index))
        self.contact_home = self._of_customer(self.customer_home).fillna("JP")
        self.contact_customer_name = self._of_customer(_texts(_col(customers, "name")))

    def _of_customer(self, values: pd.Series) -> pd.Series:
        """Each contact's customer's value of `values` (a series over the customers)."""
        by_code = values.set_axis(self.customers["customer_code"])
        by_code = by_code[~by_code.index.duplicated()]
        return self.contacts["customer_code"].map(by_code).astype(object)

    def cells(self, column: Column) -> pd.Series:
        return self._computed(column)[0]

    def problems(self, column: Column) -> dict[Any, str]:
        """Records whose value of this column has characters the target cannot write."""
        return self._computed(column)[1]

    def _computed(self, column: Column) -> tuple[pd.Series, dict[Any, str]]:
        key = (column.source, column.kind)
        if key not in self._cells:
            self._cells[key] = self._compute(column)
        return self._cells[key]

    def _compute(self, column: Column) -> tuple[pd.Series, dict[Any, str]]:
        table = _owner(column)
        rows = self.customers if table == "customers" else self.contacts
        raw = self._raw(column, rows)
        text = _texts(raw)
        formatted = self._format(column, text, table)
        written, problems = self._encode(column, formatted, rows, table)
        safe = self._formula_safe(column, written, rows, table)
        return safe, problems

    def _raw(self, column: Column, rows: pd.DataFrame) -> pd.Series:
        if column.table == "options":
            return pd.Series(self.options.get(column.field, ""), index=rows.index, dtype=object)
        derive = _DERIVED.get(column.source)
        if column.source == "contacts.last_name":
            return _last_name(rows).where(_has_name(rows), self.contact_customer_name)
        if column.source == "customers.site":  # Salesforce tells accounts apart by name+site
            key = _field(rows, "name").str.casefold()
            return _field(rows, "customer_code").where(key.duplicated(keep=False), "")
        if column.source == "contacts.phone_or_customer":
            own = _field(rows, "phone")
            return own.where(own != "", self._of_customer(_col(self.customers, "phone")))
        if derive is not None:
            return derive(rows)
        if column.table == "customers" and rows is self.contacts:
            return pd.Series("", index=rows.index, dtype=object)
        return _col(rows, column.field)

    def _format(self, column: Column, text: pd.Series, table: str) -> pd.Series:
        fmt = self.profile.date_format
        if column.kind == "date":
            return pd.Series(per_distinct(text, lambda v: _date(v, fmt), ""),
                             index=text.index, dtype=object)
        if column.kind == "national_phone":
            home = self.customer_home if table == "customers" else self.contact_home
            homes = home.reindex(text.index).fillna("JP").astype(str)
            done: dict[tuple[str, str], str] = {}
            return pd.Series([done[(v, h)] if (v, h) in done
                              else done.setdefault((v, h), _national(v, h))
                              for v, h in zip(text, homes, strict=True)],
                             index=text.index, dtype=object)
        return text

    def _encode(self, column: Column, text: pd.Series, rows: pd.DataFrame, table: str
                ) -> tuple[pd.Series, dict[Any, str]]:
        """Substitute what the table allows; a character still unwritable rejects its
        record when the field is required (or --unencodable reject), else it becomes 〓."""
        if self.encoder.fits_all(text):
            return text, {}
        out, problems, changed = [], {}, []
        for index, value in text.items():
            result = self.encoder.check(value) if value else None
            if result is None or (not result.substituted and not result.unwritable):
                out.append(value)
            elif self.unencodable == "reject" or (result.unwritable and column.required):
                problems[index] = result.unwritable or value
                out.append(value)
            else:
                fixed = "".join(GETA if c in result.unwritable else c for c in result.text)
                out.append(fixed)
                changed.append((index, value, fixed, "unencodable_marked"
                                if result.unwritable else "substitute"))
        for rule in ("substitute", "unencodable_marked"):
            mine = [c for c in changed if c[3] == rule]
            if mine:
                self._log(table, rows.loc[[c[0] for c in mine]], column.header,
                          [c[1] for c in mine], [c[2] for c in mine], rule)
        return pd.Series(out, index=text.index, dtype=object), problems

    def _formula_safe(self, column: Column, text: pd.Series, rows: pd.DataFrame,
                      table: str) -> pd.Series:
        exempt = column.kind in ("phone", "national_phone")
        leads = text.str[:1].isin(FORMULA_LEADS)
        if not leads.any():
            return text
        safe = text.copy()
        safe[leads] = text[leads].map(
            lambda v: v if exempt and _VALID_PHONE.fullmatch(v) else formula_safe(v))
        moved = safe != text
        if moved.any():
            self._log(table, rows.loc[moved[moved].index], column.header,
                      list(text[moved]), list(safe[moved]), "formula_guard")
        return safe

    def _log(self, table: str, rows: pd.DataFrame, header: str, before: list[str],
             after: list[str], rule: str) -> None:
        frame = pd.DataFrame({"table": table, **{c: _col(rows, c).to_numpy()
                                                 for c in LINEAGE_COLUMNS},
                              "field": header, "before": before, "after": after,
                              "rule": rule, "_index": rows.index}, dtype=object)
        self._changes.append(frame)

    def changes(self, kept: Mapping[str, set[Any]]) -> pd.DataFrame:
        """The changes of cells that were written (rejected records changed nothing),
        once per record and header."""
        if not self._changes:
            return concat_frames([], CHANGE_COLUMNS)
        frame = pd.concat(self._changes, ignore_index=True)
        written = [i in kept[t] for t, i in zip(frame["table"], frame["_index"], strict=True)]
        frame = frame[written].drop_duplicates(["table", "_index", "field", "rule"])
        return frame[CHANGE_COLUMNS].reset_index(drop=True)


def _col(rows: pd.DataFrame, name: str) -> pd.Series:
    if name in rows.columns:
        return rows[name].astype(object)
    return pd.Series(None, index=rows.index, dtype=object)


def _field(rows: pd.DataFrame, name: str) -> pd.Series:
    """A field of `rows` as text, empty where the frame has no such column."""
    return _texts(_col(rows, name))


def _texts(values: pd.Series) -> pd.Series:
    """Every cell as text (see _text), each distinct value converted once."""
    return pd.Series(per_distinct(values, _text, ""), index=values.index, dtype=object)


def _text(value: Any) -> str:
    """A cell as text: empty for missing, integers without `.0`, dates in ISO form."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _date(value: str, fmt: str) -> str:
    """An ISO date in the target's format; anything else as it is (a text, not a date)."""
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(value[:10]).strftime(fmt)
    except ValueError:
        return value


def _national(value: str, home: str) -> str:
    """A phone of the row's country in national form (03-1234-5678), others international."""
    if not value.startswith("+"):
        return value
    import phonenumbers

    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    region = phonenumbers.region_code_for_number(number)
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if region == home.upper()
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return str(phonenumbers.format_number(number, style))


def _street(rows: pd.DataFrame) -> pd.Series:
    first, second = _field(rows, "address_line1"), _field(rows, "address_line2")
    return (first + " " + second).str.strip()


def _domain(rows: pd.DataFrame) -> pd.Series:
    """The website's host without `www.`, else a company e-mail's domain."""
    def one(website: str, email: str) -> str:
        if website:
            host = urlsplit(website if "//" in website else f"//{website}").hostname or ""
            return host.removeprefix("www.")
        domain = email.rpartition("@")[2].lower()
        return "" if not domain or domain in SHARED_DOMAINS else domain

    return pd.Series([one(w, e) for w, e in zip(_field(rows, "website"),
                                                 _field(rows, "email"), strict=True)],
                     index=rows.index, dtype=object)


def _last_name(rows: pd.DataFrame) -> pd.Series:
    family = _field(rows, "family_name")
    return family.where(family != "", _field(rows, "full_name"))


def _has_name(rows: pd.DataFrame) -> pd.Series:
    """Contacts with a name of their own; one without is the customer (a shop's member)."""
    named = pd.Series(False, index=rows.index)
    for name in ("family_name", "given_name", "full_name"):
        named |= _field(rows, name) != ""
    return named


def _first_name(rows: pd.DataFrame) -> pd.Series:
    family = _field(rows, "family_name")
    return _field(rows, "given_name").where(family != "", "")


_DERIVED: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "customers.street": _street,
    "customers.domain": _domain,
    "contacts.last_name": _last_name,
    "contacts.first_name": _first_name,
}
