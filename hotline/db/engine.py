"""Engines and sessions for the embedded SQLite default and for PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_MS = 5000
PG_CONNECT_TIMEOUT_S = 3
POOL_TIMEOUT_S = 5


def normalise_url(url: str | URL) -> URL:
    """`postgresql://` means psycopg 3 here (the driver the project ships), not psycopg2."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL, *, pool_size: int = 8, pre_ping: bool = True) -> Engine:
    """`pre_ping=False` for a caller that retries a transaction whose connection turns out
    dead (SqlBackend does): the ping costs a round trip on every checkout."""
    parsed = normalise_url(url)
    # Bound parameters never go into logs or exception text (caller numbers, digests).
    options: dict[str, Any] = {"hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, **options)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    return create_engine(
        parsed,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=POOL_TIMEOUT_S,
        pool_pre_ping=pre_ping,  # a restarted database costs one reconnect, not one failed call
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
        **options,
    )


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets balance lookups read while a loss report writes; busy_timeout makes writers
    # queue instead of failing; SQLite enforces foreign keys only when asked.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
