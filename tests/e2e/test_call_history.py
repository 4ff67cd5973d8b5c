"""Call history end to end on the sandbox: a caller walks the menus, waits in the queue, is
answered and rates the agent; GET /calls finds the call by each filter (and not by a wrong
one), and after the service is stopped and assembled again GET /calls/{id} still shows it whole."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from hotline.assembly import AsteriskSite, Hotline, assemble
from hotline.auth import TokenStore
from hotline.db.migrate import upgrade
from hotline.settings import Settings
from ivr.ami import AmiClient
from ivr.sandbox.calls import place_call
from tests.e2e.test_caller_to_agent import WORKING_THURSDAY_NOON, config_dir, press  # noqa: F401 (fixture)
from tests.support.events import EventLog
from tests.support.site import site_settings

pytestmark = pytest.mark.asterisk

CALLER = "13800138000"
WAIT_S = 1.0  # how long the caller waits before the agent logs in


def build(settings: Settings, sandbox, agi_port: int) -> Hotline:
    site = AsteriskSite(ami=sandbox.ami, dialplan_live_dir=None, messages_dir=None)
    return assemble(settings, site, agi_port=agi_port, clock=lambda: WORKING_THURSDAY_NOON)


async def test_a_rated_call_is_found_by_every_filter_and_shown_whole_after_a_restart(
        sandbox, agi_port, ami: AmiClient, events: EventLog, config_dir: Path, tmp_path: Path,  # noqa: F811
        ) -> None:
    upgrade(f"sqlite:///{tmp_path / 'hotline.db'}")
    settings = site_settings(tmp_path, config_dir=config_dir, agi_port=agi_port)
    tokens = TokenStore(settings.tokens_file)
    supervisor = {"Authorization": f"Bearer {tokens.create('supervisor')[0]}"}

    hotline = build(settings, sandbox, agi_port)
    await hotline.start()
    try:
        await hotline.service.ami.wait_connected(5)
        call = await place_call(ami, caller_context="test-caller", context="hotline-entry",
                                variables={"CALLER_HOLD": "60"}, caller_id=CALLER)
        await events.wait("UserEvent", UserEvent="HotlineMenu", Menu="language", Uniqueid=call.uniqueid, timeout=20)
        await press(ami, call.channel, "1")  # Mandarin
        await events.wait("UserEvent", UserEvent="HotlineMenu", Menu="main", Uniqueid=call.uniqueid)
        await press(ami, call.channel, "1")  # pension
        await events.wait("UserEvent", UserEvent="HotlineMenu", Menu="pension", Uniqueid=call.uniqueid)
        await press(ami, call.channel, "0")  # an agent
        await events.wait("UserEvent", UserEvent="HotlineHours", Uniqueid=call.uniqueid)
        async with asyncio.timeout(10):  # on hold in the router's queue; nobody logged in yet
            while not hotline.router.router.calls:
                await asyncio.sleep(0.02)
        await asyncio.sleep(WAIT_S)  # the scenario itself: the caller waits
        await hotline.desk.login("2001")
        await events.wait("BridgeEnter", Uniqueid=call.uniqueid, timeout=10)
        await events.wait("TestEvent", State="PLAYBACK", Message="survey_rate", timeout=15)
        await press(ami, call.channel, "2")
        await events.wait("UserEvent", UserEvent="HotlineSurvey", Uniqueid=call.uniqueid)
        await events.wait("Hangup", Uniqueid=call.uniqueid, timeout=15)

        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=hotline.app), base_url="http://h") as http:
            async def found(**filters: object) -> list[str]:
                reply = await http.get("/calls", params=filters, headers=supervisor)
                assert reply.status_code == 200, reply.text
                return [c["call_id"] for c in reply.json()["items"]]

            async with asyncio.timeout(5):  # the record is saved at hang-up in the store's thread
                while (await found(outcome="answered", min_wait=WAIT_S * 0.8)) != [call.uniqueid]:
                    await asyncio.sleep(0.05)
            start = WORKING_THURSDAY_NOON
            matching = [dict(dialect="mandarin"), dict(business="pension"), dict(agent="2001"),
                        dict(outcome="answered"), dict(min_wait=WAIT_S * 0.8), dict(caller=CALLER),
                        {"from": (start - timedelta(minutes=1)).isoformat(), "to": (start + timedelta(minutes=1)).isoformat()}]
            for filters in matching:
                assert await found(**filters) == [call.uniqueid], filters
            other = [dict(dialect="zhuang"), dict(business="wages"), dict(agent="1003"), dict(outcome="abandoned"),
                     dict(min_wait=600), dict(caller="13800138001"), {"from": (start + timedelta(minutes=1)).isoformat()}]
            for filters in other:
                assert await found(**filters) == [], filters
            page = (await http.get("/calls", params={"caller": CALLER, "total": "true"}, headers=supervisor)).json()
            assert page["total"] == 1 and page["next_cursor"] is None and CALLER not in str(page)
            assert page["items"][0]["caller"] == "*******8000" and page["items"][0]["rating"] == 2
            exported = await http.get("/calls.csv", params={"agent": "2001"}, headers=supervisor)
            rows = list(csv.DictReader(io.StringIO(exported.text)))
            assert [(r["call_id"], r["outcome"], r["rating"]) for r in rows] == [(call.uniqueid, "answered", "2")]
    finally:
        await hotline.stop()

    restarted = build(settings, sandbox, agi_port)  # a new service on the same database
    await restarted.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=restarted.app), base_url="http://h") as http:
            reply = await http.get(f"/calls/{call.uniqueid}", headers=supervisor)
        assert reply.status_code == 200, reply.text
        detail = reply.json()
    finally:
        await restarted.stop()
    assert (detail["dialect"], detail["business"], detail["outcome"]) == ("mandarin", "pension", "answered")
    assert detail["menus"][-3:] == ["language", "main", "pension"] and detail["keys"].endswith("110")
    assert detail["to_agent"] and detail["agent"] == "2001" and detail["rating"] == 2
    assert detail["queue_wait_s"] >= WAIT_S * 0.8 and detail["talk_s"] >= 1.5
    assert detail["started_at"] == "2026-11-19T04:00:00Z" and detail["ended_at"] is not None
    kinds = [e["type"] for e in detail["timeline"]]
    for kind in ("HotlineMenu", "HotlineKey", "HotlineToAgent", "QueueCallerJoin", "AgentCalled", "AgentConnect",
                 "AgentComplete", "HotlineSurvey"):
        assert kind in kinds, (kind, kinds)
    assert kinds.index("QueueCallerJoin") < kinds.index("AgentConnect") < kinds.index("AgentComplete")
    times = [datetime.fromisoformat(e["time"]) for e in detail["timeline"]]
    assert times == sorted(times) and all(t.tzinfo is not None for t in times)
    assert detail["live"] is None and CALLER not in str(detail)
    assert datetime.fromisoformat(detail["started_at"]).astimezone(UTC) == WORKING_THURSDAY_NOON
