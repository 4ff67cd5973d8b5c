"""Where the database work's time goes: every self-service transaction and every call-record
write leaves its wait for a thread, for a connection, its statements and its commit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hotline.db.records_store import RecordStore, load_record
from ivr.selfservice import parse_id_number, parse_pin

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


async def test_each_transaction_of_a_lookup_is_timed_by_part(backend):
    person = await backend.identify(parse_id_number("450102199003071238"))
    assert person is not None
    await backend.verify_pin(person, parse_pin("135790"), NOW)
    await backend.get_balances(person)
    calls = backend.timings.drain()
    # a PIN check against a keyed hash is one transaction
    assert [c.operation for c in calls] == ["identify", "verify_pin", "get_balances"]
    for call in calls:
        parts = (call.queued, call.checkout, call.statements, call.commit)
        assert all(part >= 0 for part in parts) and sum(parts) > 0
    assert backend.timings.drain() == []  # drained: the next phase starts empty


async def test_call_record_writes_are_timed_and_direct_runs_are_not(seeded_url):
    store = RecordStore.from_url(seeded_url)
    try:
        assert await store.call(lambda session: load_record(session, "no-such-call")) is None
        store.run(lambda session: load_record(session, "no-such-call"))  # the CLI's way: not timed
        [call] = store.timings.drain()
        assert call.operation == "call_records" and call.statements > 0
    finally:
        store.close()


@pytest.mark.parametrize("database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
async def test_a_warmed_backend_finds_its_connections_open(seeded_url, id_hash_key, pin_hash_key):
    from hotline.db.backend import SqlBackend

    backend = SqlBackend.from_url(seeded_url, id_hash_key=id_hash_key, pin_hash_key=pin_hash_key, workers=3)
    try:
        assert backend.warm().result(timeout=30) == 3
        assert backend.engine.pool.checkedin() == 3  # type: ignore[attr-defined]
        assert await backend.identify(parse_id_number("450102199003071238")) is not None
        assert [c.operation for c in backend.timings.drain()] == ["identify"]
        assert backend.engine.pool.checkedin() == 3  # type: ignore[attr-defined]  # no new one was made
    finally:
        backend.close()
