"""What a CRM's import file looks like, declared: the files, their columns, the encoding,
the limits and the value formats. One small `CrmProfile` per target (targets/), one shared
writer (writer.py) that obeys it, so adding a CRM is one file.

A column names where its value comes from as `table.field` of the `crm` schema, or one of
the derived values in `DERIVED` (a street from two address lines, a company domain from the
website or a company e-mail, a last name when only a full name is known).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

Kind = Literal["text", "date", "phone", "national_phone", "email"]
"""How a value is written: text as it is; a date in the profile's `date_format`; a phone in
E.164 (`+81312345678`), or national for a number of the row's country (`03-1234-5678`)
and international otherwise; an e-mail as it is."""

Rows = Literal["customers", "contacts", "contacts_and_customers"]
"""What one line of a file is: a customer; a contact (with its customer's columns beside
it, which is how CRMs link a contact to its account); or a contact with its customer, plus
one line for each customer that has no contact (one file for both objects)."""

DERIVED = {
    "customers.street": "address_line1 and address_line2 joined by a space",
    "customers.domain": "the website's host, else the domain of the customer's e-mail "
                        "(not a shared mail service such as gmail.com)",
    "customers.site": "the customer code when another customer has the same name (Salesforce "
                      "keeps one account per name and site), else empty",
    "contacts.last_name": "family_name; the full name when no family name is known; the "
                          "customer's name when the contact has no name of its own (a "
                          "shop's member: the contact row holds a birthday, not a person)",
    "contacts.first_name": "given_name when a family name is known",
    "contacts.phone_or_customer": "the contact's phone, else its customer's (a business "
                                  "card shows the office number)",
}
"""Values computed from the schema's fields, and how."""


@dataclass(frozen=True)
class Column:
    """One column of an import file."""

    header: str
    """The CRM's label, written as it is in the header row."""
    source: str
    """`table.field` of the `crm` schema, or a key of DERIVED."""
    kind: Kind = "text"
    required: bool = False
    """A line without a value here is rejected (the CRM would refuse it)."""
    max_length: int | None = None
    """Characters the CRM holds; a longer value rejects its line."""

    @property
    def table(self) -> str:
        return self.source.partition(".")[0]

    @property
    def field(self) -> str:
        return self.source.partition(".")[2]


@dataclass(frozen=True)
class FileSpec:
    """One import file (split into parts when it exceeds the limits)."""

    name: str
    """File name without extension (`accounts`); parts are `accounts-2.csv` and on."""
    rows: Rows
    columns: tuple[Column, ...]
    one_of: tuple[tuple[str, ...], ...] = ()
    """Groups of headers of which at least one must hold a value on every line of the
    group's object (HubSpot: a contact needs a first name, a last name or an e-mail)."""
    purpose: str = ""
    """What the file creates, for README.txt."""

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


@dataclass(frozen=True)
class CrmProfile:
    """A CRM's import format: files in import order, encoding, limits, value formats."""

    name: str
    """The `--format` value (`salesforce`)."""
    title: str
    """What people call the import (`Salesforce Data Import Wizard`)."""
    files: tuple[FileSpec, ...]
    encoding: str = "utf-8"
    """Python codec name; `utf-8-sig` writes a BOM; `shift_jis` is strict JIS X 0208,
    `cp932` is Windows' Shift_JIS (with ①, ㈱, 髙)."""
    encodings: tuple[str, ...] = ()
    """Other encodings the CRM's import accepts (`--encoding`)."""
    date_format: str = "%Y-%m-%d"
    max_rows: int | None = None
    """Data lines per file; more are split into parts."""
    max_bytes: int | None = None
    """Bytes per file, header included; more are split into parts."""
    max_columns: int | None = None
    max_line_bytes: int | None = None
    """Bytes of one line; a longer line is rejected (it cannot be split)."""
    forbidden: str = ""
    """Characters the CRM refuses in a value (Zoho: `|<>`), handled like unencodable ones."""
    newline: str = "\r\n"
    links_by_name: bool = False
    """The CRM finds a contact's account (or merges records) by the account's name, so two
    customers of one name need a person's look (shared_names.csv)."""
    notes: tuple[str, ...] = ()
    """What README.txt says about this target: the rules followed, with their sources,
    and what no source confirms."""
    options: dict[str, str] = field(default_factory=dict)
    """Target settings chosen by the user (kintone app file, Sansan owner), for README.txt."""

    def with_files(self, files: tuple[FileSpec, ...], **options: str) -> CrmProfile:
        """This profile with other files (a kintone app's own fields, Sansan's template)."""
        return replace(self, files=files, options={**self.options, **options})
