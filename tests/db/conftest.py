"""Backends and keys for the data tests, over the suite's real databases (tests/support/databases.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hotline.db.backend import SqlBackend

from .support import create_pg_database, drop_pg_database


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
def backend(seeded_url, id_hash_key, pin_hash_key) -> Iterator[SqlBackend]:
    backend = SqlBackend.from_url(seeded_url, id_hash_key=id_hash_key, pin_hash_key=pin_hash_key, workers=4)
    yield backend
    backend.close()
