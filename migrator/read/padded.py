"""Zero-padded number formats: the number a cell stores (2134) as the text a person sees.

Why: `00000` or `000-0000` shows a ZIP or postal code with its leading zeros, but the
cell stores a number, and calamine gives the number. Only workbooks whose styles define
such a format pay for a second, streaming pass over their sheets (sparse.py).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

_NUMFMT = re.compile(r'<(?:\w+:)?numFmt\b[^>]*formatCode="([^"]*)"')
# One section of zero placeholders with literal separators: 00000, 000-0000, "〒"000-0000.
_PADDED = re.compile(r'^(?=(?:[^0]*0){2})(?:"[^"]*"|\\.|[-\s()])*0(?:"[^"]*"|\\.|[-\s()0])*$')


def padded_formats(path: Path) -> bool:
    """Does styles.xml define a zero-padded number format? (cheap: no sheet is parsed)"""
    try:
        with zipfile.ZipFile(path) as zf:
            styles = zf.read("xl/styles.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return False
    return any(_PADDED.match(code.split(";")[0]) for code in _NUMFMT.findall(styles))


def padded_text(value: object, fmt: str) -> str | None:
    """The text a whole number shows under a zero-padded format; None for anything else."""
    fmt = fmt.split(";")[0]
    if not isinstance(value, int | float) or isinstance(value, bool) or not _PADDED.match(fmt):
        return None
    if not float(value).is_integer():
        return None
    return render_padded(int(value), fmt)


def render_padded(value: int, fmt: str) -> str:
    """Format an integer the way Excel shows it under a zero-padded format."""
    parts: list[tuple[bool, str]] = []  # (is_placeholder, literal)
    for m in re.finditer(r'"([^"]*)"|\\(.)|(0)|(.)', fmt):
        literal, escaped, zero, other = m.groups()
        parts.append((zero is not None, literal or escaped or other or ""))
    slots = sum(1 for p, _ in parts if p)
    digits = str(abs(value)).rjust(slots, "0")
    extra, digits = digits[: len(digits) - slots], digits[len(digits) - slots :]
    out: list[str] = ["-" if value < 0 else ""]
    it = iter(digits)
    first = True
    for is_slot, literal in parts:
        if is_slot:
            out.append((extra if first else "") + next(it))
            first = False
        else:
            out.append(literal)
    return "".join(out)
