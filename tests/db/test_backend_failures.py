"""A database that stops answering surfaces as BackendUnavailable, and service resumes by
itself once the database is back; connections the server has cut (a restart) cost no call."""

import asyncio
import logging
import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, create_engine, event, select, text, update
from sqlalchemy.engine import make_url

from hotline.db.backend import SqlBackend
from hotline.db.engine import make_engine
from hotline.db.models import AuditEvent, CardLossReport, Person
from ivr.selfservice import BackendUnavailable, PinAccepted, audit_entry, parse_id_number, parse_pin

DEMO = parse_id_number("450102199003071238")
NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
only_postgresql = pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)


def cut_connections(url, pid=None):
    """The server ends the database's open connections (or one), as a restart would, and
    still accepts new ones. Returns how many ended; waits until they have."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        ended = connection.execute(
            text(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
                " WHERE datname = :n AND pid <> pg_backend_pid() AND (CAST(:pid AS integer) IS NULL OR pid = :pid)"
            ),
            {"n": parsed.database, "pid": pid},
        ).scalar_one()
    admin.dispose()
    return ended


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
    seeded_url, id_hash_key, pin_hash_key, caplog
):
    backend = SqlBackend.from_url(seeded_url, id_hash_key=id_hash_key, pin_hash_key=pin_hash_key, timeout=0.5, workers=2)
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


async def test_unreachable_server_fails_fast(id_hash_key, pin_hash_key):
    # Nothing listens on port 9 (discard) here: connection refused, not a hang.
    backend = SqlBackend.from_url(
        "postgresql://postgres@127.0.0.1:9/none", id_hash_key=id_hash_key, pin_hash_key=pin_hash_key, timeout=5, workers=1
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


@only_postgresql
async def test_connections_the_server_cut_cost_no_failed_call(seeded_url, id_hash_key, pin_hash_key):
    backend = SqlBackend.from_url(seeded_url, id_hash_key=id_hash_key, pin_hash_key=pin_hash_key, workers=2)
    try:
        person = await backend.identify(DEMO)
        assert person is not None
        await asyncio.gather(backend.get_balances(person), backend.get_balances(person))
        assert cut_connections(seeded_url) >= 1
        # Reads, concurrently: each finds its pooled connection dead and carries on.
        first, second = await asyncio.gather(backend.get_balances(person), backend.get_balances(person))
        assert first == second and first.pension is not None
        assert cut_connections(seeded_url) >= 1
        assert await backend.verify_pin(person, parse_pin("135790"), NOW) == PinAccepted()
        assert cut_connections(seeded_url) >= 1
        # A state change whose first statement meets a dead connection: done once, not twice.
        await backend.audit(audit_entry("transfer_agent", "after_cut", NOW, person=person))
    finally:
        backend.close()
    engine = make_engine(seeded_url)
    with engine.connect() as connection:
        written = connection.scalars(select(AuditEvent.outcome).where(AuditEvent.outcome == "after_cut")).all()
    engine.dispose()
    assert written == ["after_cut"]


@only_postgresql
async def test_a_connection_lost_at_commit_is_not_tried_again(seeded_url, id_hash_key, pin_hash_key):
    # Whether a COMMIT that got no answer took effect is unknown, so it is never repeated:
    # the caller goes to an agent.
    backend = SqlBackend.from_url(seeded_url, id_hash_key=id_hash_key, pin_hash_key=pin_hash_key, workers=1)
    commits = []

    def cut_before_commit(connection: Connection) -> None:
        commits.append(connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
        assert cut_connections(seeded_url, pid=commits[-1]) == 1

    try:
        card = await backend.get_card(await backend.identify(DEMO))
        event.listen(backend.engine, "commit", cut_before_commit)
        with pytest.raises(BackendUnavailable):
            await backend.report_card_lost(card, "13812345678", "ivr", NOW)
        event.remove(backend.engine, "commit", cut_before_commit)
        assert len(commits) == 1
        # The server ended the transaction before its COMMIT arrived; the backend serves on.
        assert (await backend.report_card_lost(card, "13812345678", "ivr", NOW)).already_reported is False
    finally:
        backend.close()
    engine = make_engine(seeded_url)
    with engine.connect() as connection:
        assert len(connection.scalars(select(CardLossReport.id)).all()) == 2  # the demo's, and this one
    engine.dispose()
