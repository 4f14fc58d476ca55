"""Great Expectations, imported at a third less cost.

GX imports altair, altair imports jsonschema, and jsonschema's format checkers import
rfc3987_syntax when it is installed (JupyterLab's jupyter-events brings it), which
builds 38 Lark grammars: 2.2 s of GX's 7.4 s import on this machine, for an `iri` format
check no suite of ours uses. Hiding that one module while GX first loads skips it;
jsonschema is then without the `iri` check in this process, and only when GX was the
first to import jsonschema.
"""

from __future__ import annotations

import sys
from types import ModuleType

_SKIPPED = "rfc3987_syntax"


def import_gx() -> ModuleType:
    """The `great_expectations` module, imported once per process."""
    if "great_expectations" in sys.modules:
        return sys.modules["great_expectations"]
    hide = _SKIPPED not in sys.modules and "jsonschema" not in sys.modules
    if hide:
        sys.modules[_SKIPPED] = None  # type: ignore[assignment]  # makes its import fail
    try:
        import great_expectations
    finally:
        if hide and sys.modules.get(_SKIPPED, ...) is None:
            del sys.modules[_SKIPPED]
    return great_expectations
