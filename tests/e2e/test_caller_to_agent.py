"""The assembled hotline end to end on the sandbox: a caller walks the generated menus to an
agent, the router rings a (Local-channel) agent who answers, and after the call the caller
rates the agent; the rating lands in the call record against that agent."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hotline.assembly import AsteriskSite, assemble
from hotline.db import records_store
from hotline.db.migrate import upgrade
from tests.support.site import CONFIG_DIR, site_settings
from ivr.ami import AmiClient
from ivr.sandbox.calls import place_call
from tests.support.events import EventLog

pytestmark = pytest.mark.asterisk

WORKING_THURSDAY_NOON = datetime(2026, 11, 19, 4, 0, tzinfo=UTC)  # 12:00 in Beijing

AGENTS = """\
agents:
  - id: "2001"
    name: test agent
    endpoint: Local/talk2@test-agents/n
    proficiencies: {mandarin: 5, pension: 5}
"""


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    config = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config)
    (config / "agents.yaml").write_text(AGENTS, encoding="utf-8")
    return config


async def press(ami: AmiClient, call_channel: str, digit: str) -> None:
    # DTMF played on the caller's half goes out of it, into the IVR half
    await ami.send({"Action": "PlayDTMF", "Channel": call_channel.replace(";1", ";2"), "Digit": digit,
                    "Duration": "150"})


async def test_caller_reaches_an_agent_and_rates_them(sandbox, agi_port, ami: AmiClient, events: EventLog,
                                                      config_dir: Path, tmp_path: Path) -> None:
    upgrade(f"sqlite:///{tmp_path / 'hotline.db'}")
    settings = site_settings(tmp_path, config_dir=config_dir, agi_port=agi_port)
    site = AsteriskSite(ami=sandbox.ami, dialplan_live_dir=None, messages_dir=None)
    hotline = assemble(settings, site, agi_port=agi_port, clock=lambda: WORKING_THURSDAY_NOON)
    await hotline.start()
    try:
        await hotline.service.ami.wait_connected(5)
        await hotline.desk.login("2001")
        call = await place_call(ami, caller_context="test-caller", context="hotline-entry",
                                variables={"CALLER_HOLD": "60"}, caller_id="13800138000")
        await events.wait("UserEvent", UserEvent="HotlineMenu", Menu="language", Uniqueid=call.uniqueid, timeout=20)
        await press(ami, call.channel, "1")  # Mandarin
        await events.wait("UserEvent", UserEvent="HotlineMenu", Menu="main", Uniqueid=call.uniqueid)
        await press(ami, call.channel, "1")  # pension
        await events.wait("UserEvent", UserEvent="HotlineMenu", Menu="pension", Uniqueid=call.uniqueid)
        await press(ami, call.channel, "0")  # an agent
        to_agent = await events.wait("UserEvent", UserEvent="HotlineToAgent", Uniqueid=call.uniqueid)
        assert (to_agent["Dialect"], to_agent["Business"]) == ("mandarin", "pension")
        hours = await events.wait("UserEvent", UserEvent="HotlineHours", Uniqueid=call.uniqueid)
        assert hours["Open"] == "1"
        await events.wait("UserEvent", UserEvent="HotlineAgentAnswer", Agent="2001", timeout=10)
        await events.wait("BridgeEnter", Uniqueid=call.uniqueid)
        # the agent hangs up after 2 s of talk; the caller is asked to rate them
        await events.wait("TestEvent", State="PLAYBACK", Message="survey_rate", timeout=15)
        await press(ami, call.channel, "5")
        survey = await events.wait("UserEvent", UserEvent="HotlineSurvey", Uniqueid=call.uniqueid)
        assert (survey["Agent"], survey["Rating"]) == ("2001", "5")
        await events.wait("Hangup", Uniqueid=call.uniqueid, timeout=15)
        store = records_store.RecordStore.from_url(f"sqlite:///{tmp_path / 'hotline.db'}")
        try:
            # the recorder saves on hang-up in its own thread: no event tells us, so poll, bounded
            async with asyncio.timeout(5):
                while (record := store.run(lambda s: records_store.load_record(s, call.uniqueid))) is None \
                        or record.ended_at is None:
                    await asyncio.sleep(0.05)
            assert record.rating == 5 and record.agent == "2001"
            # the router's part: the wait in the queue, and the 2 s the agent talked
            assert record.queue_wait_s is not None and 0 <= record.queue_wait_s < 10
            assert record.talk_s is not None and 1.5 <= record.talk_s < 10
        finally:
            store.close()
        assert hotline.router.router.calls == {}
    finally:
        await hotline.stop()
