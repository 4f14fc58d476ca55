"""The decisions file: a person's `merge` or `keep_apart` for records dedupe found alike.

It sits beside the mapping, in git, and every run applies it before clustering, so a
decision once taken is never asked again. A record is named by its key (the customer
code, typed or generated) and by where it was read: the place names the row in the run
that asked, the key finds it again once next month's sheet has moved it.
`migrator run --review FILE` writes the groups that need review in this format, with
`decision: null`; a person sets each to `merge` or `keep_apart` and passes the file back
with `--decisions`.

    version: 1
    decisions:
      - decision: keep_apart
        table: customers
        records:
          - {key: C100, file: 顧客台帳.xlsx, sheet: 顧客台帳, row: 6}
          - {key: GCBED5E7740, file: 部署別顧客.xlsx, sheet: 営業2課, row: 4}
        shown: {score: 0.5, agreed: "name, postal, address"}
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field

from migrator.dedupe.match import Pairs
from migrator.errors import DecisionsError
from migrator.lineage import LINEAGE_COLUMNS, LINEAGE_SEQ, row_seq
from migrator.tables import StageTables
from migrator.yamlfile import keys_of, validated

HEADER = (
    "# Duplicates a person decided (migrator dedupe): decision is merge, keep_apart, or\n"
    "# null while undecided (then the run merges nothing and asks again). `shown` is what\n"
    "# the review saw; only `records` is used to find the rows.\n"
)


class RecordRef(BaseModel):
    """One record: by its key, and by where it was read when the key is not enough."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str | None = None
    file: str | None = None
    sheet: str | None = None
    row: int | None = Field(default=None, ge=1)


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    decision: Literal["merge", "keep_apart"] | None
    table: str
    records: tuple[RecordRef, ...] = Field(min_length=2)
    note: str = ""
    shown: dict[str, Any] = Field(default_factory=dict)
    """What the reviewer was shown (score, agreeing fields, names); not used to match."""


class Decisions(BaseModel):
    """Every decision of one project, in the order they were taken."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    decisions: tuple[Decision, ...] = ()

    @classmethod
    def load(cls, path: Path) -> Decisions:
        """Read a decisions file; any error is one sentence naming the file and YAML path."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DecisionsError(f"{Path(path).name}: does not exist") from None
        return validated(text, cls, file=Path(path).name, error=DecisionsError,
                         keys=keys_of(Decisions, Decision, RecordRef), empty={})

    def sha256(self) -> str:
        """Checksum of the decisions as written (`to_yaml`), for the run report."""
        return hashlib.sha256(self.to_yaml().encode("utf-8")).hexdigest()

    def to_yaml(self) -> str:
        body = self.model_dump(mode="json", exclude_defaults=False)
        for decision in body["decisions"]:
            decision["records"] = [{k: v for k, v in r.items() if v is not None}
                                   for r in decision["records"]]
            if not decision["note"]:
                del decision["note"]
        return HEADER + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)

    def save(self, path: Path) -> None:
        """Write atomically: a reader never sees half a file."""
        tmp = Path(path).with_name(Path(path).name + ".tmp")
        tmp.write_text(self.to_yaml(), encoding="utf-8")
        tmp.replace(path)

    def for_table(self, table: str) -> list[Decision]:
        return [d for d in self.decisions if d.table == table and d.decision is not None]


def rows_of(ref: RecordRef, keys: np.ndarray, frame: pd.DataFrame) -> np.ndarray:
    """Positions of the rows `ref` names: the row read at its place when this run read
    one there (the one with its key, when cards side by side share the place), else every
    row with its key (next month's sheet has moved the rows; a typed code, and a code
    generated from the name, stay)."""
    if ref.file is not None and all(c in frame for c in LINEAGE_COLUMNS):
        file, sheet, row = (frame[c].to_numpy(dtype=object) for c in LINEAGE_COLUMNS)
        here = (file == ref.file) & np.array(
            [(s if isinstance(s, str) else None) == ref.sheet for s in sheet], dtype=bool)
        here &= np.array([not pd.isna(r) and int(r) == ref.row for r in row], dtype=bool)
        if here.sum() > 1 and ref.key is not None:  # cards side by side share one place
            keyed = here & np.array([str(k) == ref.key for k in keys], dtype=bool)
            here = keyed if keyed.any() else here
        if here.any():
            return np.flatnonzero(here)
    if ref.key is None:
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(np.array([str(k) == ref.key for k in keys], dtype=bool))


def decide(pairs: Pairs, decided: list[Decision], keys: np.ndarray,
           frame: pd.DataFrame) -> Pairs:
    """The pairs with a person's decisions applied: `merge` scores its rows' pairs 1 (adding
    pairs blocking did not find), `keep_apart` scores the pairs across its records 0."""
    if not decided:
        return pairs
    n = np.int64(len(frame))
    codes = pairs.left.astype(np.int64) * n + pairs.right
    score, agreed = pairs.score.copy(), pairs.agreed.copy()
    extra: list[np.ndarray] = []
    for decision in decided:
        groups = [rows_of(ref, keys, frame) for ref in decision.records]
        wanted = _pairs(groups, n, across_only=decision.decision == "keep_apart")
        if not len(wanted):
            continue
        found = np.searchsorted(codes, wanted)
        known = (found < len(codes)) & (codes[np.minimum(found, len(codes) - 1)] == wanted)
        value = 1.0 if decision.decision == "merge" else 0.0
        score[found[known]] = value
        agreed[found[known]] = f"decision: {decision.decision}"
        if decision.decision == "merge":
            extra.append(wanted[~known])
    added = np.unique(np.concatenate(extra)) if extra else np.empty(0, dtype=np.int64)
    if not len(added):
        return Pairs(pairs.left, pairs.right, score, agreed, pairs.compared)
    note = np.empty(len(added), dtype=object)
    note[:] = "decision: merge"
    return Pairs(np.concatenate([pairs.left, added // n]),
                 np.concatenate([pairs.right, added % n]),
                 np.concatenate([score, np.ones(len(added))]),
                 np.concatenate([agreed, note]), pairs.compared)


def _pairs(groups: list[np.ndarray], n: np.int64, *, across_only: bool) -> np.ndarray:
    """Codes i * n + j (i < j), sorted, of the pairs a decision names: across its records
    (keep_apart), or among all their rows (merge)."""
    if across_only:
        found = [(a, b) for x, first in enumerate(groups) for second in groups[x + 1:]
                 for a in first for b in second if a != b]
    else:
        rows = np.unique(np.concatenate(groups)) if groups else np.empty(0, dtype=np.int64)
        found = [(a, b) for i, a in enumerate(rows) for b in rows[i + 1:]]
    if not found:
        return np.empty(0, dtype=np.int64)
    pairs = np.sort(np.array(found, dtype=np.int64), axis=1)
    return np.unique(pairs[:, 0] * n + pairs[:, 1])


def review(tables: StageTables) -> Decisions:
    """The groups dedupe left for a person, as undecided entries of a decisions file."""
    found = tables.clusters[tables.clusters["role"] == "review"]
    entries = []
    for (table, _), group in found.groupby(["table", "cluster"], sort=False):
        spec = tables.schema.tables[str(table)]
        frame = tables.frames.get(str(table), pd.DataFrame())
        name = next((f for f, s in spec.fields.items()
                     if s.semantic in ("company_name", "person_name")), None)
        rows = [_row_values(frame, spec.primary_key, name, r)
                for r in group.to_dict("records")]
        refs = [RecordRef(key=k, **_place(r))
                for (k, _), r in zip(rows, group.to_dict("records"), strict=True)]
        shown = {"score": float(group["score"].max()), "names": [n for _, n in rows]}
        entries.append(Decision(decision=None, table=str(table), records=tuple(refs),
                                shown=shown))
    return Decisions(decisions=tuple(entries))


def _place(row: dict[str, Any]) -> dict[str, Any]:
    sheet = row["_source_sheet"]
    return {"file": str(row["_source_file"]), "sheet": sheet if isinstance(sheet, str) else None,
            "row": int(row["_source_row"])}


def _row_values(frame: pd.DataFrame, pk: str, name_field: str | None,
                where: dict[str, Any]) -> tuple[str | None, Any]:
    """The key and the name of the kept row read at `where` (None when it is not kept)."""
    if frame.empty or not all(c in frame for c in LINEAGE_COLUMNS):
        return None, None
    same = (frame["_source_file"] == where["_source_file"]) & (
        frame["_source_row"] == where["_source_row"])
    sheet = where["_source_sheet"]
    same &= frame["_source_sheet"].eq(sheet) if isinstance(sheet, str) else \
        frame["_source_sheet"].isna()
    if LINEAGE_SEQ in where:  # cards side by side share a place: the row's own card
        seq = where[LINEAGE_SEQ]
        same &= np.array(row_seq(frame)) == (0 if pd.isna(seq) else int(seq))
    found = frame[same]
    if found.empty:
        return None, None
    key = found[pk].iloc[0] if pk in found else None
    name = found[name_field].iloc[0] if name_field in found else None
    return (None if pd.isna(key) else str(key)), (None if name is None or pd.isna(name)
                                                  else str(name))


def kept_apart(decided: list[Decision], keys: np.ndarray,
               frame: pd.DataFrame) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per keep_apart decision, each two of its records' rows: what clustering may not join."""
    out = []
    for decision in decided:
        if decision.decision != "keep_apart":
            continue
        groups = [rows_of(ref, keys, frame) for ref in decision.records]
        out += [(a, b) for i, a in enumerate(groups) for b in groups[i + 1:]
                if len(a) and len(b)]
    return out
