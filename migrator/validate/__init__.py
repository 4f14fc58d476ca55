"""The validate stage: the GX suites in `expectations/` run on the cleaned tables.

Importing this package imports neither pandas nor Great Expectations; `validate` and
`generate_suites` import them when called. Regenerate the committed suites with
`python -m migrator.validate.suites expectations`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["ValidationReport", "generate_suites", "validate"]

if TYPE_CHECKING:
    from migrator.validate.run import ValidationReport, validate
    from migrator.validate.suites import generate_suites

_LAZY = {
    "ValidationReport": "migrator.validate.run",
    "validate": "migrator.validate.run",
    "generate_suites": "migrator.validate.suites",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'migrator.validate' has no attribute {name!r}")
