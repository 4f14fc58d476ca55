"""URLs people may see: every password hidden, with or without a scheme, in any text."""

from __future__ import annotations

import pytest

from migrator.urls import redact, scrub


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql+psycopg://app:p%40ss@db:5432/crm?sslmode=require&password=x",
     "postgresql+psycopg://app:***@db:5432/crm"),
    ("postgres:s3cret@db.example/crm", "postgres:***@db.example/crm"),
    ("app:p@ss@db:5432/crm", "app:***@db:5432/crm"),
    ("postgresql://app:p@ss@db/crm", "postgresql://app:***@db/crm"),
    ("postgresql://app:s3cret@db:notaport/crm", "postgresql://app:***@db:notaport/crm"),
    ("host=db user=app password=s3cret dbname=crm", "host=db user=app password=*** dbname=crm"),
    ("host=db password='s3 cret' user=app", "host=db password=*** user=app"),
    ("postgresql://:s3cret@[::1]:5432/crm", "postgresql://:***@[::1]:5432/crm"),
    ("postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dx",
     "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    ("sqlite:///demo.db", "sqlite:///demo.db"),
], ids=lambda value: value[:30])
def test_redact_hides_every_password(url: str, shown: str) -> None:
    assert redact(url) == shown
    assert redact(shown) == shown  # and leaves a redacted URL as it is


def test_scrub_hides_passwords_inside_a_message_and_keeps_the_rest() -> None:
    assert scrub('missing "=" after "postgres:s3cret@db/crm" in connection info string') == \
        'missing "=" after "postgres:***@db/crm" in connection info string'
    assert scrub("could not read from mysql+pymysql://root:s3cret@db/crm (x); retry") == \
        "could not read from mysql+pymysql://root:***@db/crm (x); retry"
    unchanged = ['FATAL:  password authentication failed for user "app"',
                 "the load into postgresql://app@db:5432/crm at 12:30 failed",
                 "顧客台帳.xlsx:営業1課:12 has no customer_code"]
    assert [scrub(text) for text in unchanged] == unchanged
