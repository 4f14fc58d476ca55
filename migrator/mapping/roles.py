"""What each table of a target schema is, read from its keys and field types, not its names.

Suggesting a mapping needs to know which table holds the parties (the customers: the
table the others reference), which child tables hold people (a person-name field) and
which hold lines (sales: the other children), and which fields say that a sheet is about
each. Reading that from the schema's structure lets a schema of your own (取引先, 担当者,
受注, keyed by 取引先コード) get the same suggestions as the built-in `crm`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from migrator.schema import TableSpec, TargetSchema

_NOT_SIGNS = {"text", "customer_code", "date", "amount"}
"""Semantic types too common to say which table a sheet is about."""
_NUMBERED = re.compile(r"^(.*?)(\d+)$")
PERSON = "person"
"""The party type of a person customer (crm: `customer_type: person`)."""


@dataclass(frozen=True)
class Roles:
    party: str | None = None
    """The table the others reference (crm: customers)."""
    party_name: str | None = None
    """Its name field, `table.field` (crm: customers.name)."""
    party_type: str | None = None
    """Its field that says a party is a person (allowed values include `person`; crm:
    customers.customer_type)."""
    person_tables: tuple[str, ...] = ()
    """Child tables with a person's name (crm: contacts)."""
    person_name: str | None = None
    """The first person's-name field of the first person table (crm: contacts.full_name)."""
    line_tables: tuple[str, ...] = ()
    """The other child tables (crm: sales)."""
    party_signs: frozenset[str] = frozenset()
    """Targets that say a sheet describes parties: their name, phone, address..."""
    line_signs: tuple[tuple[str, frozenset[str]], ...] = ()
    """Per line table, the targets that say a sheet lists its lines (fields the party
    table does not have: sale_date, product, quantity...)."""

    def kana_field(self, table: str, schema: TargetSchema) -> str | None:
        """The table's reading field (`table.name_kana`), if it has one."""
        return next((f"{table}.{name}" for name, f in schema.tables[table].fields.items()
                     if f.semantic == "kana"), None)


def roles(schema: TargetSchema) -> Roles:
    """The roles of `schema`'s tables; a schema without foreign keys has no party."""
    party = next((t for t in schema.table_order() if schema.references_to(t)), None)
    if party is None:
        return Roles()
    spec = schema.tables[party]
    children = [child for child, _ in schema.references_to(party)]
    children = list(dict.fromkeys(children))
    people = [c for c in children if _person_fields(schema.tables[c])]
    lines = [c for c in children if c not in people]
    return Roles(
        party=party,
        party_name=_name_field(party, spec),
        party_type=next((f"{party}.{name}" for name, f in spec.fields.items()
                         if f.allowed is not None and PERSON in f.allowed), None),
        person_tables=tuple(people),
        person_name=f"{people[0]}.{_person_fields(schema.tables[people[0]])[0]}" if people
        else None,
        line_tables=tuple(lines),
        party_signs=frozenset(f"{party}.{name}" for name, f in spec.fields.items()
                              if f.semantic not in _NOT_SIGNS and name != spec.primary_key),
        line_signs=tuple((line, _line_signs(schema, line, spec)) for line in lines),
    )


def next_numbered(target: str, schema: TargetSchema) -> str | None:
    """`customers.address_line1` → `customers.address_line2`, when the schema has it."""
    table, _, name = target.partition(".")
    match = _NUMBERED.match(name)
    if match is None or table not in schema.tables:
        return None
    following = f"{match.group(1)}{int(match.group(2)) + 1}"
    return f"{table}.{following}" if following in schema.tables[table].fields else None


def _person_fields(spec: TableSpec) -> list[str]:
    return [name for name, f in spec.fields.items() if f.semantic == "person_name"]


def _name_field(table: str, spec: TableSpec) -> str | None:
    """The company-name field, else the first required text field that is not the key."""
    named = [n for n, f in spec.fields.items() if f.semantic == "company_name"]
    required = [n for n, f in spec.fields.items()
                if f.required and f.type == "text" and n != spec.primary_key]
    chosen = named or required
    return f"{table}.{chosen[0]}" if chosen else None


def _line_signs(schema: TargetSchema, line: str, party: TableSpec) -> frozenset[str]:
    spec = schema.tables[line]
    links = {fk.column for fk in spec.foreign_keys}
    return frozenset(f"{line}.{name}" for name in spec.fields
                     if name not in links and name not in party.fields)
