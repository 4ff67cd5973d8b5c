"""A record store over the suite's real databases (tests/support/databases.py), and the hours
configuration the tests inject."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hotline.db.records_store import RecordStore
from tests.hours.support import demo_hours


@pytest.fixture
def store(database_url) -> Iterator[RecordStore]:
    store = RecordStore.from_url(database_url)
    yield store
    store.close()


@pytest.fixture
def hours():
    return demo_hours()
