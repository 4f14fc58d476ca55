"""Module attributes imported on first use, so `migrator --help` starts without pandas."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_attributes(module: str, homes: dict[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` that imports `name` from `homes[name]` when first asked for."""

    def __getattr__(name: str) -> Any:
        if name in homes:
            return getattr(importlib.import_module(homes[name]), name)
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__
