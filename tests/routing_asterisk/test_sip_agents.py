"""Agents on real phones: SIPp registered with the agent's PJSIP credentials answers a routed
call; an agent whose phone is not registered is shown so and offered nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ivr.ami import AmiClient
from ivr.pjsip import AgentPhone
from ivr.sandbox import Sandbox
from ivr.sipp.process import SippPhone
from routing import Agent, AgentState, PauseReason
from routing.asterisk.phones import PhoneWatch
from tests.routing_asterisk.conftest import RoutingStack
from tests.routing_asterisk.test_routing_calls import bridged_with, caller
from tests.support.events import EventLog

pytestmark = pytest.mark.asterisk


def sip_agent(agent_id: str) -> Agent:
    return Agent(id=agent_id, name=agent_id, endpoint=f"PJSIP/{agent_id}", proficiencies={"mandarin": 5, "pension": 4})


@pytest.fixture
def phone_1001(sandbox: Sandbox, sip_phones: tuple[AgentPhone, ...], tmp_path: Path) -> Iterator[SippPhone]:
    secret = next(p.secret for p in sip_phones if p.name == "1001")
    phone = SippPhone("1001", secret, ("127.0.0.1", sandbox.ports.sip), tmp_path, talk_ms=30_000)
    phone.start()
    yield phone
    phone.unregister()
    phone.stop()


async def _watched(stack: RoutingStack, *agents: Agent) -> PhoneWatch:
    watch = PhoneWatch(stack.adapter, {a.id: a for a in agents})
    watch.attach()
    await watch.resync()
    return watch


async def test_a_registered_sipp_agent_answers_and_an_unregistered_one_is_offered_nothing(
        make_stack, ami: AmiClient, events: EventLog, phone_1001: SippPhone) -> None:
    # a real SIP ring (INVITE, 180, 200, ACK through SIPp) on a loaded 2-core machine: give it
    # the time a phone gets, not the 1.5 s the Local-channel tests use
    stack: RoutingStack = await make_stack(ring_timeout=8.0)
    registered, unregistered = sip_agent("1001"), sip_agent("1002")
    await _watched(stack, registered, unregistered)
    await stack.login(unregistered, registered)
    view = stack.router.agent_view("1002")
    assert view is not None and (view.state, view.pause_reason) == (AgentState.PAUSED, PauseReason.NO_PHONE)
    call = await caller(ami, "mandarin", "pension")
    connect = (await stack.wait(lambda: stack.of("AgentConnect")))[0]
    assert connect.agent_id == "1001"
    await bridged_with(events, call, "1001")
    assert not stack.of("AgentCalled", agent_id="1002")
    # the agent's leg is the SIPp phone, over PJSIP, playing its tone to the caller
    leg = next(e for e in events.matching("BridgeEnter") if e["Uniqueid"].startswith("agent-1001-"))
    assert leg["Channel"].startswith("PJSIP/1001-")


async def test_a_phone_unregistering_pauses_its_agent_until_it_registers_again(
        make_stack, phone_1001: SippPhone) -> None:
    stack: RoutingStack = await make_stack()
    agent = sip_agent("1001")
    await _watched(stack, agent)
    await stack.login(agent)
    assert phone_1001.unregister() == 0
    await stack.wait(lambda: stack.of("QueueMemberStatus", agent_id="1001", pause_reason=PauseReason.NO_PHONE))
    assert not stack.router.phone_reachable("1001")
    assert phone_1001.register() == 0
    await stack.wait(lambda: stack.router.agent_view("1001").state is AgentState.AVAILABLE)  # type: ignore[union-attr]


async def test_an_agent_added_to_the_roster_later_is_watched_too(make_stack) -> None:
    stack: RoutingStack = await make_stack()
    roster = {"1001": sip_agent("1001")}
    watch = PhoneWatch(stack.adapter, roster)
    watch.attach()
    await watch.resync()
    roster["1002"] = sip_agent("1002")  # `ivrctl config reload` replaces the roster in place
    await watch.resync()
    assert not stack.router.phone_reachable("1002")
