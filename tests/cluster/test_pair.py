"""Two real hotline services (`ivrctl run` processes) in an active/standby pair on one sandbox
Asterisk and one PostgreSQL: the standby takes over from an active service killed with -9,
and from one cut off from the database, and no agent is ever offered two calls at once.

One pair per module (starting two services is the slow part); each test leaves it with one
active and one standby service.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ivr.ami import AmiClient
from ivr.sandbox import Sandbox
from ivr.sandbox.calls import PlacedCall, place_call
from tests.support.events import EventLog
from tests.support.pair import ServicePair

pytestmark = [pytest.mark.asterisk, pytest.mark.postgres]
TAKEOVER_LIMIT_S = 5.0
BUSINESS_LINES = ("pension", "medical", "unemployment", "work_injury", "employment", "labour_relations", "personnel",
                  "ss_card")


@pytest.fixture(scope="module")
def pair(sandbox: Sandbox, agi_port: int, pg_session_database: str,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServicePair]:
    services = ServicePair(tmp_path_factory.mktemp("pair"), sandbox.ami, pg_session_database,
                           agents=[("a1", "talk30"), ("a2", "noanswer")])
    services.build()
    try:
        services.start()
        yield services
    finally:
        services.close()
        asyncio.run(give_back(sandbox, agi_port))


async def give_back(sandbox: Sandbox, agi_port: int) -> None:
    """The session's sandbox as the other tests expect it: FastAGI at the tests' own server,
    no line recorded (the services set both as globals)."""
    client = AmiClient(sandbox.ami)
    await client.connect()
    try:
        await client.send({"Action": "Setvar", "Variable": "HOTLINE_AGI", "Value": f"agi://127.0.0.1:{agi_port}"})
        for line in BUSINESS_LINES:
            await client.send({"Action": "Setvar", "Variable": f"HOTLINE_RECORD_{line}", "Value": ""})
    finally:
        await client.close()


async def caller(ami: AmiClient) -> PlacedCall:
    # hold announcements every 2 s: the hold FastAGI is asked across the takeover
    return await place_call(ami, caller_context="test-caller", context="test-queue", variables={
        "QUEUE_DIALECT": "mandarin", "QUEUE_BUSINESS": "pension", "CALLER_HOLD": "60", "HOTLINE_HOLD_INTERVAL": "2"})


def agent_legs(events: EventLog) -> dict[str, int]:
    """The most agent legs each agent had up at once (rings and calls), from Asterisk's events."""
    live: dict[str, set[str]] = {}
    most: dict[str, int] = {}
    for message in events.events:
        uniqueid = message.get("Uniqueid", "")
        if not uniqueid.startswith("agent-") or uniqueid.endswith("-far"):
            continue
        agent_id = uniqueid[len("agent-"):].rpartition("-")[0]
        if message.get("Event") == "Newchannel":
            live.setdefault(agent_id, set()).add(uniqueid)
            most[agent_id] = max(most.get(agent_id, 0), len(live[agent_id]))
        elif message.get("Event") == "Hangup":
            live.get(agent_id, set()).discard(uniqueid)
    return most


async def global_agi(ami: AmiClient) -> str:
    return (await ami.send({"Action": "Getvar", "Variable": "HOTLINE_AGI"})).get("Value", "")


async def test_the_standby_takes_over_a_killed_active_service_and_every_caller_keeps_their_place(
        pair: ServicePair, ami: AmiClient, events: EventLog, tmp_path: Path) -> None:
    active = pair.active()
    assert active is not None
    standby = pair.standby()
    assert standby.role() == "standby"
    assert await global_agi(ami) == active.agi_url
    # the standby serves reads, refuses writes in one problem with a Retry-After
    assert pair.api(standby, "GET", "/queues/calls").status_code == 200
    refused = pair.api(standby, "POST", "/agents/a1/login")
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "3"
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "standby"

    first = await caller(ami)
    second = await caller(ami)
    waiting = pair.wait(lambda: (w := pair.waiting(active)) and len(w) == 2 and w, 20, "two callers waiting")
    assert list(waiting)[0] == first.uniqueid  # longest waiter first

    active.kill9()
    killed_at = time.monotonic()
    pair.wait(lambda: standby.role() == "active", 10, "the standby active")
    took = time.monotonic() - killed_at
    assert took < TAKEOVER_LIMIT_S, took
    assert standby.health()["cluster"]["epoch"] > 0
    # every waiting caller is still waiting, each with their original place
    assert pair.wait(lambda: pair.waiting(standby) == waiting and True, 5, "the callers read back")
    assert await global_agi(ami) == standby.agi_url
    # the hold FastAGI reaches the new active: callers hear their announcements again
    since = len(events.events)
    await events.wait_until(lambda: [e for e in events.events[since:] if e.get("Event") == "AGIExecEnd"
                                     and e.get("Uniqueid") == first.uniqueid], 10, "a hold FastAGI command")

    # the next free agent gets the longest waiter
    assert pair.api(standby, "POST", "/agents/a1/login").status_code == 200
    bridge = (await events.wait("BridgeEnter", timeout=15, Uniqueid=first.uniqueid))["BridgeUniqueid"]
    await events.wait_until(lambda: [e for e in events.matching("BridgeEnter", BridgeUniqueid=bridge)
                                      if e["Uniqueid"].startswith("agent-a1-")], 10, "agent a1 in the bridge")
    assert pair.wait(lambda: list(pair.waiting(standby)) == [second.uniqueid], 5, "the second caller still waiting")

    active.start()  # back, as the standby
    pair.wait(lambda: active.role() == "standby", 60, "the killed service back as standby")
    assert agent_legs(events).get("a1", 0) <= 1
    for call in (first, second):
        await ami.send({"Action": "Hangup", "Channel": call.channel}, check=False)
    pair.wait(lambda: pair.api(standby, "GET", "/agents").json()[0]["state"] != "on_call", 10, "a1's call over")
    assert pair.api(standby, "POST", "/agents/a1/logout").status_code == 200


async def test_an_active_service_cut_off_from_the_database_stands_down_before_the_standby_acts(
        pair: ServicePair, ami: AmiClient, events: EventLog) -> None:
    active = pair.active()
    assert active is not None
    standby = pair.standby()
    # an agent whose phone rings and never answers: rung by the active service when cut off
    assert pair.api(active, "POST", "/agents/a2/login").status_code == 200
    waiting = await caller(ami)
    await events.wait_until(
        lambda: [e for e in events.matching("Newchannel") if e.get("Uniqueid", "").startswith("agent-a2-")],
        15, "agent a2 rung")

    active.relay.dropping = True  # partition: its database stops answering
    cut_at = time.monotonic()
    pair.wait(lambda: active.role() == "standby", 6, "the cut-off service standing down")
    stood_down = time.monotonic() - cut_at
    pair.wait(lambda: standby.role() == "active", 10, "the standby active")
    assert stood_down <= 3.0 + 1.0, stood_down  # within the lease (its health check waits up to 1 s)
    assert await global_agi(ami) == standby.agi_url
    # the new active rings a2 again (the old ring is ended first): never two at once
    await events.wait_until(lambda: len([e for e in events.matching("Newchannel")
                                         if e.get("Uniqueid", "").startswith("agent-a2-")]) >= 2, 20,
                            "agent a2 rung by the new active")
    most = agent_legs(events)
    assert most.get("a2") == 1 and max(most.values()) == 1, most
    assert pair.waiting(standby).keys() == {waiting.uniqueid}, (
        pair.api(standby, "GET", "/agents").text,
        [(e.get("Event"), e.get("Context"), e.get("Exten"), e.get("UserEvent"), e.get("Application"))
         for e in events.events if e.get("Uniqueid") == waiting.uniqueid and e.get("Event") != "VarSet"][-40:])

    active.relay.heal()
    pair.wait(lambda: active.role() == "standby" and active.health()["database"]["reachable"], 15,
              "the cut-off service back as standby")
    assert standby.role() == "active"
    await ami.send({"Action": "Hangup", "Channel": waiting.channel}, check=False)
    assert pair.api(standby, "POST", "/agents/a2/logout").status_code == 200


async def test_a_clean_stop_hands_the_lease_over_at_once(pair: ServicePair, ami: AmiClient) -> None:
    active = pair.active()
    assert active is not None
    standby = pair.standby()
    assert active.proc is not None
    active.proc.send_signal(signal.SIGINT)  # Ctrl-C: it stops acting, then lets the lease go
    stopping = time.monotonic()
    pair.wait(lambda: standby.role() == "active", 10, "the standby active")
    assert time.monotonic() - stopping < 3.0  # not the lease's expiry (3 s after its last renewal)
    assert active.proc.wait(20) == 0
    assert "lease released for the standby" in active.log_path.read_text()
    assert await global_agi(ami) == standby.agi_url
    active.start()
    pair.wait(lambda: active.role() == "standby", 60, "the stopped service back as standby")
