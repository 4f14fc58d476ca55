"""The error tree and the reason codes shared by every stage.

Errors are data in two categories: INPUT stops a run before anything is written
(exit code 1); DATA rejects one row and the run goes on. Every stage's error class and
every reason any stage gives a rejected row live here, so stages import them from the
floor instead of from each other.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCategory(StrEnum):
    INPUT = "input"
    DATA = "data"


class RejectReason(StrEnum):
    """Why a source row is rejected (a DATA error: the row goes to `_rejects`, the run goes on).

    A reject is written `<reason>:<field>` (`invalid_phone:phone`, see `at`); several are
    joined with `; `. Clean gives the value reasons, dedupe `duplicate_key`, validate the
    rule reasons (`too_long`, `unknown_reference`...).
    """

    INVALID_DATE = "invalid_date"
    IMPOSSIBLE_DATE = "impossible_date"
    WAREKI_UNPARSEABLE = "wareki_unparseable"
    WAREKI_OUT_OF_ERA = "wareki_out_of_era"
    WAREKI_LUNAR_DATE = "wareki_lunar_date"
    INVALID_PHONE = "invalid_phone"
    INVALID_EMAIL = "invalid_email"
    INVALID_POSTAL_CODE = "invalid_postal_code"
    INVALID_REGION = "invalid_region"
    INVALID_COUNTRY = "invalid_country"
    INVALID_COMPANY_NAME = "invalid_company_name"
    INVALID_PERSON_NAME = "invalid_person_name"
    INVALID_KANA = "invalid_kana"
    INVALID_AMOUNT = "invalid_amount"
    MISSING_REQUIRED = "missing_required"
    DUPLICATE_KEY = "duplicate_key"
    NOT_UNIQUE = "not_unique"
    INVALID_FORMAT = "invalid_format"
    NOT_ALLOWED = "not_allowed"
    TOO_LONG = "too_long"
    NEGATIVE = "negative"
    OUT_OF_RANGE = "out_of_range"
    UNKNOWN_REFERENCE = "unknown_reference"
    FAILED_EXPECTATION = "failed_expectation"
    UNENCODABLE = "unencodable"

    def at(self, field: str) -> str:
        """The reason as a rejected row carries it: `invalid_phone:phone`."""
        return f"{self.value}:{field}"

    @property
    def category(self) -> ErrorCategory:
        return ErrorCategory.DATA

    @property
    def sentence(self) -> str:
        """One sentence for people (rejects file, notebook)."""
        return _REASON_SENTENCES[self]


_REASON_SENTENCES = {
    RejectReason.INVALID_DATE: "is not a date in any form we read",
    RejectReason.IMPOSSIBLE_DATE: "names a day that does not exist (such as 2月30日)",
    RejectReason.WAREKI_UNPARSEABLE: "starts like a wareki date but cannot be read",
    RejectReason.WAREKI_OUT_OF_ERA: "is outside its era (令和0年, H32, R1.4.30)",
    RejectReason.WAREKI_LUNAR_DATE: "is a Meiji date before 1873, from the lunar calendar",
    RejectReason.INVALID_PHONE: "is not a valid phone number for its country",
    RejectReason.INVALID_EMAIL: "is not a valid e-mail address",
    RejectReason.INVALID_POSTAL_CODE: "is not a JP postal code or a US ZIP code",
    RejectReason.INVALID_REGION: "is not a prefecture or a US state",
    RejectReason.INVALID_COUNTRY: "is not a country we know",
    RejectReason.INVALID_COMPANY_NAME: "holds no company name (only a legal form)",
    RejectReason.INVALID_PERSON_NAME: "is not a person's name",
    RejectReason.INVALID_KANA: "holds kanji or Latin letters where only kana belong",
    RejectReason.INVALID_AMOUNT: "is not an amount of money",
    RejectReason.MISSING_REQUIRED: "is empty but required",
    RejectReason.DUPLICATE_KEY: "repeats the key of an earlier row",
    RejectReason.NOT_UNIQUE: "repeats a value that must be unique",
    RejectReason.INVALID_FORMAT: "is not in the field's canonical form",
    RejectReason.NOT_ALLOWED: "is not one of the values the field allows",
    RejectReason.TOO_LONG: "is longer than the field holds",
    RejectReason.NEGATIVE: "is negative where only zero or more is allowed",
    RejectReason.OUT_OF_RANGE: "is outside the range the field allows",
    RejectReason.UNKNOWN_REFERENCE: "names a row of another table that this run does not load",
    RejectReason.FAILED_EXPECTATION: "fails an expectation of the table's suite",
    RejectReason.UNENCODABLE: "holds a character the target file's encoding cannot write",
}


class MigratorError(Exception):
    """An error a user can act on; its message is one sentence naming the thing and the fix."""

    category = ErrorCategory.INPUT


class ReadError(MigratorError):
    """A source file that cannot be read: wrong type, encrypted, corrupt, too large, empty."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self) -> tuple[type[ReadError], tuple[str, str]]:
        return (type(self), (self.path, self.problem))  # a reading process sends it back


class UsageError(MigratorError):
    """The call itself is wrong (exit code 2)."""


class SchemaError(MigratorError):
    """A schema that cannot be used; the message names the file and the YAML path."""

    def __init__(self, problem: str, *, file: str | None = None, path: str | None = None) -> None:
        self.problem = problem
        self.file = file
        """The schema file as the user named it; None for a lookup in a loaded schema."""
        self.path = path
        """Dotted YAML path of the problem (`tables.contacts.foreign_keys[0]`)."""
        super().__init__(": ".join(part for part in (file, path, problem) if part))


class MappingError(MigratorError):
    """A mapping that cannot be used; the message names the file and the YAML path."""


class DecisionsError(MigratorError):
    """A decisions file that cannot be used; the message names the file and the YAML path."""


class FixesError(MigratorError):
    """A hand fixes file that cannot be used; the message names the file and the YAML path."""


class StageOrderError(MigratorError):
    """A verb was handed the result of a stage it does not follow (`clean(cleaned)`)."""


class SuiteError(MigratorError):
    """An expectation suite that cannot be used; the message names the file."""


class LoadError(MigratorError):
    """The load cannot go on or failed; nothing was written. One sentence, never a password."""


class AccountingError(MigratorError):
    """rows_read != loaded + merged + rejected: a bug of ours, never a silent loss."""


class ExportError(MigratorError):
    """An export that cannot be written (unknown format, bad app or template file, an
    output folder that cannot be written); nothing is left in the folder."""


class AnalysisError(MigratorError):
    """A question the target cannot answer: no such database, no sales loaded there, or
    no customer or product by that name; one sentence, never a password."""
