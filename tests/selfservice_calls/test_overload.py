"""A saturated service: a new self-service caller hears many_callers and reaches an agent
instead of silence, while a caller already in a flow is served to the end.

Saturation is a fault injected here (a real one cannot be produced on demand): the test
keeps the event loop the FastAGI server runs on busy, 0.3 s at every turn, and the real
loop-lag monitor sees it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from hotline.db.backend import SqlBackend
from ivr.agi import AgiServer
from ivr.agi.load import LoopLag, OverloadPolicy
from ivr.ami import AmiClient
from ivr.selfservice.flows import FlowSettings, routes
from tests.selfservice_calls.caller import call_flow
from tests.support.events import EventLog

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
X_PERSON, X_PIN = "45010219780615103*", "246813"
POLICY = OverloadPolicy(max_sessions=400, max_loop_lag=0.2)


@pytest.fixture
async def lag() -> AsyncIterator[LoopLag]:
    monitor = LoopLag(interval=0.02)
    monitor.start()
    yield monitor
    await monitor.stop()


@pytest.fixture
def guarded_flows(agi_server: AgiServer, backend: SqlBackend, lag: LoopLag) -> AgiServer:
    saturated = lambda: POLICY.saturated(agi_server.stats.active, lag.recent())  # noqa: E731
    agi_server.routes.update(routes(backend, FlowSettings(overloaded=saturated)))
    return agi_server


async def _stall_the_loop(stop: asyncio.Event) -> None:
    while not stop.is_set():
        time.sleep(0.3)  # the fault: CPU work on the loop at every turn, as a saturated service
        await asyncio.sleep(0)


async def test_a_saturated_service_offers_new_callers_an_agent_and_serves_those_in_a_flow(
        clipped_ami: AmiClient, clipped_events: EventLog, guarded_flows: AgiServer, lag: LoopLag) -> None:
    in_flow = await call_flow(clipped_ami, clipped_events, "balance")
    await in_flow.hears("enter_id_number")
    assert lag.recent() < POLICY.max_loop_lag  # not saturated: this caller started the flow

    stop = asyncio.Event()
    fault = asyncio.ensure_future(_stall_the_loop(stop))
    try:
        async with asyncio.timeout(10):  # until the monitor sees the loop saturated
            while lag.recent() <= POLICY.max_loop_lag:
                await asyncio.sleep(0)
        newcomer = await call_flow(clipped_ami, clipped_events, "balance")
        await newcomer.on("many_callers", "1")
        outcome = await newcomer.outcome()
        assert (outcome["Outcome"], outcome["Result"]) == ("overloaded", "agent")
        assert (await newcomer.result())["Result"] == "agent"  # the dialplan routes to an agent
        assert newcomer.heard() == ["many_callers", "transfer_agent"]  # no silence, no flow
        assert in_flow.heard()[-1] == "enter_id_number"  # still in its flow, not turned away
    finally:
        stop.set()
        await fault
    try:
        # Once the service catches up, the caller who was in the flow goes on to the balance.
        await in_flow.press(X_PERSON + "#")
        await in_flow.on("enter_pin", X_PIN + "#")
        await in_flow.on("balance_options", "*")
        assert (await in_flow.outcome())["Outcome"] == "balance_read"
    finally:
        await in_flow.hang_up()
