"""One module per CRM: each holds a `PROFILE` (see migrator/export/profile.py)."""

from __future__ import annotations

from migrator.export.profile import CrmProfile
from migrator.export.targets import dynamics, hubspot, kintone, salesforce, sansan, zoho

PROFILES: dict[str, CrmProfile] = {m.PROFILE.name: m.PROFILE for m in (
    salesforce, hubspot, zoho, dynamics, kintone, sansan)}
"""The targets `--format` names, in the order help lists them."""
