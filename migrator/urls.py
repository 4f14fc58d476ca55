"""Database URLs: the default target, and the form people may see (password hidden)."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

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


def default_target(files: Sequence[Path]) -> str:
    """$DATABASE_URL, else an SQLite file `migrator.db` beside the first source file."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    if not files:
        from migrator.errors import MigratorError

        raise MigratorError("no target: pass to=URL (an SQLAlchemy URL such as "
                            "sqlite:///crm.db) or set DATABASE_URL")
    return f"sqlite:///{Path(files[0]).resolve().parent / 'migrator.db'}"
