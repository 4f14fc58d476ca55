"""Microsoft Dynamics 365 / Power Apps: accounts, then contacts whose `Company Name` names
the account, with the display names as headers so the columns map themselves.

Sources (../shared/CRM-FORMATS.md): `.csv` ≤ 8 MB; East Asian text needs UTF-8 with a BOM
[MS-A]; headers equal to a field's display name auto-map [MS-A 2024]; contact `Last Name`
required, ≤ 50 characters, `Address 1: …` columns, `Company Name` the parent account,
account `Main Phone` [MS-B]; `First Name`, `Business Phone`, `Mobile Phone`, `Job Title`
[MS-A 2020].
"""

from __future__ import annotations

from migrator.export.profile import Column, CrmProfile, FileSpec

PROFILE = CrmProfile(
    name="dynamics",
    title="Dynamics 365 / Power Apps import (Accounts, then Contacts)",
    files=(
        FileSpec(
            name="accounts",
            rows="customers",
            purpose="Accounts: import this first",
            columns=(
                Column("Account Name", "customers.name", required=True, max_length=160),
                Column("Account Number", "customers.customer_code", max_length=20),
                Column("Main Phone", "customers.phone", "phone", max_length=50),
                Column("Fax", "customers.fax", "phone", max_length=50),
                Column("Email", "customers.email", "email", max_length=100),
                Column("Website", "customers.website", max_length=200),
                Column("Address 1: Street 1", "customers.address_line1", max_length=250),
                Column("Address 1: Street 2", "customers.address_line2", max_length=250),
                Column("Address 1: City", "customers.city", max_length=80),
                Column("Address 1: State/Province", "customers.region", max_length=50),
                Column("Address 1: ZIP/Postal Code", "customers.postal_code", max_length=20),
                Column("Address 1: Country/Region", "customers.country", max_length=80),
                Column("Description", "customers.notes"),
            ),
        ),
        FileSpec(
            name="contacts",
            rows="contacts",
            purpose="Contacts: import after the accounts; Company Name links each one",
            columns=(
                Column("First Name", "contacts.first_name", max_length=50),
                Column("Last Name", "contacts.last_name", required=True, max_length=50),
                Column("Company Name", "customers.name", required=True, max_length=160),
                Column("Email", "contacts.email", "email", max_length=100),
                Column("Business Phone", "contacts.phone", "phone", max_length=50),
                Column("Mobile Phone", "contacts.mobile", "phone", max_length=50),
                Column("Job Title", "contacts.title", max_length=100),
                Column("Department", "contacts.department", max_length=100),
                Column("Birthday", "contacts.birthday", "date"),
                Column("Description", "contacts.notes"),
            ),
        ),
    ),
    encoding="utf-8-sig",
    date_format="%Y-%m-%d",
    max_bytes=8 * 1_000_000,
    links_by_name=True,
    notes=(
        "Import accounts.csv first, then contacts.csv; Company Name is a lookup that "
        "resolves to the account of that name.",
        "The files are UTF-8 with a BOM, which Microsoft asks for with East Asian text, and "
        "at most 8 MB each (split beyond).",
        "Microsoft's pages disagree on some contact labels (Business Phone vs Address 1: "
        "Telephone 1); a column the wizard does not match shows \"!\" and can be mapped by "
        "hand. The date format the wizard expects is not documented; dates are yyyy-MM-dd.",
    ),
)
