"""The AMI client against the real sandbox Asterisk: actions, lists, events, keys."""

import asyncio

import pytest

from ivr.ami import ActionFailed, AmiClient
from ivr.ami.events import UserEvent
from ivr.sandbox.calls import place_call
from tests.support.events import EventLog

pytestmark = pytest.mark.asterisk


async def test_caller_keys_arrive_in_a_user_event(ami: AmiClient, events: EventLog) -> None:
    typed: list[UserEvent] = []
    ami.subscribe(UserEvent, typed.append)
    call = await place_call(ami, caller_context="test-caller", context="test-ivr-keys",
                            variables={"CALLER_KEYS": "4821"})
    raw = await events.wait("UserEvent", UserEvent="TestKeys", Uniqueid=call.uniqueid)
    assert raw["Keys"] == "4821"
    mine = [e for e in typed if e.uniqueid == call.uniqueid]
    assert mine and mine[0].name == "TestKeys" and mine[0].fields["Keys"] == "4821"


async def test_star_and_pound_keys(ami: AmiClient, events: EventLog) -> None:
    call = await place_call(ami, caller_context="test-caller", context="test-ivr-keys",
                            variables={"CALLER_KEYS": "1*3#"})
    raw = await events.wait("UserEvent", UserEvent="TestKeys", Uniqueid=call.uniqueid)
    assert raw["Keys"] == "1*3"  # '#' ends Read()


async def test_list_action_returns_one_result(ami: AmiClient) -> None:
    result = await ami.send_list({"Action": "ShowDialPlan", "Context": "test-ivr-keys"})
    assert result.response["Response"] == "Success"
    assert result.complete["Event"] == "ShowDialPlanComplete"
    apps = [e["Application"] for e in result.events]
    assert apps == ["Answer", "Read", "UserEvent", "Hangup"]


async def test_error_response_raises_with_asterisk_reason(ami: AmiClient) -> None:
    with pytest.raises(ActionFailed, match="not found|No such"):
        await ami.send({"Action": "Hangup", "Channel": "Local/nobody@nowhere-00000000;1"})


async def test_command_output(ami: AmiClient) -> None:
    assert "Asterisk 22" in await ami.command("core show version")


async def test_close_stops_every_background_task(sandbox) -> None:
    client = AmiClient(sandbox.ami)
    await client.connect()
    client.subscribe("*", lambda m: asyncio.sleep(30))  # a slow async handler still running
    await client.send({"Action": "Ping"})
    await client.close()
    assert client.background_tasks == 0
    assert client.state == "closed"


async def test_play_dtmf_reply_arrives_without_an_async_header(ami: AmiClient, events: EventLog) -> None:
    # panoramisk 1.4 alone loses this reply ("successfully queued" + no Async: KeyError)
    call = await place_call(ami, caller_context="test-caller", context="test-ivr-keys",
                            variables={"CALLER_HOLD": "10"})
    await events.wait("Newexten", Uniqueid=call.uniqueid, Application="Read")
    caller_half = call.channel.replace(";1", ";2")  # DTMF played on a channel goes out of it
    for digit in "73#":
        reply = await ami.send({"Action": "PlayDTMF", "Channel": caller_half, "Digit": digit,
                                "Duration": "120"}, timeout=3)
        assert reply["Response"] == "Success"
    event = await events.wait("UserEvent", UserEvent="TestKeys", Uniqueid=call.uniqueid)
    assert event["Keys"] == "73"
