"""Family and given name in two columns: which field they feed together.

A table has one reading (kana) field, and a person customer has one name; a sheet that
splits them (セイ | メイ, 姓 | 名 with no 氏名) is mapped as parts of one field, joined in
order with a space by the clean stage. Which fields those are comes from the schema's
roles (the party's name, the person table's reading).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Protocol

import pandas as pd

from migrator.mapping.match import fold_header
from migrator.mapping.roles import Roles
from migrator.schema import TargetSchema

_KANA = re.compile(r"カナ|かな|フリガナ|ふりがな|ﾌﾘｶﾞﾅ|ヨミ|よみ|kana|furigana|セイ|メイ|ｾｲ|ﾒｲ")
_FAMILY = re.compile(r"姓|せい|セイ|ｾｲ|last|family|surname")
_LATIN_NAME = r"\s*[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f .'’\-]*"
LATIN_SHARE = 0.8
_GIVEN = re.compile(r"(?<![氏姓])名(?!前)|めい|メイ|ﾒｲ|first|given")


class _Chosen(Protocol):
    @property
    def target(self) -> str: ...


def join_name_parts(columns: Sequence[str], chosen: Mapping[str, _Chosen], found: Roles,
                    schema: TargetSchema, latin: Collection[str] = ()
                    ) -> dict[str, tuple[str, int]]:
    """Column → (target, part) for family/given pairs that must share one field.

    Japanese names join family first (`山田 花子`); a pair whose columns both hold Latin
    names (`latin`) joins given first, as they are written (`Emma Johnson`). Readings
    (セイ メイ) always join family first.
    """
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
        family, given = (1, 2) if not set(pair) <= set(latin) else (2, 1)
        out.update({pair[0]: (found.party_name, family), pair[1]: (found.party_name, given)})
    return out


def latin_columns(frame: pd.DataFrame, columns: Sequence[str]) -> frozenset[str]:
    """Columns whose text values are (at least LATIN_SHARE of them) Latin-script names."""
    out = set()
    for column in columns:
        values = frame[column].dropna()
        texts = values[values.map(lambda v: isinstance(v, str) and bool(v.strip()))]
        if len(texts) and texts.str.fullmatch(_LATIN_NAME).mean() >= LATIN_SHARE:
            out.add(column)
    return frozenset(out)


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
