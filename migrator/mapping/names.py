"""Family and given name in two columns: which field they feed together.

A table has one reading (kana) field, and a person customer has one name; a sheet that
splits them (セイ | メイ, 姓 | 名 with no 氏名) is mapped as parts of one field, joined in
order with a space by the clean stage. Which fields those are comes from the schema's
roles (the party's name, the person table's reading).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Protocol

from migrator.mapping.match import fold_header
from migrator.mapping.roles import Roles
from migrator.schema import TargetSchema

_KANA = re.compile(r"カナ|かな|フリガナ|ふりがな|ﾌﾘｶﾞﾅ|ヨミ|よみ|kana|furigana|セイ|メイ|ｾｲ|ﾒｲ")
_FAMILY = re.compile(r"姓|せい|セイ|ｾｲ|last|family|surname")
_GIVEN = re.compile(r"(?<![氏姓])名(?!前)|めい|メイ|ﾒｲ|first|given")


class _Chosen(Protocol):
    @property
    def target(self) -> str: ...


def join_name_parts(columns: Sequence[str], chosen: Mapping[str, _Chosen], found: Roles,
                    schema: TargetSchema) -> dict[str, tuple[str, int]]:
    """Column → (target, part) for family/given pairs that must share one field."""
    out: dict[str, tuple[str, int]] = {}
    kana = [c for c in columns if _KANA.search(fold_header(c))]
    pair = _pair(kana)
    table = _person_table(chosen, found, schema)
    reading = found.kana_field(table, schema) if table else None
    if pair and reading:
        out.update({pair[0]: (reading, 1), pair[1]: (reading, 2)})
    names = [c for c in columns if c not in kana]
    pair = _pair(names)
    taken = {c.target for c in chosen.values()}
    if pair and found.party_name and found.party_name not in taken:
        out.update({pair[0]: (found.party_name, 1), pair[1]: (found.party_name, 2)})
    return out


def _pair(columns: Sequence[str]) -> tuple[str, str] | None:
    family = [c for c in columns if _FAMILY.search(fold_header(c))]
    given = [c for c in columns if _GIVEN.search(fold_header(c)) and c not in family]
    return (family[0], given[0]) if len(family) == 1 and len(given) == 1 else None


def _person_table(chosen: Mapping[str, _Chosen], found: Roles,
                  schema: TargetSchema) -> str | None:
    """The person table when the person's names go there (contacts), else the party (a
    person customer)."""
    tables = {c.target.split(".")[0] for c in chosen.values()
              if schema.field(c.target).semantic == "person_name"}
    return next((t for t in found.person_tables if t in tables), found.party)
