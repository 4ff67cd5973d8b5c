"""The lockout rule on real databases, with the clock injected through `now`."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from hotline.db.credentials import is_slow, legacy_scrypt_hash, pin_matches
from hotline.db.engine import make_engine
from hotline.db.models import AuditEvent, Person
from ivr.selfservice import PinAccepted, PinLocked, PinRejected, parse_id_number, parse_pin

from .support import rows

T0 = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
RIGHT, WRONG = parse_pin("135790"), parse_pin("000000")


@pytest.fixture
async def person(backend):
    return await backend.identify(parse_id_number("450102199003071238"))


async def test_correct_pin_is_accepted(backend, person):
    assert await backend.verify_pin(person, RIGHT, T0) == PinAccepted()


async def test_three_wrong_pins_within_24_hours_lock_for_24_hours(backend, person):
    assert await backend.verify_pin(person, WRONG, T0) == PinRejected(2)
    assert await backend.verify_pin(person, WRONG, T0 + 10 * HOUR) == PinRejected(1)
    assert await backend.verify_pin(person, WRONG, T0 + 23 * HOUR) == PinLocked(T0 + 47 * HOUR)
    # Locked means locked: even the right PIN is not looked at.
    assert await backend.verify_pin(person, RIGHT, T0 + 30 * HOUR) == PinLocked(T0 + 47 * HOUR)
    # Once the lock has run out the count starts afresh.
    assert await backend.verify_pin(person, WRONG, T0 + 47 * HOUR) == PinRejected(2)
    assert await backend.verify_pin(person, RIGHT, T0 + 48 * HOUR) == PinAccepted()


async def test_three_wrong_pins_spread_over_more_than_24_hours_do_not_lock(backend, person):
    assert await backend.verify_pin(person, WRONG, T0) == PinRejected(2)
    assert await backend.verify_pin(person, WRONG, T0 + 12 * HOUR) == PinRejected(1)
    assert await backend.verify_pin(person, WRONG, T0 + 25 * HOUR) == PinRejected(1)
    assert await backend.verify_pin(person, RIGHT, T0 + 26 * HOUR) == PinAccepted()


async def test_a_correct_pin_clears_the_count(backend, person):
    await backend.verify_pin(person, WRONG, T0)
    await backend.verify_pin(person, WRONG, T0 + HOUR)
    assert await backend.verify_pin(person, RIGHT, T0 + 2 * HOUR) == PinAccepted()
    assert await backend.verify_pin(person, WRONG, T0 + 3 * HOUR) == PinRejected(2)


async def test_a_lock_is_per_person(backend, person):
    for hour in range(3):
        await backend.verify_pin(person, WRONG, T0 + hour * HOUR)
    other = await backend.identify(parse_id_number("45010219780615103X"))
    assert await backend.verify_pin(other, parse_pin("246813"), T0 + 3 * HOUR) == PinAccepted()


async def test_racing_wrong_pins_are_counted_one_by_one(backend, person):
    outcomes = await asyncio.gather(*(backend.verify_pin(person, WRONG, T0) for _ in range(5)))
    rejected = sorted(o.attempts_left for o in outcomes if isinstance(o, PinRejected))
    assert rejected == [1, 2]
    assert [o for o in outcomes if isinstance(o, PinLocked)] == [PinLocked(T0 + 24 * HOUR)] * 3


async def test_every_check_is_in_the_audit_trail(backend, person, seeded_url):
    for hour in range(4):
        await backend.verify_pin(person, WRONG, T0 + hour * HOUR)
    checks = [r for r in rows(seeded_url, AuditEvent) if r.action == "verify_pin"]
    assert [(r.outcome, r.detail) for r in checks] == [
        ("rejected", None),
        ("rejected", None),
        ("locked", None),
        ("locked", "lock in force"),
    ]
    assert {r.person for r in checks} == {"4501**********1238"}


# --- PINs stored by earlier versions (salted scrypt) ---------------------------------------
def _stored_hash(url, person) -> str:
    return next(r.pin_hash for r in rows(url, Person) if r.id == int(person.key))


def _store_legacy_hash(url, person, pin: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            update(Person).where(Person.id == int(person.key)).values(pin_hash=legacy_scrypt_hash(pin, n=2**10))
        )
    engine.dispose()


async def test_a_legacy_hash_is_upgraded_on_the_next_successful_check(backend, person, seeded_url, pin_hash_key):
    _store_legacy_hash(seeded_url, person, RIGHT.digits)
    assert await backend.verify_pin(person, WRONG, T0) == PinRejected(2)
    assert is_slow(_stored_hash(seeded_url, person))  # a wrong PIN upgrades nothing
    assert await backend.verify_pin(person, RIGHT, T0 + HOUR) == PinAccepted()
    upgraded = _stored_hash(seeded_url, person)
    assert not is_slow(upgraded) and pin_matches(pin_hash_key, RIGHT.digits, upgraded)
    # The keyed hash keeps the PIN and the lockout works on it as before.
    assert await backend.verify_pin(person, RIGHT, T0 + 2 * HOUR) == PinAccepted()
    for hour in (3, 4):
        await backend.verify_pin(person, WRONG, T0 + hour * HOUR)
    assert await backend.verify_pin(person, WRONG, T0 + 5 * HOUR) == PinLocked(T0 + 29 * HOUR)


async def test_a_locked_legacy_hash_is_neither_checked_open_nor_upgraded(backend, person, seeded_url):
    _store_legacy_hash(seeded_url, person, RIGHT.digits)
    for hour in range(3):
        await backend.verify_pin(person, WRONG, T0 + hour * HOUR)
    assert await backend.verify_pin(person, RIGHT, T0 + 3 * HOUR) == PinLocked(T0 + 26 * HOUR)
    assert is_slow(_stored_hash(seeded_url, person))
    assert await backend.verify_pin(person, RIGHT, T0 + 26 * HOUR) == PinAccepted()
    assert not is_slow(_stored_hash(seeded_url, person))


async def test_the_demo_pins_are_stored_keyed(backend, person, seeded_url):
    assert not any(is_slow(r.pin_hash) for r in rows(seeded_url, Person))


@pytest.mark.parametrize("database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
async def test_callers_of_one_person_wait_for_each_other_not_for_the_database_threads(seeded_url, id_hash_key,
                                                                                      pin_hash_key):
    """Many callers checking one person's PIN at once (the SIP bench's callers are all one
    person) wait their turn in the service: at most one holds a database thread waiting for
    the person's row, so other callers' look-ups are never queued behind them."""
    from sqlalchemy import text

    from hotline.db.backend import SqlBackend

    backend = SqlBackend.from_url(seeded_url, id_hash_key=id_hash_key, pin_hash_key=pin_hash_key, workers=2,
                                  timeout=30)
    holder = make_engine(seeded_url)
    try:
        person = await backend.identify(parse_id_number("450102199003071238"))
        other = parse_id_number("45010219780615103X")
        assert person is not None
        with holder.connect() as connection:  # another service's check holds the person's row
            connection.execute(text("SELECT id FROM persons WHERE id = :id FOR UPDATE"), {"id": int(person.key)})
            checks = [asyncio.ensure_future(backend.verify_pin(person, RIGHT, T0)) for _ in range(4)]
            await asyncio.sleep(0)  # each check goes as far as it can before the look-up asks
            async with asyncio.timeout(5):
                assert await backend.identify(other) is not None
            assert not any(check.done() for check in checks)
            connection.rollback()
        async with asyncio.timeout(30):
            assert await asyncio.gather(*checks) == [PinAccepted()] * 4
        assert len(backend._pin_turns) == 0  # nothing kept for a person nobody is checking
    finally:
        holder.dispose()
        backend.close()
