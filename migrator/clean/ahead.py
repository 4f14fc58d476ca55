"""CleanAhead: columns cleaned while the read helpers still read, taken by `clean` later.

A run's reading ends when the slowest file is read. This process reads its own share and
imports the validation engine meanwhile, then waits for the helpers (in the benchmark,
for the 300,000-row sales sheet: 0.4-0.5 s once GX is imported). What it read is mapped
then, and the costliest columns whose transform reads nothing but the column (company
names, e-mail addresses; the ones the clean helper may take, `helper.COST`) are cleaned
in that time, costliest first, until a helper begins its answer.

`clean` takes such an Outcome only for a column that still holds the values it was made
from (the tables read later may add rows to a target table, hand fixes may replace
values); else it cleans the column as usual. So an Outcome made ahead is exactly the one
`clean` would make: the same transform over the same values, with the default Context
the clean helper uses for these transforms.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from migrator.clean.base import Context, Outcome
from migrator.clean.helper import estimate_work, taken_first
from migrator.clean.registry import get_transform
from migrator.clean.stage import offered
from migrator.tables import MappedTables

Key = tuple[str, str, str]
"""(table, field, transform)."""


class CleanAhead:
    """Outcomes of first transforms made ahead of `clean`, by (table, field, transform)."""

    def __init__(self) -> None:
        self.outcomes: dict[Key, tuple[pd.Series, Outcome]] = {}

    def work(self, mapped: MappedTables, waiting: Callable[[], bool]) -> None:
        """Clean the columns of `mapped` the clean helper could take, costliest first,
        while `waiting()` says this process would otherwise wait; but for those the
        helper would clean before `clean` got to them: made here, they would cost this
        process the time it would have saved."""
        jobs = offered(mapped)
        helpers = {id(job) for job in taken_first(jobs)}
        for job in sorted((j for j in jobs if id(j) not in helpers),
                          key=lambda j: -estimate_work(j)):
            if not waiting():
                break
            outcome = get_transform(job.transform)(job.values, Context())
            self.outcomes[(job.table, job.field, job.transform)] = (job.values, outcome)

    def __contains__(self, key: Key) -> bool:
        return key in self.outcomes

    def take(self, table: str, field: str, transform: str, values: pd.Series) -> Outcome | None:
        """The Outcome made ahead for `values`, or None: none was made, or the column no
        longer holds the values it was made from."""
        made = self.outcomes.pop((table, field, transform), None)
        if made is None or not made[0].equals(values):
            return None
        return made[1]
