"""`make run DEMO_AGENTS=1`: a registered SIPp phone for every agent of the roster."""

from __future__ import annotations

from pathlib import Path

from hotline.demo_agents import start_phones, stop_phones
from ivr.ami import AmiClient
from ivr.pjsip import AgentPhone
from ivr.sandbox import Sandbox
from routing.asterisk import load_roster
from tests.support.events import EventLog

PROJECT = Path(__file__).resolve().parents[2]


async def test_every_agent_gets_a_registered_answering_phone(
        sandbox: Sandbox, ami: AmiClient, events: EventLog, sip_phones: tuple[AgentPhone, ...], tmp_path: Path) -> None:
    roster = load_roster(PROJECT / "config" / "agents.yaml")
    phones = start_phones(sandbox, roster, {p.name: p.secret for p in sip_phones}, tmp_path)
    try:
        assert sorted(p.extension for p in phones) == ["1001", "1002", "1003", "1004", "1005"]
        for phone in phones:  # qualified: each answers Asterisk's OPTIONS too (SIPp -aa)
            await events.wait("ContactStatus", 15, AOR=phone.extension, ContactStatus="Reachable")
    finally:
        for phone in phones:
            phone.unregister()
        stop_phones(phones)
    assert not [p for p in phones if p.answering and p.answering.running()]
