"""An address typed over several columns under one header (`住所`, `住所 (2)`, `住所 (3)`).

Our own: a header cell `住所` standing over region, city and street with its neighbours
left blank is read as `住所`, `住所 (2)`, `住所 (3)` (migrator/read/header.py). Scored one
by one, only one of them wins an address field and the others are dropped; read as one
address, each part gets the address field of its place: a prefecture or state to the
region field, a postal code to the postal field, then city, street, building in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import pandas as pd

from migrator.mapping.match import split_header
from migrator.reference.places import REGION_VALUES
from migrator.schema import TargetSchema

C = TypeVar("C")
_PLACES = ("region", "postal_code")
"""Value kinds that name their own field, whatever their position in the address."""


def address_groups(frame: pd.DataFrame, chosen: dict[str, C], best: dict[str, str | None],
                   kinds: dict[str, str], schema: TargetSchema,
                   make: Callable[[str, str, C | None], C]) -> dict[str, C]:
    """`chosen` with every part of an address group assigned a field of its own.

    `best` is each column of `frame`'s best target (taken or not), `kinds` its values'
    semantic type; `make(column, target, like)` builds the choice, `like` the group's
    first one. A group is `X`, `X (2)`...: X's best target an address field of some table.
    """
    out = dict(chosen)
    for base, parts in _groups([str(c) for c in frame.columns]).items():
        head = best.get(base)
        table, _, name = (head or "").partition(".")
        fields = _address_fields(schema, table)
        if name not in {f for v in fields.values() for f in v.split()}:
            continue
        seen = {p: "region" if _regions(frame[p]) else kinds.get(p, "text") for p in parts}
        placed = _place(parts, seen, fields)
        taken = {_target(out[c]) for c in out if c not in parts}
        like = next((out[c] for c in parts if c in out), None)
        for column in parts:
            target = f"{table}.{placed[column]}" if column in placed else None
            had = out.pop(column, None)
            if target is not None and target not in taken:
                out[column] = had if had is not None and _target(had) == target \
                    else make(column, target, like)
                taken.add(target)
    return out


def _regions(values: pd.Series) -> bool:
    """Most values are a prefecture or state (`東京都`, `CA`): the header's hint `住所`
    made the profile call them addresses."""
    texts = [str(v).strip() for v in values if v is not None and v == v]
    return bool(texts) and 2 * sum(t in REGION_VALUES for t in texts) > len(texts)


def _target(choice: object) -> str:
    return str(getattr(choice, "target", ""))


def _groups(columns: Sequence[str]) -> dict[str, list[str]]:
    """`住所` → [`住所`, `住所 (2)`, `住所 (3)`] for each column continued by blank ones."""
    names = set(columns)
    out: dict[str, list[str]] = {}
    for column in columns:
        base, n = split_header(column)
        if n >= 2 and base in names:
            out.setdefault(base, [base]).append(column)
    return out


def _address_fields(schema: TargetSchema, table: str) -> dict[str, str]:
    """The table's address fields: `region` and `postal_code` by their semantic type, and
    `address_list` the address fields in schema order joined by spaces (city, line1...)."""
    spec = schema.tables.get(table)
    if spec is None:
        return {}
    out: dict[str, str] = {}
    street: list[str] = []
    for name, field in spec.fields.items():
        if field.semantic in _PLACES:
            out.setdefault(str(field.semantic), name)
        elif field.semantic == "address":
            street.append(name)
    if street:
        out["address_list"] = " ".join(street)
    return out


def _place(parts: list[str], kinds: dict[str, str], fields: dict[str, str]) -> dict[str, str]:
    """Each part's field: by its values for a region or postal code, by order for the rest.

    The rest take the street fields in order (city, line 1, line 2), starting at the
    first numbered one (line 1) when no region came first and at most two are left:
    `東京都渋谷区渋谷1-2-3` then `渋谷ビル3F` are line 1 and line 2, not city and line 1.
    """
    out: dict[str, str] = {}
    rest: list[str] = []
    for part in parts:
        kind = kinds.get(part, "text")
        if kind in _PLACES and kind in fields and fields[kind] not in out.values():
            out[part] = fields[kind]
        else:
            rest.append(part)
    street = fields.get("address_list", "").split()
    numbered = next((i for i, f in enumerate(street) if f[-1:].isdigit()), 0)
    if "region" not in {k for p, k in kinds.items() if p in out} and len(rest) <= 2:
        street = street[numbered:]
    for part, field in zip(rest, street, strict=False):
        out[part] = field
    return out
