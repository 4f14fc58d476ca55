"""Which columns hold personal data, and why we think so.

A consultant should collect only what the target needs; the first step is seeing, per
column, that it holds a person's name, reading, phone, e-mail, address, birthday, family
details, or free text with a phone number or e-mail typed into it. The evidence is the
column's semantic type (from its values) and its header; either alone is enough, both are
named so a reviewer can judge.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np

from migrator.profile.semantic import Semantic

BY_SEMANTIC = {"person_name": "name", "kana": "kana", "phone": "phone", "email": "email",
               "address": "address", "postal_code": "address"}
"""Semantic types that are personal data by themselves (a company's phone is too, when
the company is one person's shop: we flag, a person decides)."""
BY_HEADER: dict[str, tuple[str, ...]] = {
    "birthday": ("生年月日", "誕生日", "birthday", "birthdate", "dateofbirth", "dob", "生まれ"),
    "anniversary": ("記念日", "結婚記念日", "anniversary"),
    "family": ("家族", "配偶者", "子供", "子ども", "続柄", "family", "spouse", "children",
               "child", "husband", "wife", "奥様", "ご主人"),
    "name": ("氏名", "お名前", "名前", "担当者", "contactname", "fullname", "firstname",
             "lastname", "givenname", "familyname", "姓", "名"),
    "kana": ("フリガナ", "ふりがな", "ヨミ", "よみがな", "セイ", "メイ"),
    "phone": ("携帯", "電話", "tel", "phone", "mobile", "fax"),
    "email": ("メール", "email", "e-mail", "mail"),
    "address": ("住所", "address", "所在地", "郵便番号", "zip", "postal"),
}
"""Header words per kind (folded: width, case and spaces ignored). Exact for one-letter
words (`姓`, `名`), contained for the rest."""
NOT_PERSONAL = ("会社", "社名", "法人", "company", "organization", "organisation", "account",
                "商品", "product")
"""Header words that say the column is about a company or a product, not a person."""
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?<!\d)(0\d{1,4}[-‐－ ]?\d{1,4}[-‐－ ]?\d{3,4}|\+\d{9,15})(?!\d)")


@dataclass(frozen=True)
class Personal:
    """A column's personal-data kind and the evidence for it."""

    kind: str
    """name, kana, phone, email, address, birthday, anniversary, family, contact_in_text."""
    evidence: tuple[str, ...]

    def asdict(self) -> dict[str, Any]:
        return {"kind": self.kind, "evidence": list(self.evidence)}


def personal_data(header: str, semantic: Semantic, texts: np.ndarray) -> Personal | None:
    """The personal data a column holds, or None; `texts` are its distinct string values."""
    word = _fold(header)
    if any(w in word for w in NOT_PERSONAL) and semantic.type not in ("email", "phone"):
        return None
    evidence = []
    kind = BY_SEMANTIC.get(semantic.type)
    if kind is not None:
        evidence.append(f"semantic {semantic.type} {semantic.confidence:.0%}")
    by_header = _header_kind(word)
    if by_header is not None:
        kind = kind or by_header
        evidence.append(f"header '{header}'")
    if kind is None and semantic.type in ("text", "mixed") and len(texts):
        found = sum(bool(_EMAIL.search(str(t)) or _PHONE.search(str(t))) for t in texts)
        if found:
            kind = "contact_in_text"
            evidence.append(f"{found} of {len(texts)} distinct values hold a phone number "
                            "or an e-mail")
    return Personal(kind, tuple(evidence)) if kind is not None else None


def _header_kind(word: str) -> str | None:
    for kind, words in BY_HEADER.items():
        for w in words:
            folded = _fold(w)
            if (word == folded) if len(folded) == 1 else (folded in word):
                return kind
    return None


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in folded if c.isalnum())
