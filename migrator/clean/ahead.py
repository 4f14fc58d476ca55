"""CleanAhead: columns cleaned while the read helpers still read, taken by `clean` later.

A run's reading ends when the slowest file is read. This process reads its own share and
imports the validation engine meanwhile, then waits for the helpers (in the benchmark,
for the 300,000-row sales sheet: 0.4-0.5 s once GX is imported). What it read is mapped
then, and the costliest columns whose transform reads nothing but the column (company
names, e-mail addresses; the ones the clean helper may take, `helper.COST`) are cleaned
in that time, costliest first, until a helper begins its answer.

As this work ends, the clean helper is started with the columns `clean` would offer it
(`start_helper`), at a lower priority, and `clean` takes it over.

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
from migrator.clean.helper import ColumnHelper, estimate_work, taken_first
from migrator.clean.registry import get_transform
from migrator.clean.stage import shared_jobs
from migrator.tables import MappedTables

STARTED_NICE = 10
"""How much lower the priority of a clean helper started ahead is than this process's."""
Key = tuple[str, str, str]
"""(table, field, transform)."""


class CleanAhead:
    """Outcomes of first transforms made ahead of `clean`, by (table, field, transform)."""

    def __init__(self) -> None:
        self.outcomes: dict[Key, tuple[pd.Series, Outcome]] = {}
        self._helper: ColumnHelper | None = None

    def work(self, mapped: MappedTables, waiting: Callable[[], bool]) -> None:
        """Clean the columns of `mapped` the clean helper could take, costliest first,
        while `waiting()` says this process would otherwise wait; but for those the
        helper would clean before `clean` got to them: made here, they would cost this
        process the time it would have saved."""
        jobs = shared_jobs(mapped, None, matched=False)
        helpers = {id(job) for job in taken_first(jobs)}
        for job in sorted((j for j in jobs if id(j) not in helpers),
                          key=lambda j: -estimate_work(j)):
            if not waiting():
                break
            outcome = get_transform(job.transform)(job.values, Context())
            self.outcomes[(job.table, job.field, job.transform)] = (job.values, outcome)

    def start_helper(self, mapped: MappedTables) -> None:
        """Start the clean helper as the work ahead ends, with the columns of `mapped`
        that `clean` (given `then`) would offer it, less those made here; the stage takes
        it over (`started`) instead of starting one once everything is read and mapped.

        Why: then the other core idled while this process took the read helpers' tables,
        mapped them and began the stage (0.3 s in the benchmark). It runs at a lower
        priority (STARTED_NICE): while the read helpers still read or send their tables,
        it takes only what they leave. A column is taken from it only where it still
        holds the values sent (`ColumnHelper.take`), as from a helper the stage started.
        8 interleaved pairs, twice: the run 7.83 -> 7.64 s and 7.80 -> 7.51 s."""
        if self._helper is None:
            self._helper = ColumnHelper.start(shared_jobs(mapped, self, matched=True),
                                              nice=STARTED_NICE)

    def started(self) -> ColumnHelper | None:
        """The helper `start_helper` started, handed over once (the stage closes it)."""
        helper, self._helper = self._helper, None
        return helper

    def close(self) -> None:
        """Stop a helper started here that no stage took (the run failed before clean)."""
        helper, self._helper = self._helper, None
        if helper is not None:
            helper.close()

    def __contains__(self, key: Key) -> bool:
        return key in self.outcomes

    def take(self, table: str, field: str, transform: str, values: pd.Series) -> Outcome | None:
        """The Outcome made ahead for `values`, or None: none was made, or the column no
        longer holds the values it was made from."""
        made = self.outcomes.pop((table, field, transform), None)
        if made is None or not made[0].equals(values):
            return None
        return made[1]
