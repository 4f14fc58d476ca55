"""Golden tables of the clean transforms: fixture CSVs in, cells shown as the CSVs write them."""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any

import pandas as pd
import pytest

from tests.conftest import FIXTURES

_TYPES = {"str": str, "int": int, "float": float, "bool": lambda t: t == "true",
          "none": lambda _t: None}


def typed(text: str, kind: str) -> object:
    """A fixture cell as the reader would hand it over: text, int, float, bool or empty."""
    return _TYPES[kind](text)


def golden(name: str) -> pd.DataFrame:
    """tests/fixtures/clean/<name>, every cell text; `value` holds the typed input."""
    frame = pd.read_csv(FIXTURES / "clean" / name, dtype=str, keep_default_na=False,
                        encoding="utf-8")
    kinds = frame["kind"] if "kind" in frame else ["str"] * len(frame)
    frame["value"] = pd.Series([typed(t, k) for t, k in zip(frame["input"], kinds, strict=True)],
                               index=frame.index, dtype="object")
    return frame


def shown(value: object) -> str:
    """A cell as the golden CSV writes it: missing as the empty string."""
    return "" if value is None or value is pd.NA or value != value else str(value)


def text(series: pd.Series) -> list[str]:
    return [shown(v) for v in series]


def mismatches(rows: pd.DataFrame, got: Mapping[str, pd.Series]) -> list[str]:
    """One line per golden row whose outputs differ from its expected columns."""
    found = pd.DataFrame({name: text(values) for name, values in got.items()}, index=rows.index)
    want = rows[list(got)]
    return [f"line {i + 2}: {rows.at[i, 'input']!r} gave {tuple(found.loc[i])}, "
            f"want {tuple(want.loc[i])}"
            for i in rows.index if tuple(found.loc[i]) != tuple(want.loc[i])]


def record_calls(monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str
                 ) -> list[object]:
    """Wrap `module.name` so every first argument it is called with is recorded."""
    calls: list[object] = []
    real = getattr(module, name)

    def recording(value: object, *rest: Any) -> Any:
        calls.append(value)
        return real(value, *rest)

    monkeypatch.setattr(module, name, recording)
    return calls
