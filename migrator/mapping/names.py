"""Family and given name in two columns: which field they feed together.

The schema has one `name_kana` per table, and a person customer has one `name`; a
sheet that splits them (セイ | メイ, 姓 | 名 with no 氏名) is mapped as parts of one field,
joined in order with a space by the clean stage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Protocol

from migrator.mapping.match import fold_header

_KANA = re.compile(r"カナ|かな|フリガナ|ふりがな|ﾌﾘｶﾞﾅ|ヨミ|よみ|kana|furigana|セイ|メイ|ｾｲ|ﾒｲ")
_FAMILY = re.compile(r"姓|せい|セイ|ｾｲ|last|family|surname")
_GIVEN = re.compile(r"(?<![氏姓])名(?!前)|めい|メイ|ﾒｲ|first|given")


class _Chosen(Protocol):
    @property
    def target(self) -> str: ...


def join_name_parts(columns: Sequence[str],
                    chosen: Mapping[str, _Chosen]) -> dict[str, tuple[str, int]]:
    """Column → (target, part) for family/given pairs that must share one field."""
    out: dict[str, tuple[str, int]] = {}
    kana = [c for c in columns if _KANA.search(fold_header(c))]
    pair = _pair(kana)
    if pair:
        table = _person_table(chosen)
        out.update({pair[0]: (f"{table}.name_kana", 1), pair[1]: (f"{table}.name_kana", 2)})
    names = [c for c in columns if c not in kana]
    pair = _pair(names)
    taken = {c.target for c in chosen.values()}
    if pair and "customers.name" not in taken:
        out.update({pair[0]: ("customers.name", 1), pair[1]: ("customers.name", 2)})
    return out


def _pair(columns: Sequence[str]) -> tuple[str, str] | None:
    family = [c for c in columns if _FAMILY.search(fold_header(c))]
    given = [c for c in columns if _GIVEN.search(fold_header(c)) and c not in family]
    return (family[0], given[0]) if len(family) == 1 and len(given) == 1 else None


def _person_table(chosen: Mapping[str, _Chosen]) -> str:
    """contacts when the person's names go there, else customers (a person customer)."""
    targets = {c.target for c in chosen.values()}
    person = ("contacts.full_name", "contacts.family_name", "contacts.given_name")
    return "contacts" if any(t in targets for t in person) else "customers"
