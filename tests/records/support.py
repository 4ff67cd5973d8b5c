"""Driving closed-line calls on the sandbox: a caller who skips the announcements with a key,
speaks a built prompt into Record() (or hangs up first), and is recorded."""

from __future__ import annotations

from pathlib import Path

from ivr.ami import AmiClient
from ivr.sandbox import Sandbox
from ivr.sandbox.calls import PlacedCall, place_call
from tests.support.events import EventLog


def messages_dir(sandbox: Sandbox) -> Path:
    return sandbox.host_path(sandbox.layout.spool) / "monitor" / "messages"


async def caller_channel(events: EventLog, call: PlacedCall) -> str:
    return (await events.wait("Newchannel", Uniqueid=call.caller_uniqueid))["Channel"]


async def closed_line_call(ami: AmiClient, events: EventLog, number: str, *, leave_message: bool,
                           dialect: str = "mandarin", business: str = "pension") -> PlacedCall:
    call = await place_call(ami, caller_context="test-caller", context="test-hours-ivr", caller_id=number,
                            variables={"TEST_DIALECT": dialect, "TEST_BUSINESS": business, "CALLER_HOLD": "30"})
    hours = await events.wait("UserEvent", UserEvent="HotlineHours", Uniqueid=call.uniqueid)
    assert hours["Open"] == "0", hours
    caller = await caller_channel(events, call)
    if not leave_message:  # hangs up during the announcement
        await ami.send({"Action": "Hangup", "Channel": caller})
        return call
    # A key skips the announcements; once Record() listens, the caller speaks and hangs up.
    await events.wait("TestEvent", State="PLAYBACK", Message="after_hours")
    # "Async: false": panoramisk 1.4 reads any reply ending "successfully queued" as an async
    # Originate and looks the header up (KeyError without it).
    await ami.send({"Action": "PlayDTMF", "Channel": caller, "Digit": "1", "Duration": "120", "Async": "false"})
    await events.wait("UserEvent", UserEvent="HotlineMessageStart", Uniqueid=call.uniqueid)
    await ami.send({"Action": "Redirect", "Channel": caller, "Context": "test-hours-speaker",
                    "Exten": "s", "Priority": "1"})
    return call
