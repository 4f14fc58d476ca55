"""One column's profile: type, emptiness, distinct values, shapes, semantic type and flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from migrator.profile.numbers import number_shapes
from migrator.profile.personal import Personal, personal_data
from migrator.profile.semantic import FAMILIES, Semantic, Values, guess_semantic
from migrator.profile.shapes import (
    MAX_SHAPES,
    Chars,
    any_in,
    chars_of,
    merge_shapes,
    text_shapes,
    whitespace_issue,
    zero_padded,
)
from migrator.profile.stats import (
    Distinct,
    dated,
    distinct_values,
    inferred_type,
    numbers,
    render,
    top_values,
)

MOSTLY_EMPTY = 0.9
KEY_UNIQUE = 0.5
CODE_TYPES = frozenset({"postal_code", "phone", "customer_code"})
_FULL_WIDTH_DIGITS = ((0xFF10, 0xFF19),)
_HALF_WIDTH_KANA = ((0xFF66, 0xFF9F),)


@dataclass(frozen=True)
class ColumnProfile:
    """What one source column holds, as the profile JSON of DESIGN.md shows it."""

    name: str
    """The column's name as read (`連絡先 / TEL`)."""
    column: str | None
    """Excel column letter(s) in the sheet; None for a card."""
    inferred_type: str = "empty"
    """string, integer, decimal, date, datetime, time, boolean, mixed or empty, from the
    Python types of the non-null values (digits stored as text are `string`)."""
    null_share: float = 0.0
    """Share of rows with no value, 0..1, 4 places."""
    distinct: int = 0
    """Distinct non-null values."""
    top_values: list[dict[str, Any]] = field(default_factory=list)
    """Up to 5 `{"value": text, "count": n}`, most common first: one column's values,
    never whole records."""
    shapes: dict[str, int] = field(default_factory=dict)
    """Up to 8 value shapes (`99-9999-9999`) with their counts, most common first."""
    semantic: Semantic = field(default_factory=lambda: Semantic("text", 0.0))
    """What the values are (phone, postal_code...), with a confidence."""
    flags: list[str] = field(default_factory=list)
    """Messiness a reviewer must see, snake_case (`full_width_digits`...)."""
    personal: Personal | None = None
    """The personal data the column holds (kind and evidence), or None."""

    def asdict(self) -> dict[str, Any]:
        return {
            "name": self.name, "column": self.column, "inferred_type": self.inferred_type,
            "null_share": self.null_share, "distinct": self.distinct,
            "top_values": [dict(v) for v in self.top_values], "shapes": dict(self.shapes),
            "semantic": self.semantic.asdict(), "flags": list(self.flags),
            "personal": self.personal.asdict() if self.personal else None,
        }


def profile_column(name: str, column: str | None, series: pd.Series) -> ColumnProfile:
    """Profile one column of a source table's frame, vectorised over the whole column."""
    distinct = distinct_values(series)
    nonnull = distinct.nonnull
    shapes, chars, text_index = _shapes(distinct)
    strings = distinct.of_kind("string")
    nums, num_counts = numbers(distinct)
    values = Values(distinct.values[strings], distinct.counts[strings], nums, num_counts,
                    dated(distinct))
    unique_ratio = len(distinct.values) / nonnull if nonnull else 0.0
    semantic, hint = guess_semantic(name, values, unique_ratio)
    kind = inferred_type(distinct)
    null_share = round(1 - nonnull / distinct.rows, 4) if distinct.rows else 0.0
    return ColumnProfile(
        name=name, column=column, inferred_type=kind, null_share=null_share,
        distinct=len(distinct.values), top_values=top_values(distinct), shapes=shapes,
        semantic=semantic,
        flags=column_flags(distinct, chars, text_index, kind, null_share, semantic, hint),
        personal=personal_data(name, semantic, values.texts),
    )


def _shapes(distinct: Distinct) -> tuple[dict[str, int], Chars, np.ndarray]:
    """The column's top shapes, plus the characters of its non-number values (and
    where those values sit among the distinct values) for the flags."""
    numeric = distinct.of_kind("integer", "decimal")
    at = np.flatnonzero(numeric)
    nums, counts = numbers(distinct)
    floats = distinct.of_kind("decimal")[numeric]
    from_numbers, left = number_shapes(nums, counts, at, floats, MAX_SHAPES * 4)
    text_index = np.sort(np.concatenate([np.flatnonzero(~numeric), at[left]]))
    chars = chars_of(render(distinct, text_index))
    from_text = text_shapes(chars, distinct.counts[text_index], text_index, MAX_SHAPES * 4)
    return merge_shapes(from_text, from_numbers), chars, text_index


def column_flags(distinct: Distinct, chars: Chars, text_index: np.ndarray, kind: str,
                 null_share: float, semantic: Semantic, hint: str | None) -> list[str]:
    """The flags of one column, in the order DESIGN.md's reviewers read them.

    `chars` holds the non-number values, at `text_index` among the distinct values.
    """
    checks = {
        "mixed_types": kind == "mixed",
        "full_width_digits": any_in(chars, _FULL_WIDTH_DIGITS),
        "half_width_kana": any_in(chars, _HALF_WIDTH_KANA),
        "leading_zeros_at_risk": _leading_zeros(distinct, chars, text_index, semantic, hint),
        "header_mismatch": (hint is not None and kind != "empty"
                            and semantic.type not in FAMILIES.get(hint, {hint})),
        "whitespace": whitespace_issue(chars),
        "duplicates_in_key": _duplicate_keys(distinct, semantic),
        "mostly_empty": null_share > MOSTLY_EMPTY,
    }
    return [flag for flag, raised in checks.items() if raised]


def _leading_zeros(distinct: Distinct, chars: Chars, text_index: np.ndarray,
                   semantic: Semantic, hint: str | None) -> bool:
    """Zero-padded digits kept as text (`000123`, `0312345678`) that a spreadsheet or a
    number column would strip, or numbers where codes belong (a ZIP of `2134`)."""
    if bool((zero_padded(chars) & distinct.of_kind("string")[text_index]).any()):
        return True
    codes = semantic.type in CODE_TYPES or hint in CODE_TYPES
    return codes and bool(distinct.of_kind("integer").any())


def _duplicate_keys(distinct: Distinct, semantic: Semantic) -> bool:
    """A customer code column that is mostly unique yet repeats some values. A column
    repeating most of its values refers to customers (sales lines); it is no key."""
    nonnull = distinct.nonnull
    if semantic.type != "customer_code" or nonnull == 0:
        return False
    unique = len(distinct.values)
    return unique < nonnull and unique / nonnull >= KEY_UNIQUE

