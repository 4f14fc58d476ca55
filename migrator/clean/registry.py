"""Transforms by name, as the mapping YAML names them (`transform: [phone]`).

Modules are imported on first use, so naming a transform costs nothing until it runs.
"""

from __future__ import annotations

import importlib

from migrator.clean.base import Transform

TRANSFORMS: dict[str, str] = {
    "date": "migrator.clean.dates:date_transform",
    "wareki_date": "migrator.clean.dates:date_transform",
    "date_dmy": "migrator.clean.dates:day_first_transform",
    "phone": "migrator.clean.phone:phone_transform",
    "phone_assigned": "migrator.clean.phone:assigned_phone_transform",
    "email": "migrator.clean.email:email_transform",
    "postal_code": "migrator.clean.postal:postal_transform",
    "region": "migrator.clean.region:region_transform",
    "country": "migrator.clean.region:country_transform",
    "address_split": "migrator.clean.address:address_transform",
    "company_name": "migrator.clean.names:company_transform",
    "person_name": "migrator.clean.names:person_transform",
    "width": "migrator.clean.kana:width_transform",
    "kana": "migrator.clean.kana:kana_transform",
    "amount": "migrator.clean.amount:amount_transform",
}


def get_transform(name: str) -> Transform:
    """The transform registered under `name`; KeyError for an unknown name."""
    module, _, attr = TRANSFORMS[name].partition(":")
    transform: Transform = getattr(importlib.import_module(module), attr)
    return transform
