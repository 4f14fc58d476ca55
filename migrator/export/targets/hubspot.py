"""HubSpot: contacts and companies in one file, each contact on the line of its company.

Sources (../shared/CRM-FORMATS.md): one header row, UTF-8 for non-English text, < 1,000
columns, ≤ 1,048,576 rows per file on paid plans [HS-A]; a contact needs a first name,
a last name or an e-mail, a company a name or a domain [HS-B 2021, HS-D]; contacts are
deduplicated by e-mail and companies by domain [HS-D]; one file for two objects, with
each object's columns on one line, associates them [HS-C]. Labels `First Name`,
`Last Name`, `Email Address` [HS-A]; `Company Domain Name` is the label of the `domain`
property [HS-D].
"""

from __future__ import annotations

from migrator.export.profile import Column, CrmProfile, FileSpec

PROFILE = CrmProfile(
    name="hubspot",
    title="HubSpot import (contacts and companies, one file)",
    files=(FileSpec(
        name="contacts_and_companies",
        rows="contacts_and_customers",
        purpose="contacts and companies, associated: choose \"Multiple objects\" and map "
                "the Company columns to Companies, the rest to Contacts",
        columns=(
            Column("First Name", "contacts.first_name"),
            Column("Last Name", "contacts.last_name"),
            Column("Email Address", "contacts.email", "email"),
            Column("Phone Number", "contacts.phone", "phone"),
            Column("Mobile Phone Number", "contacts.mobile", "phone"),
            Column("Job Title", "contacts.title"),
            Column("Department", "contacts.department"),
            Column("Company Name", "customers.name", required=True),
            Column("Company Domain Name", "customers.domain"),
            Column("Company Phone", "customers.phone", "phone"),
            Column("Company Street Address", "customers.street"),
            Column("Company City", "customers.city"),
            Column("Company State/Region", "customers.region"),
            Column("Company Postal Code", "customers.postal_code"),
            Column("Company Country/Region", "customers.country"),
            Column("Company Industry", "customers.industry"),
            Column("Customer Code", "customers.customer_code"),
        ),
        one_of=(("First Name", "Last Name", "Email Address"),),
    ),),
    encoding="utf-8",
    max_rows=1_048_576,
    max_bytes=512 * 1_000_000,
    max_columns=1_000,
    notes=(
        "Import contacts_and_companies.csv as one file with two objects (Contacts and "
        "Companies); HubSpot associates the contact and the company of each line.",
        "Contacts are matched by Email Address, companies by Company Domain Name.",
        "The Company … columns map to company properties (Name, Phone Number, Street "
        "Address, City, State/Region, Postal Code, Country/Region, Industry); their "
        "prefix tells them from the contact's own properties. Customer Code needs a "
        "custom company property, or skip it in the mapping step.",
        "Dates: HubSpot's import date format is not documented; no date column is written.",
    ),
)
