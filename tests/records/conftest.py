"""Databases for the records tests (SQLite per test, PostgreSQL per session, as in tests/db),
a store over them, and the hours configuration the tests inject."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hotline.db.migrate import upgrade
from hotline.db.records_store import RecordStore
from tests.db.support import create_pg_database, drop_pg_database, empty_all_tables
from tests.hours.support import demo_hours


@pytest.fixture(scope="session")
def records_pg_database() -> Iterator[str]:
    url = create_pg_database()
    upgrade(url)
    yield url
    drop_pg_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def records_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/records.db"
        upgrade(url)
        return url
    url = request.getfixturevalue("records_pg_database")
    empty_all_tables(url)
    return url


@pytest.fixture
def store(records_url) -> Iterator[RecordStore]:
    store = RecordStore.from_url(records_url)
    yield store
    store.close()


@pytest.fixture
def sqlite_store(tmp_path) -> Iterator[RecordStore]:
    url = f"sqlite:///{tmp_path}/records.db"
    upgrade(url)
    store = RecordStore.from_url(url)
    yield store
    store.close()


@pytest.fixture
def hours():
    return demo_hours()
