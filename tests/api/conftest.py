"""The supervision API over a real router fed by the sandbox: a RoutingStack (tests.routing_asterisk)
whose adapter the queue and agent routers read, on create_app over a real HotlineService."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from hotline.auth import TokenStore
from hotline.db.records_store import RecordStore
from hotline.http.app import create_app
from hotline.http.history import history_router
from hotline.http.live import LiveFeed
from hotline.http.supervision import install_supervision
from hotline.records.history import caller_key
from hotline.records.timeline import TimelineWriter
from hotline.service import HotlineService
from ivr.ami import AmiClient
from ivr.sandbox import Sandbox
from tests.routing_asterisk.conftest import RoutingStack, agent, short_ladders
from tests.support.stacks import hang_up_test_calls

# the roster the tests log in from: z1/z2 speak Zhuang, m1 Mandarin; phones answer and talk 30 s
# (q1's talks 1 s, then hangs up)
ROSTER = [agent("z1", "talk30", zhuang=5, pension=4), agent("z2", "talk30", zhuang=5, pension=4),
          agent("m1", "talk30", mandarin=5, pension=4), agent("q1", "talk1", zhuang=5, pension=4)]


KEEP_ALIVE = 0.5  # seconds between keep-alive comments on /events in these tests


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Api:
    stack: RoutingStack
    app: FastAPI
    feed: LiveFeed
    http: httpx.AsyncClient
    service: HotlineService
    tokens: dict[str, str]  # role (and "agent_z2") -> secret; "agent" is agent z1's

    def as_(self, who: str) -> dict[str, str]:
        return bearer(self.tokens[who])


def build_app(service: HotlineService, stack: RoutingStack, store: TokenStore,
              records: RecordStore | None = None) -> tuple[FastAPI, LiveFeed]:
    app = create_app(service)
    feed = install_supervision(app, service, stack.adapter, stack.desk, keep_alive=KEEP_ALIVE)
    if records is not None:  # call history: timelines into the database, read back by /calls
        timeline = TimelineWriter(records)
        feed.timeline_listeners.append(timeline.add)
        app.include_router(history_router(records, timeline, stack.adapter))
    app.state.token_store = store
    return app, feed


def make_tokens(store: TokenStore) -> dict[str, str]:
    tokens = {role: store.create(role, name=f"{role} person", agent_id="z1" if role == "agent" else None)[0]
              for role in ("viewer", "agent", "ops", "recorder", "supervisor")}
    tokens["agent_z2"] = store.create("agent", name="z2 person", agent_id="z2")[0]
    return tokens


@pytest.fixture
async def service(sandbox: Sandbox, agi_port: int) -> AsyncIterator[HotlineService]:
    """On the FastAGI port the sandbox calls, so the hold script runs in this service."""
    service = HotlineService(sandbox.ami, agi_host="127.0.0.1", agi_port=agi_port)
    await service.start()
    await service.wait_ready(5)
    yield service
    await service.stop()


@pytest.fixture
async def api(ami: AmiClient, service: HotlineService, tmp_path, sqlite_store: RecordStore) -> AsyncIterator[Api]:
    stack = RoutingStack(ami, service.agi, short_ladders())
    stack.desk.roster.update({a.id: a for a in ROSTER})
    store = TokenStore(tmp_path / "tokens.json")
    tokens = make_tokens(store)
    sqlite_store.caller_key = caller_key(b"test key " * 4)  # as assemble gives it: search by number
    app, feed = build_app(service, stack, store, sqlite_store)
    await stack.adapter.start()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hotline") as http:
        yield Api(stack, app, feed, http, service, tokens)
    feed.close()
    await stack.adapter.stop()
    await hang_up_test_calls(ami, ("caller", "agents"))


@asynccontextmanager
async def served(app: FastAPI, feed: LiveFeed) -> AsyncIterator[str]:
    """The app on real HTTP (uvicorn in this event loop, a free port); yields its base URL.
    Leaving closes the live feed first, so open event streams end and the server can stop."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:  # uvicorn offers no event for this
                await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        feed.close()
        server.should_exit = True
        await asyncio.wait_for(task, 10)
