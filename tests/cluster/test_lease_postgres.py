"""Two services and one lease in a real PostgreSQL: one acts at a time, the standby takes over
from an active service that dies or loses the database, and the two never act together.

The partition is made by a relay between one service and PostgreSQL that stops passing bytes
(the connections stay open, as when a network drops packets): PostgreSQL cannot be made to
do that on demand.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.engine import Engine, make_url

from hotline.cluster.lease import LeaseKeeper, LeaseTerms
from hotline.cluster.runner import LeaseRunner
from hotline.db.lease import Fenced, LeaseStore, check_fence

pytestmark = pytest.mark.postgres
TERMS = LeaseTerms(ttl_s=3.0, renew_every_s=0.5, margin_s=1.0)


class Relay:
    """TCP relay to PostgreSQL that can be told to drop everything (a partition)."""

    def __init__(self) -> None:
        self.dropping = False
        self.dropping_answers = False  # requests still reach PostgreSQL; its answers are lost
        self.server: asyncio.Server | None = None
        self.writers: list[asyncio.StreamWriter] = []

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", 5432)
        self.writers += [writer, up_writer]

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter, answers: bool) -> None:
            while data := await source.read(65536):
                if not self.dropping and not (answers and self.dropping_answers):
                    sink.write(data)
                    await sink.drain()

        with contextlib.suppress(Exception):
            await asyncio.gather(pipe(reader, up_writer, False), pipe(up_reader, writer, True))
        for w in (writer, up_writer):
            w.close()

    async def close(self) -> None:
        """Close every relayed connection, so PostgreSQL sees its clients go."""
        if self.server is not None:
            self.server.close()
        for writer in self.writers:
            writer.close()


@dataclass
class Service:
    name: str
    runner: LeaseRunner
    log: list[tuple[float, str]] = field(default_factory=list)
    active: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    engine: Engine | None = None


def service(name: str, url: str, lease: str, log: list[tuple[float, str, str]]) -> Service:
    engine = create_engine(url, connect_args={"connect_timeout": 2}, pool_size=2, max_overflow=4)
    keeper = LeaseKeeper(TERMS)
    holder = Service(name, None)  # type: ignore[arg-type]

    async def activate(epoch: int) -> None:
        log.append((time.monotonic(), name, "active"))
        holder.active.set()

    async def stand_down(reason: str) -> None:
        log.append((time.monotonic(), name, "standby"))
        holder.active.clear()

    holder.engine = engine
    holder.runner = LeaseRunner(keeper, LeaseStore(engine, name, lease).attempt, on_activate=activate,
                                on_stand_down=stand_down, attempt_timeout_s=0.5)
    return holder


@pytest.fixture
async def pair(pg_session_database: str) -> AsyncIterator[tuple[Service, Service, Relay, list[tuple[float, str, str]]]]:
    relay = Relay()
    port = await relay.start()
    url = make_url(pg_session_database)
    lease = "test-" + secrets.token_hex(4)
    log: list[tuple[float, str, str]] = []
    a = service("a", url.set(port=port).render_as_string(hide_password=False), lease, log)
    b = service("b", url.render_as_string(hide_password=False), lease, log)
    overlaps: list[float] = []

    async def watch() -> None:  # the invariant, checked all along: never both at once
        while True:
            if a.runner.may_act() and b.runner.may_act():
                overlaps.append(time.monotonic())
            await asyncio.sleep(0.005)

    watcher = asyncio.create_task(watch())
    a.task = asyncio.create_task(a.runner.run())
    await asyncio.wait_for(a.active.wait(), 5)
    b.task = asyncio.create_task(b.runner.run())
    yield a, b, relay, log
    for task in (watcher, a.task, b.task):
        task.cancel()
    await asyncio.gather(watcher, a.task, b.task, return_exceptions=True)
    await relay.close()
    for one in (a, b):
        assert one.engine is not None
        await asyncio.to_thread(one.engine.dispose)
    assert overlaps == []


async def test_the_standby_waits_while_the_active_service_renews(pair) -> None:
    a, b, _, _ = pair
    await asyncio.sleep(TERMS.ttl_s)  # longer than a lease: the standby must still be refused
    assert a.runner.may_act() and not b.runner.may_act()


async def test_the_standby_takes_over_when_the_active_service_dies(pair) -> None:
    a, b, _, log = pair
    assert a.task is not None
    a.task.cancel()  # dies without a word: nothing released
    died = time.monotonic()
    await asyncio.wait_for(b.active.wait(), 10)
    took = time.monotonic() - died
    assert took <= TERMS.ttl_s + TERMS.renew_every_s + 0.5, took


async def test_an_active_service_cut_off_from_the_database_stops_before_the_standby_starts(pair) -> None:
    a, b, relay, log = pair
    relay.dropping = True
    cut = time.monotonic()
    await asyncio.wait_for(b.active.wait(), 10)
    stood_down = [t for t, who, what in log if who == "a" and what == "standby"]
    started = [t for t, who, what in log if who == "b" and what == "active"]
    assert stood_down and started and stood_down[0] < started[0], log
    assert stood_down[0] - cut <= TERMS.ttl_s - TERMS.margin_s + 0.1
    assert not a.runner.may_act()


async def test_a_renewal_whose_answer_is_lost_does_not_keep_the_lease_from_the_standby(pair) -> None:
    """PostgreSQL ran the renewal but its answer never came back: the row must not stay locked
    by a transaction waiting for a COMMIT that will never be sent."""
    a, b, relay, log = pair
    relay.dropping_answers = True
    cut = time.monotonic()
    await asyncio.wait_for(b.active.wait(), 10)
    assert time.monotonic() - cut <= TERMS.ttl_s + TERMS.renew_every_s + 1.0
    assert not a.runner.may_act()


def test_a_write_fenced_by_an_old_epoch_is_refused_once_the_lease_changed_hands(pg_session_database: str) -> None:
    """Callback task writes check, in their own transaction, the lease they act under."""
    engine = create_engine(pg_session_database)
    lease = "fence-" + secrets.token_hex(4)
    a, b = LeaseStore(engine, "a", lease), LeaseStore(engine, "b", lease)
    try:
        epoch = a.attempt(3.0)
        assert epoch is not None
        with Session(engine) as session:
            check_fence(session, holder="a", epoch=epoch, name=lease)  # held: passes
        a.release()
        assert b.attempt(3.0) == epoch + 1
        with Session(engine) as session, pytest.raises(Fenced):
            check_fence(session, holder="a", epoch=epoch, name=lease)
        with Session(engine) as session:
            check_fence(session, holder="b", epoch=epoch + 1, name=lease)
    finally:
        engine.dispose()
