"""The start-up check that every database the service opens is at the head schema revision.

A service started on an old schema would answer calls and then fail mid-call ("no such
table"); it refuses to start instead. It never upgrades by itself: migrating a production
database is the operator's step (`ivrctl db upgrade`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.engine import URL, make_url

from hotline.db.migrate import current_revision, head_revision, known_revisions
from hotline.db.settings import ConfigurationError


class SchemaNotCurrent(ConfigurationError):
    pass


def schema_problem(database: str, current: str | None, head: str | None,
                   known: frozenset[str] = frozenset()) -> str | None:
    """Why `database` (as shown to the operator) may not be served, or None when it may.
    `known`: every revision this version has; a database past them was migrated by a newer
    hotline, and upgrading cannot help."""
    if current == head:
        return None
    if current is not None and known and current not in known:
        return (f"database {database} is at schema revision {current}, which this version of the"
                f" hotline does not know (head {head}): run the hotline version that migrated it")
    found = f"is at schema revision {current}" if current else "has no schema (empty)"
    return f"database {database} {found}, not the head {head}: run `ivrctl db upgrade`"


def masked(url: str | URL) -> str:
    """The URL without its password: it goes into an error line and the logs."""
    return make_url(url).render_as_string(hide_password=True)


def require_head_schema(urls: Iterable[str]) -> None:
    """Raise SchemaNotCurrent for the first database not at head (a shared URL checked once)."""
    head, known = head_revision(), known_revisions()
    for url in dict.fromkeys(urls):
        problem = schema_problem(masked(url), current_revision(url), head, known)
        if problem is not None:
            raise SchemaNotCurrent(problem)
