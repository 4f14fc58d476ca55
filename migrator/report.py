"""RunReport: what a run did, per table, in the shape of DESIGN.md's run report JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class TableReport:
    rows_read: int = 0
    rows_loaded: int = 0
    rows_merged: int = 0
    rows_rejected: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def accounting_ok(self) -> bool:
        """Nothing is lost: every row read was loaded, merged or rejected."""
        return self.rows_read == self.rows_loaded + self.rows_merged + self.rows_rejected

    def asdict(self) -> dict[str, Any]:
        return {**asdict(self), "accounting_ok": self.accounting_ok}


@dataclass
class RunReport:
    run_id: str
    started_at: str
    target: str
    """The target URL with its password hidden."""
    dry_run: bool = False
    status: str = "running"
    finished_at: str | None = None
    sources: list[dict[str, str]] = field(default_factory=list)
    mapping_sha256: str | None = None
    rejects_file: str | None = None
    tables: dict[str, TableReport] = field(default_factory=dict)

    @property
    def accounting_ok(self) -> bool:
        return all(t.accounting_ok for t in self.tables.values())

    def asdict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "status": self.status, "started_at": self.started_at,
            "finished_at": self.finished_at, "sources": self.sources,
            "mapping_sha256": self.mapping_sha256, "target": self.target,
            "dry_run": self.dry_run, "rejects_file": self.rejects_file,
            "tables": {name: t.asdict() for name, t in self.tables.items()},
        }

    def to_json(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.asdict(), ensure_ascii=False, indent=2) + "\n",
                       encoding="utf-8")
        tmp.replace(path)

    def __str__(self) -> str:
        dry = " (dry run: nothing written)" if self.dry_run else ""
        head = f"run {self.run_id}: {self.status}{dry} → {self.target}"
        lines = [head, f"  {'table':<10} {'read':>7} {'loaded':>7} {'merged':>7} {'rejected':>8} "
                       f"{'inserted':>8} {'updated':>8} {'unchanged':>9}"]
        for name, t in self.tables.items():
            lines.append(f"  {name:<10} {t.rows_read:>7} {t.rows_loaded:>7} {t.rows_merged:>7} "
                         f"{t.rows_rejected:>8} {t.inserted:>8} {t.updated:>8} {t.unchanged:>9}")
        verdict = "holds" if self.accounting_ok else "DOES NOT HOLD"
        lines.append(f"  accounting (read = loaded + merged + rejected): {verdict}")
        if self.rejects_file:
            lines.append(f"  rejected rows with reasons: {self.rejects_file}")
        return "\n".join(lines)
