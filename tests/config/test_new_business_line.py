"""Adding a business line is a configuration edit and a reload, end to end on a sandbox
Asterisk: the new line gets a menu key (the reloaded dialplan), a queue and a ladder (the
router's policy from hotline.yaml, swapped live) and a rostered agent with that skill, who
takes the call. No restart, no code."""
from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from hotline.assembly import AsteriskSite, Hotline, assemble
from ivr.ami import AmiClient
from hotline.auth import TokenStore
from hotline.db.migrate import upgrade
from ivr.sandbox.calls import place_call
from tests.e2e.test_caller_to_agent import WORKING_THURSDAY_NOON, config_dir, press  # noqa: F401 (fixture)
from tests.support.events import EventLog
from tests.support.sandboxes import connected_client
from tests.support.site import site_settings

pytestmark = pytest.mark.asterisk


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_housing_fund(config: Path) -> None:
    hotline = config / "hotline.yaml"
    edit(hotline, '  ss_card:          {name: "社保卡 social-security card"}\n',
         '  ss_card:          {name: "社保卡 social-security card"}\n  housing:          {name: "住房公积金 housing fund"}\n')
    edit(hotline, "business_lines: [pension, medical,", "business_lines: [housing, pension, medical,")
    edit(hotline, '      "8": {goto: ss_card}\n', '      "8": {goto: ss_card}\n      "9": {goto: housing}\n')
    edit(hotline, "\n  ss_card:\n    title:", "\n  housing:\n    title: \"住房公积金 housing fund\"\n    prompt: menu_pension\n"
         "    business: housing\n    keys: {\"1\": {agent: true}}\n\n  ss_card:\n    title:")
    with open(config / "agents.yaml", "a", encoding="utf-8") as agents:
        agents.write('  - id: "2003"\n    name: housing agent\n    endpoint: Local/talk2@test-agents/n\n'
                     '    proficiencies: {mandarin: 5, housing: 5}\n')


async def test_a_new_business_line_by_config_edit_and_reload_takes_calls(
        make_sandbox, agi_port, config_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    box = make_sandbox()
    upgrade(f"sqlite:///{tmp_path / 'hotline.db'}")
    settings = site_settings(tmp_path, config_dir=config_dir, agi_port=agi_port, staged_check="never")
    ops = {"Authorization": f"Bearer {TokenStore(settings.tokens_file).create('ops', name='ops person')[0]}"}
    hotline = assemble(settings, AsteriskSite(ami=box.ami, dialplan_live_dir=box.dialplan_dir, messages_dir=None),
                       agi_port=agi_port, clock=lambda: WORKING_THURSDAY_NOON)
    await hotline.start()
    try:
        await hotline.service.ami.wait_connected(5)
        assert ("mandarin", "housing") not in hotline.router.router.config.ladders
        add_housing_fund(config_dir)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=hotline.app), base_url="http://h", timeout=120) as http:
            done = await http.post("/ops/config/reload", headers=ops)
        assert done.status_code == 200, done.text
        changes = done.json()["changes"]
        assert "agents added: 2003" in changes and any(c.startswith("routing policy replaced") for c in changes)
        assert ("mandarin", "housing") in hotline.router.router.config.ladders

        await hotline.desk.login("2003")
        async with connected_client(box) as ami:
            with EventLog(ami) as events:
                await walk_to_the_new_line(hotline, ami, events)
    finally:
        await hotline.stop()


async def walk_to_the_new_line(hotline: Hotline, ami: AmiClient, events: EventLog) -> None:
    call = await place_call(ami, caller_context="test-caller", context="hotline-entry",
                            variables={"CALLER_HOLD": "60"}, caller_id="13800138000")
    await events.wait("UserEvent", UserEvent="HotlineMenu", Menu="language", Uniqueid=call.uniqueid, timeout=20)
    await press(ami, call.channel, "1")  # Mandarin
    await events.wait("UserEvent", UserEvent="HotlineMenu", Menu="main", Uniqueid=call.uniqueid)
    await press(ami, call.channel, "9")  # the new line
    await events.wait("UserEvent", UserEvent="HotlineMenu", Menu="housing", Uniqueid=call.uniqueid)
    await press(ami, call.channel, "1")  # an agent
    await events.wait("BridgeEnter", Uniqueid=call.uniqueid, timeout=15)
    async with asyncio.timeout(5):  # the router hears the answer just after the bridge
        while hotline.router.router.agent_view("2003").state.value != "on_call":
            await asyncio.sleep(0.02)
    assert hotline.router.router.call_view(call.uniqueid, hotline.router.clock()) is not None
