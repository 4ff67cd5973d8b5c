"""The database failing in the middle of a call: the caller hears the apology and goes to an
agent of that business line, and the FastAGI server carries on serving the other calls.

The faults are real: the SQLite file overwritten with random bytes (a failed disk), the
PostgreSQL database dropped with its connections terminated."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from hotline.db.backend import SqlBackend
from hotline.db.migrate import upgrade
from hotline.db.seed import seed_demo
from ivr.agi import AgiServer
from ivr.ami import AmiClient
from ivr.selfservice.flows import FlowSettings, routes
from tests.db.support import create_pg_database, drop_pg_database, empty_all_tables
from tests.selfservice_calls.caller import call_flow
from tests.support.events import EventLog

PERSON, PIN = "450102199003071238", "135790"
OTHER, OTHER_PIN = "450203197202294533", "802467"


def _ruin_file(path: Path) -> None:
    with open(path, "r+b") as f:
        f.write(os.urandom(path.stat().st_size))


@pytest.fixture
def doomed_db(seeded_url: str, tmp_path: Path, id_hash_key: bytes, pin_hash_key: bytes) -> Iterator[tuple[str, Callable[[], None]]]:
    """A seeded database of its own, of the same kind as `seeded_url`, and how to make it fail
    for real."""
    if seeded_url.startswith("sqlite"):
        path = tmp_path / "doomed.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        seed_demo(url, id_hash_key, pin_hash_key)
        yield url, lambda: _ruin_file(path)
        return
    url = create_pg_database()
    upgrade(url)
    seed_demo(url, id_hash_key, pin_hash_key)
    yield url, lambda: drop_pg_database(url)  # WITH (FORCE): its sessions are terminated
    drop_pg_database(url)


async def test_database_down_mid_call_apologises_routes_to_an_agent_and_others_are_served(
        clipped_ami: AmiClient, clipped_events: EventLog, agi_server: AgiServer, backend: SqlBackend,
        doomed_db: tuple[str, Callable[[], None]], id_hash_key: bytes, pin_hash_key: bytes) -> None:
    url, fail = doomed_db
    doomed = SqlBackend.from_url(url, id_hash_key=id_hash_key, pin_hash_key=pin_hash_key, workers=2, timeout=3.0)
    try:
        agi_server.routes.update(routes(doomed, FlowSettings(scripts={"balance": "balance"})))
        agi_server.routes.update(routes(backend, FlowSettings(scripts={"card_status": "healthy_status"})))

        # Another caller is half-way through a flow on a healthy database all along.
        other = await call_flow(clipped_ami, clipped_events, "healthy_status", business="ss_card")
        await other.on("enter_id_number", OTHER + "#")
        await other.hears("enter_pin")

        caller = await call_flow(clipped_ami, clipped_events, "balance", business="medical")
        await caller.on("enter_id_number", PERSON + "#")
        await caller.hears("enter_pin")
        fail()
        await caller.press(PIN + "#")
        result = await caller.result()
        assert result["Result"] == "agent" and result["AgiStatus"] == "SUCCESS"
        assert caller.heard() == ["enter_id_number", "enter_pin", "service_unavailable", "transfer_agent"]
        assert (await caller.outcome())["Outcome"] == "unavailable"
        await caller.hang_up()

        await other.press(OTHER_PIN + "#")
        assert (await other.result())["Result"] == "done"
        assert other.heard() == ["enter_id_number", "enter_pin", "card_status_active"]
        await other.hang_up()
        assert agi_server.serving and agi_server.stats.errors == 0
    finally:
        doomed.close()



@pytest.mark.postgres
async def test_a_database_that_does_not_answer_in_time_counts_as_down(
        clipped_ami: AmiClient, clipped_events: EventLog, agi_server: AgiServer,
        pg_session_database: str, id_hash_key: bytes, pin_hash_key: bytes) -> None:
    """A maintenance job holds an exclusive lock on the persons table: the look-up waits, the
    flow's own time limit (1 s here) ends the wait, and the caller is not left in silence."""
    empty_all_tables(pg_session_database)
    seed_demo(pg_session_database, id_hash_key, pin_hash_key)
    slow = SqlBackend.from_url(pg_session_database, id_hash_key=id_hash_key, pin_hash_key=pin_hash_key, workers=2, timeout=30.0)
    agi_server.routes.update(routes(slow, FlowSettings(backend_timeout=1.0)))
    locker = create_engine(pg_session_database)
    try:
        with locker.connect() as connection:
            connection.execute(text("LOCK TABLE persons IN ACCESS EXCLUSIVE MODE"))
            caller = await call_flow(clipped_ami, clipped_events, "card_status", business="ss_card")
            await caller.on("enter_id_number", PERSON + "#")
            result = await caller.result()
            assert result["Result"] == "agent"
            assert caller.heard() == ["enter_id_number", "service_unavailable", "transfer_agent"]
            assert (await caller.outcome())["Outcome"] == "unavailable"
            connection.rollback()
        await caller.hang_up()
    finally:
        locker.dispose()
        slow.close()
