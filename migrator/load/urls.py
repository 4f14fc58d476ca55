"""Database URLs as people may see them: the password hidden, the query dropped."""

from __future__ import annotations

import re

_USERINFO = re.compile(r"^([^:/?#]+://)([^@/?#]*)@")


def redact(url: str) -> str:
    """The SQLAlchemy URL with the password shown as `***` and the query dropped.

    The query often carries secrets (`?password=`, tokens), so none of it is kept.

    Example:
        >>> redact("postgresql+psycopg://app:s3cret@db:5432/crm?sslmode=require")
        'postgresql+psycopg://app:***@db:5432/crm'
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return _redact_text(url)
    return parsed.difference_update_query(list(parsed.query)).render_as_string(hide_password=True)


def _redact_text(url: str) -> str:
    """Best effort for a string SQLAlchemy cannot parse: hide userinfo's password and query."""
    text = url.split("?", 1)[0]
    match = _USERINFO.match(text)
    if match and ":" in match.group(2):
        user = match.group(2).split(":", 1)[0]
        text = f"{match.group(1)}{user}:***@{text[match.end():]}"
    return text
