"""Database URLs: the default target, and the form people may see (password hidden).

`redact` shows one URL; `scrub` hides every password in a text that may hold one (a
driver's error, a URL given without `scheme://`, a libpq `key=value` string), so no
message we print can echo a credential.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

_USERINFO = re.compile(
    r"(?<![^\s\"'(<=,])"  # where a token starts: a user name is never mid-word
    r"(?P<scheme>[A-Za-z][\w+.-]*://)?"
    r"(?P<user>[^\s:/@\"']*):(?!//)"  # `postgresql://` is no user with a password
    r"(?P<password>[^\s\"']*)@(?P<host>[^\s@/\"']+)")
"""`[scheme://]user:password@host`; the password runs to the token's last `@`, since
people write `app:p@ss@db/crm` and drivers cut it at the first."""
_KEYWORD = re.compile(r"(?i)\b(password|passwd|pwd)(\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&;]+)")
"""`password=secret` in a libpq or ODBC connection string, or a URL's query."""


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
        return scrub(url.split("?", 1)[0])
    shown = parsed.difference_update_query(list(parsed.query))
    return scrub(shown.render_as_string(hide_password=True))


def scrub(text: str) -> str:
    """`text` with every password in it shown as `***`: in URLs with or without a scheme
    (`postgres:pw@db/crm`) and in `password=...` pairs; the rest is left as it is.

    Example:
        >>> scrub('missing "=" after "postgres:s3cret@db/crm" in connection info string')
        'missing "=" after "postgres:***@db/crm" in connection info string'
    """
    text = _USERINFO.sub(r"\g<scheme>\g<user>:***@\g<host>", text)
    return _KEYWORD.sub(r"\1\2***", text)


def default_target(files: Sequence[Path]) -> str:
    """$DATABASE_URL, else an SQLite file `migrator.db` beside the first source file."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    if not files:
        from migrator.errors import MigratorError

        raise MigratorError("no target: pass to=URL (an SQLAlchemy URL such as "
                            "sqlite:///crm.db) or set DATABASE_URL")
    return f"sqlite:///{Path(files[0]).resolve().parent / 'migrator.db'}"
