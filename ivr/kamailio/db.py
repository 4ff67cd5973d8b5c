"""Kamailio's tables in PostgreSQL: created from Debian's own schema files, and the agents'
digest credentials kept in step with the site's SIP secrets file.

The schema is not copied into this repository: `create_schema` runs the files the installed
kamailio-postgres-modules package ships (/usr/share/kamailio/postgres), so the tables always
match the modules that read them. The subscriber table gets only HA1 hashes
(md5 of extension:realm:secret); a secret is never written, printed or logged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg

SCHEMA_DIR = Path("/usr/share/kamailio/postgres")
# what the front door's modules read: the version table, usrloc's location, auth_db's subscriber
SCHEMA_FILES = ("standard", "usrloc", "auth_db")


class KamailioDbError(RuntimeError):
    """One line an operator can act on; never a secret."""


def ha1(extension: str, realm: str, secret: str) -> str:
    return hashlib.md5(f"{extension}:{realm}:{secret}".encode()).hexdigest()


def _connect(db_url: str) -> psycopg.Connection:
    try:
        return psycopg.connect(db_url, connect_timeout=10)
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise KamailioDbError(f"kamailio database: cannot connect ({reason})") from None


def schema_files(schema_dir: Path = SCHEMA_DIR) -> list[Path]:
    files = [schema_dir / f"{name}-create.sql" for name in SCHEMA_FILES]
    missing = [f.name for f in files if not f.is_file()]
    if missing:
        raise KamailioDbError(f"{schema_dir}: {', '.join(missing)} missing: install Debian's "
                              "kamailio-postgres-modules (tools/install-system-deps)")
    return files


def create_schema(db_url: str, schema_dir: Path = SCHEMA_DIR) -> list[str]:
    """Create the tables the front door needs, in one transaction; the names of the schema files
    run ([] when the tables are there already: run it again at will)."""
    files = schema_files(schema_dir)
    with _connect(db_url) as connection:
        present = connection.execute("SELECT to_regclass('version') IS NOT NULL").fetchone()
        if present and present[0]:
            have = {row[0] for row in connection.execute("SELECT table_name FROM version")}
            if {"location", "subscriber"} <= have:
                return []
            raise KamailioDbError("kamailio database: a version table without location and subscriber: "
                                  "not a database this command made; use an empty one")
        for path in files:
            connection.execute(path.read_text(encoding="utf-8"))  # type: ignore[arg-type]  # Debian's file, not ours
    return [path.name for path in files]


@dataclass(frozen=True)
class SubscriberChange:
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]


def sync_subscribers(db_url: str, realm: str, extensions: Sequence[str], secrets: Mapping[str, str]) -> SubscriberChange:
    """Make the subscriber table hold exactly `extensions`, each with the HA1 of its secret.
    An extension with no secret is refused by name (never by value)."""
    missing = [e for e in extensions if e not in secrets]
    if missing:
        raise KamailioDbError(f"no SIP secret for agent phone(s) {', '.join(missing)} in the secrets file")
    wanted = {e: ha1(e, realm, secrets[e]) for e in extensions}
    with _connect(db_url) as connection:
        have = dict(connection.execute("SELECT username, ha1 FROM subscriber").fetchall())
        added = sorted(set(wanted) - set(have))
        changed = sorted(e for e in set(wanted) & set(have) if have[e] != wanted[e])
        removed = sorted(set(have) - set(wanted))
        for extension in added:
            connection.execute("INSERT INTO subscriber (username, domain, ha1) VALUES (%s, %s, %s)",
                               (extension, realm, wanted[extension]))
        for extension in changed:
            connection.execute("UPDATE subscriber SET ha1 = %s, domain = %s WHERE username = %s",
                               (wanted[extension], realm, extension))
        if removed:
            connection.execute("DELETE FROM subscriber WHERE username = ANY(%s)", (removed,))
            # a removed agent's phone leaves rotation now, not when its registration expires
            connection.execute("DELETE FROM location WHERE username = ANY(%s)", (removed,))
    return SubscriberChange(tuple(added), tuple(changed), tuple(removed))


def registered(db_url: str) -> dict[str, str]:
    """Extension -> contact of every registration in the location table (what survives a restart)."""
    with _connect(db_url) as connection:
        return dict(connection.execute("SELECT username, contact FROM location ORDER BY last_modified").fetchall())
