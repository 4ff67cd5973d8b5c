"""Helpers for tests that need real self-service databases (also for the flow tests):
PostgreSQL databases on 127.0.0.1:5432 created and dropped by name, and emptying a migrated
database between tests."""

from __future__ import annotations

import secrets

from sqlalchemy import create_engine, select, text

from hotline.db.engine import make_engine, session_factory
from hotline.db.models import Base

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


def _admin():
    return create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")


def create_pg_database() -> str:
    name = f"hotline_test_{secrets.token_hex(6)}"
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{PG_SERVER}/{name}"


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def empty_all_tables(url: str) -> None:
    """Remove every row from a migrated PostgreSQL database (faster than recreating it)."""
    engine = make_engine(url)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def rows(url: str, model: type[Base]) -> list:  # type: ignore[type-arg]
    """Every row of a model's table, oldest first: the state a test asserts on."""
    engine = make_engine(url)
    with session_factory(engine)() as session:
        found = list(session.scalars(select(model).order_by(model.id)))  # type: ignore[attr-defined]
    engine.dispose()
    return found
