"""The validate stage: the GX suites in `expectations/` run on the tables before they load.

Importing this package imports neither pandas nor Great Expectations; `validate` and
`generate_suites` import them when called. Regenerate the committed suites with
`python -m migrator.validate.suites expectations`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from migrator.lazy import lazy_attributes

__all__ = ["ValidationReport", "generate_suites", "validate"]

if TYPE_CHECKING:
    from migrator.tables import ValidationReport
    from migrator.validate.stage import validate
    from migrator.validate.suites import generate_suites

__getattr__ = lazy_attributes(__name__, {
    "ValidationReport": "migrator.tables",
    "validate": "migrator.validate.stage",
    "generate_suites": "migrator.validate.suites",
})
