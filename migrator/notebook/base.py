"""What the widgets share: escaping, bars, lineage as a person reads it."""

from __future__ import annotations

import math
from html import escape
from typing import Any

from migrator.lineage import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET

ALL = "(all)"
"""The filter choice that keeps every row."""


def blank(value: Any) -> bool:
    return value is None or value is Ellipsis or (isinstance(value, float) and math.isnan(value)) \
        or str(value) in ("<NA>", "NaT", "nan", "None")


def text(value: Any) -> str:
    return "" if blank(value) else str(value)


def where(row: Any) -> str:
    """A row's lineage as `file › sheet › row` (a CSV has no sheet)."""
    parts = [text(row[SOURCE_FILE]), text(row[SOURCE_SHEET]), text(row[SOURCE_ROW])]
    return " › ".join(p for p in parts if p)


def bar(share: float, colour: str = "#ef6c00", width: int = 200) -> str:
    """A horizontal bar for a share 0..1, with its percentage."""
    share = max(0.0, min(1.0, share))
    return (f'<div style="display:flex;align-items:center;gap:4px">'
            f'<div style="width:{width}px;height:8px;background:#eee">'
            f'<div style="width:{share * 100:.0f}%;height:8px;background:{colour}"></div></div>'
            f'<span>{share:.0%}</span></div>')


def table(header: list[str], rows: list[list[str]], *, raw: frozenset[int] = frozenset(),
          highlight: list[set[int]] | None = None, css: str = "") -> str:
    """An HTML table; cells are escaped unless their column is in `raw` (bars);
    `highlight[r]` names the columns of row r to show in light red."""
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{escape(h)}</th>"
                   for h in header)
    body = []
    for r, row in enumerate(rows):
        marked = highlight[r] if highlight else set()
        cells = "".join(
            f"<td style='padding:2px 8px;vertical-align:top;"
            f"{'background:#FFC7CE;' if c in marked else ''}'>"
            f"{cell if c in raw else escape(cell)}</td>" for c, cell in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return (f"<table class='{css}' style='border-collapse:collapse'><thead><tr>{head}</tr>"
            f"</thead><tbody>{''.join(body)}</tbody></table>")


class Shown:
    """A widget holder a notebook displays by its last expression (`editor`)."""

    widget: Any

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
