"""A database that stops answering surfaces as BackendUnavailable, and service resumes by
itself once the database is back."""

import logging
import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text, update
from sqlalchemy.engine import make_url

from hotline.db.backend import SqlBackend
from hotline.db.engine import make_engine
from hotline.db.models import Person
from ivr.selfservice import BackendUnavailable, parse_id_number, parse_pin

DEMO = parse_id_number("450102199003071238")


@contextmanager
def database_stops_answering(url):
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # Another process holds the write lock longer than the backend is willing to wait.
        holder = sqlite3.connect(parsed.database, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    # PostgreSQL: the database refuses connections and the open ones are cut.
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = parsed.database
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        try:
            yield
        finally:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
    admin.dispose()


async def test_database_failure_is_backend_unavailable_and_recovers(
    seeded_url, id_hash_key, caplog
):
    backend = SqlBackend.from_url(seeded_url, id_hash_key=id_hash_key, timeout=0.5, workers=2)
    try:
        person = await backend.identify(DEMO)
        assert person is not None
        with database_stops_answering(seeded_url):
            with pytest.raises(BackendUnavailable) as caught:
                await backend.get_balances(person)
            assert DEMO.value not in str(caught.value)
        # The same backend object serves again without a restart.
        assert (await backend.get_balances(person)).pension is not None
    finally:
        backend.close()
    warnings = [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING and "get_balances" in r.getMessage()
    ]
    assert warnings, "the failure was not logged"


async def test_unreachable_server_fails_fast(id_hash_key):
    # Nothing listens on port 9 (discard) here: connection refused, not a hang.
    backend = SqlBackend.from_url(
        "postgresql://postgres@127.0.0.1:9/none", id_hash_key=id_hash_key, timeout=5, workers=1
    )
    try:
        with pytest.raises(BackendUnavailable):
            await backend.identify(DEMO)
    finally:
        backend.close()


async def test_unexpected_data_also_routes_to_an_agent(backend, seeded_url, caplog):
    person = await backend.identify(DEMO)
    engine = make_engine(seeded_url)
    with engine.begin() as connection:
        connection.execute(update(Person).values(pin_hash="md5$legacy"))
    engine.dispose()
    with pytest.raises(BackendUnavailable):
        await backend.verify_pin(person, parse_pin("135790"), datetime.now(UTC))
    assert any(
        r.levelno == logging.ERROR and "verify_pin" in r.getMessage() for r in caplog.records
    )
