"""apply_mapping: source tables → MappedTables, one raw frame per target table, lineage kept.

A source whose columns feed several tables is split per row: the child parts of a row
(a contact, a sale) are linked to that row's parent (the customer) by the foreign keys
the schema declares. Columns a mapping joins (`part: 1`, `part: 2`) are joined with a
space. A source's `defaults` give each of its rows a value in a field no column feeds
(`customers.customer_type: person` for a list of people). Each row remembers which
mapping source it came through, so the clean stage applies that source's transforms and
on_error to it and to no other row.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from migrator.errors import MappingError
from migrator.lineage import LINEAGE_COLUMNS, LINEAGE_SEQ, lineage_seq
from migrator.mapping.spec import Mapping, PairRoute, SourceSpec
from migrator.schema import TargetSchema, load_schema
from migrator.tables import RULES, FieldRule, MappedTables, SourceTable, SourceTables, Trail

Fields = dict[str, list[tuple[int, str]]]
"""field → [(part, source column)] for one target table."""


def apply_mapping(tables: SourceTables | Sequence[SourceTable], mapping: Mapping,
                  schema: TargetSchema | str | Path | None = None) -> MappedTables:
    """Raw (uncleaned) values per target table, in source order, with lineage columns.

    `schema` defaults to the built-in schema the mapping names (`schema: crm`); pass a
    TargetSchema or a schema file for your own. The mapping is checked against it first.

    Example:
        >>> mapped = apply_mapping(tables, Mapping.load(Path("sample_data/mapping.yaml")))
        >>> mapped.rows_read["customers"]
        163
    """
    started = time.perf_counter()
    target = resolve_schema(schema, mapping)
    mapping.check(target)
    parts: dict[str, list[pd.DataFrame]] = {}
    not_loaded: list[tuple[str, int]] = []
    for table in tables:
        index = mapping.source_index(table.file, table.sheet, layout=table.layout,
                                     anchor=table.anchor, columns=table.columns)
        if index is None:
            raise MappingError(f"{table.name}: no source in the mapping matches this table; "
                               "add it (migrator suggest writes one)")
        spec = mapping.sources[index]
        _check_columns(table, spec)
        if not spec.targets():
            where = f"{table.name} @{table.anchor}" if spec.anchor else table.name
            not_loaded.append((where, table.data_rows))
        for name, frame in _split(table, spec, target).items():
            frame[RULES] = index
            parts.setdefault(name, []).append(frame)
    frames = {name: _seq_filled(pd.concat(parts[name], ignore_index=True))
              for name in target.table_order(list(parts))}
    trail = Trail(files=tuple(getattr(tables, "files", ())),
                  started_at=getattr(tables, "started_at", None),
                  mapping_sha256=mapping.sha256(), not_loaded=tuple(not_loaded),
                  privacy=tuple(_privacy(mapping, target).items()))
    trail = trail.then("read", float(getattr(tables, "seconds", 0.0)))
    return MappedTables(schema=target, frames=frames,
                        rows_read={name: len(frame) for name, frame in frames.items()},
                        trail=trail.then("map", time.perf_counter() - started),
                        rules=[_rules(spec) for spec in mapping.sources])


def _seq_filled(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of sources without shared lineage get `_lineage_seq` 0 beside those with one."""
    if LINEAGE_SEQ in frame:
        frame[LINEAGE_SEQ] = frame[LINEAGE_SEQ].fillna(0).astype("int64")
    return frame


def resolve_schema(schema: TargetSchema | str | Path | None, mapping: Mapping) -> TargetSchema:
    """The schema given, loaded by name or path, or the built-in one the mapping names."""
    if isinstance(schema, TargetSchema):
        return schema
    return load_schema(mapping.schema_name if schema is None else schema)


def _rules(spec: SourceSpec) -> dict[str, FieldRule]:
    """`table.field` → how this source's values of it are cleaned; the first column that
    feeds a field with settings of its own decides (numbered parts share one field)."""
    out: dict[str, FieldRule] = {}
    for target in spec.columns.values():
        if target.to is None or target.to in out:
            continue
        if target.transform or target.on_error is not None or target.country is not None:
            out[target.to] = FieldRule(tuple(target.transform), target.on_error,
                                       target.country)
    return out


def _privacy(mapping: Mapping, schema: TargetSchema) -> dict[str, str]:
    """The mapping's policies; a key's policy also covers the keys that reference it, so a
    hashed customer code still links its contacts and sales."""
    policies = {f: p for f, p in mapping.privacy().items() if p != "keep"}
    for field, policy in list(policies.items()):
        table, _, name = field.partition(".")
        if schema.tables[table].primary_key == name:
            for child, fk in schema.references_to(table):
                if fk.ref_field == name:
                    policies.setdefault(f"{child}.{fk.column}", policy)
    return policies


def _check_columns(table: SourceTable, spec: SourceSpec) -> None:
    missing = [c for c in [*spec.targets(), *spec.pair_columns()] if c not in table.columns]
    if missing:
        raise MappingError(f"{table.file}: the mapping names column(s) the table does not have: "
                           f"{', '.join(missing)}; check the header rows or edit the mapping")


def _split(table: SourceTable, spec: SourceSpec, schema: TargetSchema) -> dict[str, pd.DataFrame]:
    """One frame per target table this source feeds; a child row needs a value of its own."""
    by_table: dict[str, Fields] = {}
    for column, target in spec.columns.items():
        if target.to is None:
            continue
        name, field = target.to.split(".", 1)
        by_table.setdefault(name, {}).setdefault(field, []).append((target.part or 0, column))
    routed = route_pairs(table.frame, spec.pairs)
    for fed in routed:
        name, field = fed.split(".", 1)
        by_table.setdefault(name, {}).setdefault(field, [])
    lineage = table.frame[list(LINEAGE_COLUMNS)].reset_index(drop=True)
    seq = lineage_seq(lineage)
    if seq is not None:
        lineage[LINEAGE_SEQ] = seq
    out: dict[str, pd.DataFrame] = {}
    for name, fields in by_table.items():
        data = {f: _filled(_joined(table.frame, cols) if cols else None,
                           routed.get(f"{name}.{f}"))
                for f, cols in fields.items()}
        frame = pd.DataFrame(data).reset_index(drop=True)
        links = [fk for fk in schema.tables[name].foreign_keys
                 if fk.ref_table != name and fk.ref_table in by_table]
        for fk in links:
            parent = by_table[fk.ref_table].get(fk.ref_field)
            if fk.column not in frame and parent:
                frame[fk.column] = _joined(table.frame, parent).reset_index(drop=True)
        if links:
            # The row is counted for its parent; its child part (a contact, a sale) exists
            # only if it has values of its own. A source feeding only this table keeps
            # every row.
            own = [f for f in fields if f not in {fk.column for fk in links}]
            frame = frame[frame[own].notna().any(axis=1)] if own else frame.iloc[0:0]
        for field_name, value in spec.defaults.items():
            table_name, _, field = field_name.partition(".")
            if table_name == name:
                frame[field] = value
        out[name] = pd.concat([frame, lineage.loc[frame.index]], axis=1)
    return out


def route_pairs(frame: pd.DataFrame, pairs: Sequence[PairRoute]) -> dict[str, pd.Series]:
    """`table.field` → the values the pairs route to it, row by row; the first pair with a
    value for a row wins."""
    out: dict[str, pd.Series] = {}
    for pair in pairs:
        routes = {fold_type(k): v for k, v in pair.to.items() if k != "*"}
        other = pair.to.get("*")
        targets = [routes.get(fold_type(v), other) for v in frame[pair.type].tolist()]
        values = frame[pair.value].astype(object).where(frame[pair.value].map(_present), None)
        for target in dict.fromkeys(t for t in targets if t is not None):
            routed = values.where([t == target for t in targets], None)
            out[target] = _filled(out.get(target), routed)
    return out


BLANK = "(blank)"
"""The route key for an empty type cell."""


def fold_type(value: Any) -> str:
    """`* Work ::: Mobile` → `work`: Google marks the primary value with `* ` and joins
    several types with `:::`; the first one decides. An empty cell folds to `(blank)`."""
    text = str(value).split(":::")[0].strip().lstrip("*").strip().casefold() \
        if _present(value) else ""
    return text or BLANK


def _filled(first: pd.Series | None, then: pd.Series | None) -> pd.Series:
    """`first`, its empty values filled from `then`."""
    if then is None:
        return first if first is not None else pd.Series(dtype="object")
    if first is None:
        return then
    return first.where(first.map(_present), then).astype(object)


def _joined(frame: pd.DataFrame, columns: list[tuple[int, str]]) -> pd.Series:
    """One column as is; numbered parts joined with a space, blanks skipped."""
    if len(columns) == 1:
        return frame[columns[0][1]].astype(object).where(frame[columns[0][1]].notna(), None)
    ordered = [frame[c] for _, c in sorted(columns)]
    joined = [" ".join(str(v) for v in values if _present(v)) or None
              for values in zip(*ordered, strict=True)]
    return pd.Series(joined, index=frame.index, dtype="object")


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and value != value) \
        and value is not pd.NA
