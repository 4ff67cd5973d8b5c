"""Backends and keys for the data tests, over the suite's real databases (tests/support/databases.py)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from hotline.db.backend import SqlBackend
from hotline.db.migrate import upgrade
from hotline.db.seed import seed_demo

from .support import CHEAP_PIN_COST, create_pg_database, drop_pg_database


@pytest.fixture(scope="session")
def id_hash_key() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database_url(request, tmp_path) -> Iterator[str]:
    """A database of each kind with nothing in it, not even a schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/empty.db"
        return
    url = create_pg_database()
    yield url
    drop_pg_database(url)


@pytest.fixture
def seeded_url(database_url, id_hash_key) -> str:
    seed_demo(database_url, id_hash_key, pin_cost=CHEAP_PIN_COST)
    return database_url


@pytest.fixture
def backend(seeded_url, id_hash_key) -> Iterator[SqlBackend]:
    backend = SqlBackend.from_url(seeded_url, id_hash_key=id_hash_key, workers=4)
    yield backend
    backend.close()
