"""Kamailio's tables in PostgreSQL: made from Debian's schema files, and the subscriber table
holding HA1 hashes of the agents' secrets, never the secrets."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from ivr.kamailio.db import KamailioDbError, create_schema, ha1, sync_subscribers
from tests.support.cluster import create_kamailio_database, drop_kamailio_database


@pytest.fixture
def kamailio_db() -> Iterator[str]:
    url = create_kamailio_database()
    yield url
    drop_kamailio_database(url)


def test_the_schema_is_debians_and_a_second_run_changes_nothing(kamailio_db: str) -> None:
    assert create_schema(kamailio_db) == ["standard-create.sql", "usrloc-create.sql", "auth_db-create.sql"]
    assert create_schema(kamailio_db) == []
    with psycopg.connect(kamailio_db) as connection:
        versions = dict(connection.execute("SELECT table_name, table_version FROM version").fetchall())
    assert {"location", "subscriber"} <= set(versions)


def test_subscribers_follow_the_roster_with_hashes_only(kamailio_db: str) -> None:
    create_schema(kamailio_db)
    change = sync_subscribers(kamailio_db, "hotline12333", ["1001", "1002"], {"1001": "s3cret-one", "1002": "s3cret-two"})
    assert change.added == ("1001", "1002")
    change = sync_subscribers(kamailio_db, "hotline12333", ["1001"], {"1001": "a-new-one"})
    assert (change.added, change.changed, change.removed) == ((), ("1001",), ("1002",))
    with psycopg.connect(kamailio_db) as connection:
        rows = connection.execute("SELECT username, password, ha1 FROM subscriber").fetchall()
    assert rows == [("1001", "", ha1("1001", "hotline12333", "a-new-one"))]


def test_an_agent_without_a_secret_is_named_and_nothing_is_written(kamailio_db: str) -> None:
    create_schema(kamailio_db)
    with pytest.raises(KamailioDbError, match="no SIP secret for agent phone.s. 1002"):
        sync_subscribers(kamailio_db, "hotline12333", ["1001", "1002"], {"1001": "x"})
