"""The error tree and the reason codes shared by every stage.

Errors are data in two categories: INPUT stops a run before anything is written
(exit code 1); DATA rejects one row and the run goes on.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCategory(StrEnum):
    INPUT = "input"
    DATA = "data"


class MigratorError(Exception):
    """An error a user can act on; its message is one sentence naming the thing and the fix."""

    category = ErrorCategory.INPUT


class ReadError(MigratorError):
    """A source file that cannot be read: wrong type, encrypted, corrupt, too large, empty."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class UsageError(MigratorError):
    """The call itself is wrong (exit code 2)."""
