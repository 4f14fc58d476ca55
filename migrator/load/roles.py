"""`migrator roles`: three database roles for the people around the loaded data.

- `<prefix>_reader` sees customers and contacts only through views whose personal fields
  are masked (`customers_masked`, `contacts_masked`), and the sales and their views;
- `<prefix>_entry` may read, insert and update customers, contacts and sales, never delete,
  and never touch the bookkeeping (`_runs`, `_merges`, `_rejects`, `_cell_issues`,
  `_history`, which holds records as they were before a run);
- `<prefix>_loader` is what `migrator run` needs: every table of the target, creating
  tables and views, temporary staging tables (on PostgreSQL it owns the target's tables
  and views, since only an owner may replace a view or add an index).

A person's update through the entry role is marked: a trigger on each data table sets the
record's `_run_id` to `by hand` when an update leaves it as it was (a run always writes
its own). `migrator undo` then refuses to undo a run whose records were edited since,
instead of silently putting them back.

Roles are NOLOGIN: a DBA grants them to people (`GRANT migrator_reader TO alice`). Running
it again brings the grants back to exactly these (what was granted by hand is revoked).
PostgreSQL and MariaDB only: SQLite has no users.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from migrator.errors import LoadError
from migrator.load.ddl import BY_HAND, RUN_ID
from migrator.urls import redact

if TYPE_CHECKING:
    from sqlalchemy import Engine

DATA = ("customers", "contacts", "sales")
MASKED_PHONES = ("phone", "fax", "mobile")
MASKED_TEXT = ("address_line1", "address_line2", "full_name", "family_name", "given_name",
               "name_kana")
LEFT_OUT = ("birthday", "anniversary", "notes", "_source_file", "_source_sheet",
            "_source_row", "_run_id")
"""Columns the masked views do not show at all (free text may hold anything)."""


@dataclass
class RolesResult:
    """What `roles` set up: each role and what it may do."""

    target: str
    grants: dict[str, list[str]] = field(default_factory=dict)

    def __str__(self) -> str:
        lines = [f"roles in {self.target} (NOLOGIN; grant them to people):"]
        lines += [f"  {role}: {', '.join(what)}" for role, what in self.grants.items()]
        return "\n".join(lines)


ATTEMPTS = 3
_RACED = "tuple concurrently updated"
"""PostgreSQL (before 17) fails a GRANT ON DATABASE whose catalog row a VACUUM is
updating in place at that moment; the same transaction again succeeds."""


def create_roles(url: str, *, prefix: str = "migrator") -> RolesResult:
    """Create or update the reader, entry and loader roles of the target `url`."""
    import sqlalchemy as sa

    if not prefix.replace("_", "").isalnum() or not prefix[:1].isalpha():
        raise LoadError(f"--prefix {prefix!r} must be letters, digits and _ (a role name)")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    dialect = engine.dialect.name
    if dialect == "sqlite":
        raise LoadError("SQLite has no users or roles: protect the database file with the "
                        "operating system's permissions, or load into PostgreSQL or MariaDB")
    if dialect not in ("postgresql", "mysql", "mariadb"):
        raise LoadError(f"roles are made for PostgreSQL and MariaDB, not {dialect}")
    names = {kind: f"{prefix}_{kind}" for kind in ("reader", "entry", "loader")}
    try:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                views = _set_up(engine, url, dialect, names)
                break
            except sa.exc.InternalError as exc:
                if attempt == ATTEMPTS or _RACED not in str(exc.orig):
                    raise
    except sa.exc.SQLAlchemyError as exc:
        cause = type(getattr(exc, "orig", None) or exc).__name__
        raise LoadError(f"could not set up the roles in {redact(url)} ({cause}); the "
                        "connecting user needs the right to create roles and grant on "
                        "these tables") from None
    finally:
        engine.dispose()
    readable = ", ".join(["customers_masked", "contacts_masked", "sales", *views])
    return RolesResult(redact(url), {
        names["reader"]: [f"SELECT {readable}"],
        names["entry"]: ["SELECT, INSERT, UPDATE customers, contacts, sales",
                         f"its updates marked _run_id = '{BY_HAND}'"],
        names["loader"]: ["every right on the target's tables, CREATE, temporary tables"],
    })


def _set_up(engine: Engine, url: str, dialect: str, names: dict[str, str]) -> list[str]:
    """The masked views, the roles and their grants, in one transaction; the views."""
    import sqlalchemy as sa

    with engine.begin() as conn:
        present = set(sa.inspect(conn).get_table_names())
        missing = [t for t in DATA if t not in present]
        if missing:
            raise LoadError(f"{redact(url)} has no {', '.join(missing)} table: load it "
                            "with migrator run first")
        views = [v for v in sa.inspect(conn).get_view_names() if not v.endswith("_masked")]
        statements = _masked_views(conn) + (
            _postgresql(conn, names, views, sorted(present)) if dialect == "postgresql"
            else _mariadb(conn, names, views)) + _by_hand(conn, dialect)
        for statement in statements:
            conn.exec_driver_sql(statement)
    return views


def _masked_views(conn: Any) -> list[str]:
    """CREATE OR REPLACE VIEW customers_masked / contacts_masked, from the tables' columns."""
    import sqlalchemy as sa

    quote = conn.dialect.identifier_preparer.quote
    out = []
    for table in ("customers", "contacts"):
        columns = [c["name"] for c in sa.inspect(conn).get_columns(table)]
        shown = [_masked(quote(c), c) for c in columns if c not in LEFT_OUT]
        out.append(f"CREATE OR REPLACE VIEW {quote(table + '_masked')} AS SELECT "
                   f"{', '.join(shown)} FROM {quote(table)}")
    return out


def _masked(quoted: str, name: str) -> str:
    """One column of a masked view: SQL that PostgreSQL and MariaDB both read."""
    if name in MASKED_PHONES:
        shown = (f"CONCAT(SUBSTR({quoted}, 1, 4), '****', "
                 f"SUBSTR({quoted}, CHAR_LENGTH({quoted}) - 3))")
    elif name == "email":
        shown = (f"CONCAT(SUBSTR({quoted}, 1, 1), '***', "
                 f"SUBSTR({quoted}, POSITION('@' IN {quoted})))")
    elif name in MASKED_TEXT:
        shown = f"CONCAT(SUBSTR({quoted}, 1, 1), '***')"
    else:
        return quoted
    return f"CASE WHEN {quoted} IS NULL THEN NULL ELSE {shown} END AS {quoted}"


def _by_hand(conn: Any, dialect: str) -> list[str]:
    """A BEFORE UPDATE trigger per data table: `_run_id` becomes `by hand` when the update
    does not set it (migrator's loads and undo always do)."""
    quote = conn.dialect.identifier_preparer.quote
    if dialect == "postgresql":
        out = [f"CREATE OR REPLACE FUNCTION migrator_by_hand() RETURNS trigger "
               f"LANGUAGE plpgsql AS $$ BEGIN IF NEW.{RUN_ID} IS NOT DISTINCT FROM "
               f"OLD.{RUN_ID} THEN NEW.{RUN_ID} := '{BY_HAND}'; END IF; RETURN NEW; END $$"]
        for table in DATA:
            out += [f"DROP TRIGGER IF EXISTS migrator_by_hand ON {quote(table)}",
                    f"CREATE TRIGGER migrator_by_hand BEFORE UPDATE ON {quote(table)} "
                    "FOR EACH ROW EXECUTE FUNCTION migrator_by_hand()"]
        return out
    return [f"CREATE OR REPLACE TRIGGER {quote('migrator_by_hand_' + table)} BEFORE UPDATE "
            f"ON {quote(table)} FOR EACH ROW IF NEW.{RUN_ID} <=> OLD.{RUN_ID} THEN "
            f"SET NEW.{RUN_ID} = '{BY_HAND}'; END IF" for table in DATA]


def _postgresql(conn: Any, names: dict[str, str], views: list[str],
                tables: list[str]) -> list[str]:
    quote = conn.dialect.identifier_preparer.quote
    schema = quote(conn.exec_driver_sql("SELECT current_schema()").scalar())
    database = quote(conn.exec_driver_sql("SELECT current_database()").scalar())
    out = []
    for role in names.values():
        out.append(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                   f"'{role}') THEN CREATE ROLE {quote(role)} NOLOGIN; END IF; END $$")
        out.append(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {quote(role)}")
        out.append(f"GRANT USAGE ON SCHEMA {schema} TO {quote(role)}")
    readable = ["customers_masked", "contacts_masked", "sales", *views]
    out.append(f"GRANT SELECT ON {', '.join(quote(t) for t in readable)} TO "
               f"{quote(names['reader'])}")
    out.append(f"GRANT SELECT, INSERT, UPDATE ON {', '.join(quote(t) for t in DATA)} TO "
               f"{quote(names['entry'])}")
    loader = quote(names["loader"])
    out += [f"GRANT ALL ON ALL TABLES IN SCHEMA {schema} TO {loader}",
            f"GRANT CREATE ON SCHEMA {schema} TO {loader}",
            f"GRANT TEMPORARY, CONNECT ON DATABASE {database} TO {loader}"]
    # a run replaces the views and indexes it made, which PostgreSQL lets only an owner do
    out += [f"ALTER TABLE {quote(t)} OWNER TO {loader}" for t in tables]
    out += [f"ALTER VIEW {quote(v)} OWNER TO {loader}"
            for v in [*views, "customers_masked", "contacts_masked"]]
    return out


def _mariadb(conn: Any, names: dict[str, str], views: list[str]) -> list[str]:
    quote = conn.dialect.identifier_preparer.quote
    database = quote(conn.exec_driver_sql("SELECT DATABASE()").scalar())
    out = []
    for role in names.values():
        out.append(f"CREATE ROLE IF NOT EXISTS {quote(role)}")
        out.append(f"REVOKE ALL PRIVILEGES, GRANT OPTION FROM {quote(role)}")
    for table in ["customers_masked", "contacts_masked", "sales", *views]:
        out.append(f"GRANT SELECT ON {database}.{quote(table)} TO {quote(names['reader'])}")
    for table in DATA:
        out.append(f"GRANT SELECT, INSERT, UPDATE ON {database}.{quote(table)} TO "
                   f"{quote(names['entry'])}")
    out.append(f"GRANT ALL PRIVILEGES ON {database}.* TO {quote(names['loader'])}")
    return out
