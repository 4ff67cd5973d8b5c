"""Nothing stored or logged holds a full demo ID number or PIN."""

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from hotline.db.backend import SqlBackend
from hotline.db.engine import make_engine
from hotline.db.models import Base
from hotline.db.seed import DEMO_PERSONS, seed_demo
from ivr.selfservice import CardStatus, parse_keypad_entry, parse_pin


NOW = datetime(2026, 11, 22, 19, 0, tzinfo=UTC)


def secrets_of_demo():
    for demo in DEMO_PERSONS:
        yield demo.id_number
        yield demo.id_number.replace("X", "*")
        yield demo.id_number.lower()
        yield demo.pin


def dump_tables(url) -> str:
    engine = make_engine(url)
    with engine.connect() as connection:
        text = "\n".join(
            repr(row)
            for table in Base.metadata.sorted_tables
            for row in connection.execute(select(table))
        )
    engine.dispose()
    return text


async def exercise_every_operation(backend) -> list[object]:
    seen: list[object] = []
    for demo in DEMO_PERSONS:
        person = await backend.identify(parse_keypad_entry(demo.id_number.replace("X", "*") + "#"))
        seen.append(person)
        for hour in range(2):
            seen.append(
                await backend.verify_pin(person, parse_pin("000000"), NOW + timedelta(hours=hour))
            )
        seen.append(
            await backend.verify_pin(person, parse_pin(demo.pin + "#"), NOW + timedelta(hours=3))
        )
        seen.append(await backend.get_balances(person))
        card = await backend.get_card(person)
        seen.append(card)
        if card.status in (CardStatus.ACTIVE, CardStatus.TEMPORARILY_LOST):
            seen.append(await backend.report_card_lost(card, "13812345678", "ivr", NOW))
    return seen


async def test_no_full_id_number_or_pin_is_stored_or_logged(database_url, id_hash_key, pin_hash_key, caplog):
    caplog.set_level(logging.DEBUG)
    # SQLAlchemy quiets its own loggers on import; turn on its statement and row logging.
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    seed_demo(database_url, id_hash_key, pin_hash_key)
    backend = SqlBackend.from_url(database_url, id_hash_key=id_hash_key, pin_hash_key=pin_hash_key, workers=2)
    try:
        seen = await exercise_every_operation(backend)
    finally:
        backend.close()

    stored = dump_tables(database_url)
    database = make_url(database_url).database
    if make_url(database_url).get_backend_name() == "sqlite":
        # The raw file and its write-ahead log, not only what SELECT shows.
        stored += "".join(
            path.read_bytes().decode("latin-1")
            for path in Path(database).parent.glob("hotline.db*")
        )
    returned = "\n".join(repr(item) for item in seen)
    # The haystacks are real: masked forms and the SQL did get there.
    assert "4501**********103X" in stored and "4501**********103X" in returned
    assert "audit_events" in caplog.text
    for secret in secrets_of_demo():
        assert secret not in stored
        assert secret not in caplog.text
        assert secret not in returned
