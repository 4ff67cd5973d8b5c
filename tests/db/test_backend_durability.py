"""On PostgreSQL, reads and accepted PIN checks commit without waiting for the log flush; every
transaction that changes state otherwise waits (the policy in hotline.db.backend, RELAXED_COMMIT
and RELAXED_WHEN).

Observed on the real server: as each transaction commits, `SHOW synchronous_commit` on that
transaction's own connection says what its commit will do."""

from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import Connection, Engine, event

from hotline.db.backend import SqlBackend
from ivr.selfservice import PinAccepted, PinLocked, PinRejected, audit_entry, parse_id_number, parse_pin

T = TypeVar("T")
NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
DEMO = parse_id_number("450102199003071238")
RIGHT, WRONG = parse_pin("135790"), parse_pin("000000")

only_postgresql = pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)


@contextmanager
def commit_settings(engine: Engine) -> Iterator[list[str]]:
    """synchronous_commit as each transaction commits, in the order they commit."""
    seen: list[str] = []

    def on_commit(connection: Connection) -> None:
        seen.append(connection.exec_driver_sql("SHOW synchronous_commit").scalar_one())

    event.listen(engine, "commit", on_commit)
    try:
        yield seen
    finally:
        event.remove(engine, "commit", on_commit)


@pytest.fixture
def one_connection(seeded_url, id_hash_key, pin_hash_key) -> Iterator[SqlBackend]:
    """One connection for everything, so a relaxed read would leak into the next
    transaction if the setting outlived its transaction."""
    backend = SqlBackend.from_url(seeded_url, id_hash_key=id_hash_key, pin_hash_key=pin_hash_key, workers=1)
    yield backend
    backend.close()


async def settings_of(backend: SqlBackend, operation: Awaitable[T]) -> tuple[T, list[str]]:
    with commit_settings(backend.engine) as seen:
        result = await operation
    return result, seen


@only_postgresql
async def test_reads_commit_relaxed_and_state_changes_wait_for_the_log(one_connection):
    backend = one_connection
    person, seen = await settings_of(backend, backend.identify(DEMO))
    assert person is not None and seen == ["off"]
    assert await settings_of(backend, backend.identify(parse_id_number("11010519491231002X"))) == (None, ["off"])
    # A PIN check is one transaction (the row locked, the keyed hash compared, the outcome
    # recorded); an accepted one only clears and audits, and holds the person's row lock, so
    # it does not wait for the log.
    assert await settings_of(backend, backend.verify_pin(person, RIGHT, NOW)) == (PinAccepted(), ["off"])
    balances, seen = await settings_of(backend, backend.get_balances(person))
    assert balances.pension is not None and seen == ["off"]
    card, seen = await settings_of(backend, backend.get_card(person))
    assert card is not None and seen == ["off"]
    report, seen = await settings_of(backend, backend.report_card_lost(card, "13812345678", "ivr", NOW))
    assert not report.already_reported and seen == ["on"]
    again, seen = await settings_of(backend, backend.report_card_lost(card, "13812345678", "ivr", NOW))
    assert again.already_reported and seen == ["on"]
    # The flows' own events (a transfer, a cancelled report) are not a read's audit row.
    entry = audit_entry("card_loss", "cancelled_by_caller", NOW, person=person, card=card)
    assert await settings_of(backend, backend.audit(entry)) == (None, ["on"])


@only_postgresql
async def test_failed_pins_and_the_lockout_wait_for_the_log(one_connection):
    backend = one_connection
    person = await backend.identify(DEMO)
    assert person is not None
    hour = timedelta(hours=1)
    assert await settings_of(backend, backend.verify_pin(person, WRONG, NOW)) == (PinRejected(2), ["on"])
    assert await settings_of(backend, backend.verify_pin(person, WRONG, NOW + hour)) == (PinRejected(1), ["on"])
    locked, seen = await settings_of(backend, backend.verify_pin(person, WRONG, NOW + 2 * hour))
    assert isinstance(locked, PinLocked) and seen == ["on"]
    # the right PIN while the lock holds is refused, and that is recorded durably too
    refused, seen = await settings_of(backend, backend.verify_pin(person, RIGHT, NOW + 2 * hour))
    assert isinstance(refused, PinLocked) and seen == ["on"]
