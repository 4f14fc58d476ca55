"""How results show themselves: counts and row numbers in words, tables for a terminal and
for a notebook (`_repr_html_`), with Japanese text aligned by its display width.

Every result object of the pipeline prints through these helpers, so a notebook and the
CLI show the same numbers the same way. Values of records are never passed here: a
result shows counts, names of tables and columns, and lineage, not customers.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any


def plural(n: int, noun: str) -> str:
    """`1 data row`, `2 data rows`, `1,200 data rows`."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def row_ranges(rows: Iterable[int], dash: str = "-") -> str:
    """Compact row numbers for people: [1, 2, 3, 7] → `1-3, 7`."""
    runs: list[list[int]] = []
    for n in rows:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}{dash}{b}" for a, b in runs)


def place(file: str, sheet: str | None, row: int) -> str:
    """Where a row was read, as a person finds it: `部署別顧客.xlsx [東京支店] row 6`."""
    return f"{file} [{sheet}] row {row}" if sheet else f"{file} row {row}"


def hand_fixes(n: int) -> str:
    """`1 hand fix`, `2 hand fixes`."""
    return f"{n:,} hand fix" if n == 1 else f"{n:,} hand fixes"


def fixes_line(applied: int, stale: Sequence[tuple[str, str, str, str | None, int]],
               shown: int = 5) -> str:
    """`2 hand fixes applied, 1 stale (the source changed): customers.phone at ... row 6`."""
    line = f"{hand_fixes(applied)} applied, {len(stale)} stale"
    if not stale:
        return line
    named = [f"{table}.{field} at {place(file, sheet, row)}"
             for table, field, file, sheet, row in stale[:shown]]
    more = f" and {len(stale) - shown} more" if len(stale) > shown else ""
    return f"{line} (the source changed): {', '.join(named)}{more}"


def display_width(text: str) -> int:
    """Columns a terminal (or Excel) gives the longest line of `text`: wide (CJK) characters
    take two."""
    line = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def text_table(header: Sequence[str], rows: Iterable[Sequence[Any]], indent: str = "  ") -> str:
    """Columns padded by display width; numbers right-aligned, text left-aligned."""
    cells = [[_text(v) for v in row] for row in rows]
    widths = [display_width(h) for h in header]
    for row in cells:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
    numeric = [all(_is_number(r[i]) for r in cells) and bool(cells) for i in range(len(header))]

    def line(values: Sequence[str]) -> str:
        parts = []
        for value, width, right in zip(values, widths, numeric, strict=True):
            pad = " " * (width - display_width(value))
            parts.append(pad + value if right else value + pad)
        return (indent + "  ".join(parts)).rstrip()

    return "\n".join([line(list(header)), *(line(r) for r in cells)])


def html_table(header: Sequence[str], rows: Iterable[Sequence[Any]],
               caption: str | None = None) -> str:
    """A small HTML table, every cell escaped; numbers right-aligned."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        tds = "".join(
            f'<td style="text-align:right">{escape(_text(v))}</td>' if _is_number(_text(v))
            else f'<td style="text-align:left">{escape(_text(v))}</td>' for v in row)
        body.append(f"<tr>{tds}</tr>")
    cap = f"<caption style=\"text-align:left\">{escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def html_lines(lines: Iterable[str]) -> str:
    """Plain lines of a result (its summary) as an escaped HTML paragraph."""
    return "<p>" + "<br>".join(escape(line) for line in lines) + "</p>"


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _is_number(text: str) -> bool:
    return bool(text) and text.replace(",", "").replace(".", "", 1).lstrip("-").isdigit()
