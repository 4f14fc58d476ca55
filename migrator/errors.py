"""The error tree and the reason codes shared by every stage.

Errors are data in two categories: INPUT stops a run before anything is written
(exit code 1); DATA rejects one row and the run goes on.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCategory(StrEnum):
    INPUT = "input"
    DATA = "data"


class RejectReason(StrEnum):
    """Why a source row is rejected (a DATA error: the row goes to `_rejects`, the run goes on).

    A reject is written `<reason>:<field>` (`invalid_phone:phone`); `missing_required`
    names the empty required field the same way.
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


class UsageError(MigratorError):
    """The call itself is wrong (exit code 2)."""
