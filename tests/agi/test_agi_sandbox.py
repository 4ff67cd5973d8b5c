"""Our FastAGI server driven by the real sandbox Asterisk."""

import asyncio

import pytest

from ivr.agi import AgiError, AgiServer, AgiSession
from ivr.ami import AmiClient
from ivr.sandbox.calls import place_call
from tests.support.events import EventLog

pytestmark = pytest.mark.asterisk


async def _agi_call(ami: AmiClient, script: str, **variables: str):
    return await place_call(ami, caller_context="test-caller", context="test-agi",
                            variables={"AGI_SCRIPT": script, **variables})


async def test_round_trip_reads_and_sets_variables(ami: AmiClient, events: EventLog, agi_server: AgiServer) -> None:
    seen: dict[str, str] = {}

    async def echo(session: AgiSession) -> None:
        greeting = await session.get_variable("GREETING")
        seen["greeting"] = greeting or ""
        seen["script"], seen["uniqueid"] = session.script, session.uniqueid
        await session.set_variable("AGI_REPLY", f"{greeting} back")

    agi_server.routes["echo"] = echo
    call = await _agi_call(ami, "echo")
    event = await events.wait("UserEvent", UserEvent="TestAgi", Uniqueid=call.uniqueid)
    assert event["Reply"] == "ni hao back" and event["Status"] == "SUCCESS"
    assert seen == {"greeting": "ni hao", "script": "echo", "uniqueid": call.uniqueid}


async def test_caller_hanging_up_mid_agi_leaves_the_server_healthy(
        ami: AmiClient, events: EventLog, agi_server: AgiServer) -> None:
    ended = asyncio.Event()
    errors: list[str] = []

    async def waits_for_a_key(session: AgiSession) -> None:
        try:
            while True:  # the caller hangs up while we wait: we must learn it, not hang
                await session.command("WAIT FOR DIGIT", "1000")
        except AgiError as exc:
            errors.append(type(exc).__name__)
            raise
        finally:
            ended.set()

    async def echo(session: AgiSession) -> None:
        await session.set_variable("AGI_REPLY", "still here")

    agi_server.routes.update({"slow": waits_for_a_key, "echo": echo})
    await _agi_call(ami, "slow", CALLER_HOLD="1")
    await asyncio.wait_for(ended.wait(), 10)
    assert errors == ["AgiHangup"]
    assert agi_server.stats.hangups == 1 and agi_server.stats.active == 0
    call = await _agi_call(ami, "echo")
    event = await events.wait("UserEvent", UserEvent="TestAgi", Uniqueid=call.uniqueid)
    assert event["Reply"] == "still here"


async def test_multi_line_usage_reply_is_an_error_and_the_session_goes_on(
        ami: AmiClient, events: EventLog, agi_server: AgiServer) -> None:
    outcome: list[str] = []

    async def bad_then_good(session: AgiSession) -> None:
        try:
            await session.command("GET DATA")  # no arguments: Asterisk answers 520- usage
        except AgiError as exc:
            outcome.append(str(exc))
        await session.set_variable("AGI_REPLY", "recovered")

    agi_server.routes["bad"] = bad_then_good
    call = await _agi_call(ami, "bad")
    event = await events.wait("UserEvent", UserEvent="TestAgi", Uniqueid=call.uniqueid)
    assert event["Reply"] == "recovered"
    assert "520" in outcome[0] and "GET DATA" in outcome[0]


async def test_unknown_script_is_reported_to_the_dialplan(ami: AmiClient, events: EventLog,
                                                          agi_server: AgiServer) -> None:
    call = await _agi_call(ami, "no-such-flow")
    event = await events.wait("UserEvent", UserEvent="TestAgi", Uniqueid=call.uniqueid)
    assert event["Error"] == "unknown-script"
    assert agi_server.stats.unknown_scripts == 1


async def test_a_failing_handler_does_not_stop_the_server(ami: AmiClient, events: EventLog,
                                                          agi_server: AgiServer) -> None:
    async def broken(session: AgiSession) -> None:
        raise RuntimeError("bug in a flow")

    async def echo(session: AgiSession) -> None:
        await session.set_variable("AGI_REPLY", "fine")

    agi_server.routes.update({"broken": broken, "echo": echo})
    first = await _agi_call(ami, "broken")
    await events.wait("UserEvent", UserEvent="TestAgi", Uniqueid=first.uniqueid)
    second = await _agi_call(ami, "echo")
    event = await events.wait("UserEvent", UserEvent="TestAgi", Uniqueid=second.uniqueid)
    assert event["Reply"] == "fine" and agi_server.stats.errors == 1
