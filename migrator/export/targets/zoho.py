"""Zoho CRM: an Accounts file, then a Contacts file whose `Account Name` names the account.

Sources (../shared/CRM-FORMATS.md): CSV ≤ 5 MB, row 1 field names, UTF-8, no `|`, `<`
or `>` in values, dates `MM/dd/yyyy` [ZO-A, ZO-B]; the contact's `Account Name` lookup
is matched by name [ZO-D]; mandatory fields (Account Name, Last Name) filled [ZO-A].
"""

from __future__ import annotations

from migrator.export.profile import Column, CrmProfile, FileSpec

PROFILE = CrmProfile(
    name="zoho",
    title="Zoho CRM import (Accounts, then Contacts)",
    files=(
        FileSpec(
            name="accounts",
            rows="customers",
            purpose="Accounts: import this first",
            columns=(
                Column("Account Name", "customers.name", required=True, max_length=200),
                Column("Account Number", "customers.customer_code", max_length=40),
                Column("Phone", "customers.phone", "phone", max_length=30),
                Column("Fax", "customers.fax", "phone", max_length=30),
                Column("Website", "customers.website", max_length=255),
                Column("Industry", "customers.industry"),
                Column("Billing Street", "customers.street", max_length=250),
                Column("Billing City", "customers.city", max_length=30),
                Column("Billing State", "customers.region", max_length=30),
                Column("Billing Code", "customers.postal_code", max_length=30),
                Column("Billing Country", "customers.country", max_length=30),
                Column("Description", "customers.notes"),
            ),
        ),
        FileSpec(
            name="contacts",
            rows="contacts",
            purpose="Contacts: import after the accounts; Account Name links each one",
            columns=(
                Column("First Name", "contacts.first_name", max_length=40),
                Column("Last Name", "contacts.last_name", required=True, max_length=80),
                Column("Account Name", "customers.name", required=True, max_length=200),
                Column("Email", "contacts.email", "email", max_length=100),
                Column("Phone", "contacts.phone", "phone", max_length=30),
                Column("Mobile", "contacts.mobile", "phone", max_length=30),
                Column("Title", "contacts.title", max_length=100),
                Column("Department", "contacts.department", max_length=30),
                Column("Date of Birth", "contacts.birthday", "date"),
                Column("Description", "contacts.notes"),
            ),
        ),
    ),
    encoding="utf-8",
    date_format="%m/%d/%Y",
    max_bytes=5 * 1_000_000,
    forbidden="|<>",
    links_by_name=True,
    notes=(
        "Import accounts.csv into Accounts first, then contacts.csv into Contacts; the "
        "contact's Account Name is matched with the account of that name.",
        "Dates are MM/dd/yyyy; the files are UTF-8 and at most 5 MB each (split beyond).",
        "Zoho refuses | < > in values; each was replaced by its full-width form (｜＜＞) "
        "and logged in changes.csv, or the line rejected with --unencodable reject.",
        "Zoho's batch limits per edition (1,500 rows on Free) are not confirmed by a "
        "current page; pass --max-rows to split smaller.",
    ),
)
