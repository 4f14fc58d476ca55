"""Salesforce Data Import Wizard: accounts and contacts in one file, so each contact is
attached to the account named on its line.

Sources (../shared/CRM-FORMATS.md): field labels `Account Name`, `Billing Street`,
`Billing City`, `Billing State/Province`, `Billing Zip/Postal Code`, `Billing Country`,
`Phone`, `Website` [SF-H]; contact `First Name` + `Last Name` (never together with
`Contact Full Name`), `Business Phone`, `Birthdate` [SF-C]; `Mobile Phone`, `Email` [SF-I];
≤ 50,000 records and ≤ 90 fields per import, ≤ 400 KB a record, ≤ 100 MB a file [SF-A];
one account per unique name, its contacts linked to it [SF-B]; dates `yyyy-MM-dd` and
UTF-8 (help.salesforce.com "CSV File Readiness").
"""

from __future__ import annotations

from migrator.export.profile import Column, CrmProfile, FileSpec

PROFILE = CrmProfile(
    name="salesforce",
    title="Salesforce Data Import Wizard (Accounts and Contacts)",
    files=(FileSpec(
        name="accounts_and_contacts",
        rows="contacts_and_customers",
        purpose="accounts and their contacts: choose \"Accounts and Contacts\" in the wizard",
        columns=(
            Column("Account Name", "customers.name", required=True, max_length=255),
            Column("Account Site", "customers.site", max_length=80),
            Column("Account Number", "customers.customer_code", max_length=40),
            Column("Phone", "customers.phone", "phone", max_length=40),
            Column("Fax", "customers.fax", "phone", max_length=40),
            Column("Website", "customers.website", max_length=255),
            Column("Industry", "customers.industry"),
            Column("Billing Street", "customers.street", max_length=255),
            Column("Billing City", "customers.city", max_length=40),
            Column("Billing State/Province", "customers.region", max_length=80),
            Column("Billing Zip/Postal Code", "customers.postal_code", max_length=20),
            Column("Billing Country", "customers.country", max_length=80),
            Column("First Name", "contacts.first_name", max_length=40),
            Column("Last Name", "contacts.last_name", max_length=80),
            Column("Email", "contacts.email", "email", max_length=80),
            Column("Business Phone", "contacts.phone", "phone", max_length=40),
            Column("Mobile Phone", "contacts.mobile", "phone", max_length=40),
            Column("Title", "contacts.title", max_length=128),
            Column("Department", "contacts.department", max_length=80),
            Column("Birthdate", "contacts.birthday", "date"),
        ),
        one_of=(("Last Name",),),
    ),),
    encoding="utf-8",
    date_format="%Y-%m-%d",
    max_rows=50_000,
    max_bytes=100 * 1_000_000,
    max_columns=90,
    max_line_bytes=400_000,
    links_by_name=True,
    notes=(
        "Import accounts_and_contacts.csv with Setup > Data Import Wizard > Accounts and "
        "Contacts; match accounts by Name and Site and contacts by Name. Account Site holds "
        "the customer code only where two customers share a name, so they stay two "
        "accounts [SF-B].",
        "Dates are yyyy-MM-dd and the file is UTF-8 (Salesforce \"CSV File Readiness\").",
        "Account field labels other than Account Name come from public code using them, not "
        "from the wizard's own page; the wizard lets you map any column it does not match.",
    ),
)
