"""Real databases for tests, one of each kind: a SQLite file per test, and one PostgreSQL
database per test session on 127.0.0.1:5432 (created here, emptied between tests, dropped at
the end). Registered for the whole suite in tests/conftest.py."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from hotline.db.migrate import upgrade
from hotline.db.records_store import RecordStore
from hotline.db.seed import seed_demo
from tests.db.support import create_pg_database, drop_pg_database, empty_all_tables


@pytest.fixture(scope="session")
def pg_session_database() -> Iterator[str]:
    url = create_pg_database()
    upgrade(url)
    yield url
    drop_pg_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> str:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/hotline.db"
        upgrade(url)
        return url
    url = request.getfixturevalue("pg_session_database")
    empty_all_tables(url)
    return url


@pytest.fixture
def sqlite_store(tmp_path) -> Iterator[RecordStore]:
    """A record store on a migrated SQLite file of the test's own."""
    url = f"sqlite:///{tmp_path}/records.db"
    upgrade(url)
    store = RecordStore.from_url(url)
    yield store
    store.close()


@pytest.fixture(scope="session")
def id_hash_key() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture(scope="session")
def pin_hash_key() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture
def seeded_url(database_url: str, id_hash_key: bytes, pin_hash_key: bytes) -> str:
    """A database of each kind holding the demo persons."""
    seed_demo(database_url, id_hash_key, pin_hash_key)
    return database_url
