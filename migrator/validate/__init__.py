"""The validate stage: the GX suites in `expectations/` run on the cleaned tables.

Importing this package imports neither pandas nor Great Expectations; `validate` and
`generate_suites` import them when called. Regenerate the committed suites with
`python -m migrator.validate.suites expectations`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from migrator.lazy import lazy_attributes

__all__ = ["ValidationReport", "generate_suites", "validate"]

if TYPE_CHECKING:
    from migrator.validate.run import ValidationReport, validate
    from migrator.validate.suites import generate_suites

__getattr__ = lazy_attributes(__name__, {
    "ValidationReport": "migrator.validate.run",
    "validate": "migrator.validate.run",
    "generate_suites": "migrator.validate.suites",
})
