"""The recorder line on Local channels: the walk through the prompts still to record, and who
cannot get in (the full recording test is over SIP: test_sip_staff.py)."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ivr.ami import AmiClient
from ivr.sandbox.calls import place_call
from tests.prompts_asterisk.support import hang_up
from tests.prompts_phone.conftest import Desk, Staff
from tests.selfservice_calls.caller import Caller
from tests.support.events import EventLog
from tests.support.sandboxes import connected_client


@pytest.fixture
async def line(desk: Desk) -> AsyncIterator[tuple[AmiClient, EventLog]]:
    async with connected_client(desk.box) as ami:
        with EventLog(ami) as events:
            yield ami, events


async def dial_recorder(ami: AmiClient, events: EventLog) -> Caller:
    """A staff phone dials the feature code *77 in the staff context."""
    call = await place_call(ami, caller_context="test-caller", context="hotline-staff", exten="*77",
                            variables={"CALLER_HOLD": "120"})
    return Caller(ami, events, call)


async def log_in(caller: Caller, staff: Staff) -> None:
    await caller.on("recorder_welcome", staff.number + "#")
    await caller.on("recorder_enter_pin", staff.pin + "#")


async def speak(caller: Caller, beep: int, sound: str) -> None:
    """When the nth recording beep plays, the staff half speaks `sound` and presses #."""
    await caller.hears("beep", beep)
    staff_half = caller.ivr_channel[:-1] + "2"
    await caller.ami.send({"Action": "Setvar", "Channel": staff_half, "Variable": "SPEAK", "Value": sound})
    await caller.ami.send({"Action": "Redirect", "Channel": staff_half, "Context": "test-recorder-speak",
                           "Exten": "s", "Priority": "1"})


def outcomes(events: EventLog, caller: Caller) -> list[tuple[str, str]]:
    return [(m["Prompt"], m["Outcome"]) for m in events.matching("UserEvent", UserEvent="HotlineRecorderTake",
                                                                 Uniqueid=caller.call.uniqueid)]


async def test_the_walk_offers_the_prompts_still_to_record_in_catalog_order(desk: Desk, line) -> None:
    """On Local channels (the SIPp test, test_sip_staff.py, keys prompt numbers): key 1 walks."""
    ami, events = line
    wei = desk.staff("recorder", "8001", "韦丽")
    caller = await dial_recorder(ami, events)
    await log_in(caller, wei)
    await caller.on("recorder_pick_language", "5")
    await caller.on("recorder_walk_or_number", "1")
    await caller.hears("welcome")  # the first prompt Zhuang callers still hear in Mandarin
    await speak(caller, 1, "test-takes/welcome")
    await caller.on("recorder_keep_or_again", "3")  # skip it
    await caller.hears("menu_language")  # then the next one
    assert outcomes(events, caller) == [("welcome", "skipped")]
    assert desk.library.takes.all() == []  # a skipped take is not kept
    assert not any(Path(desk.box.host_path(desk.box.layout.spool), "recorder").glob("*.wav"))  # nor left behind
    await hang_up(ami, caller.call)


async def test_staff_without_the_recorder_role_or_the_right_pin_cannot_record(desk: Desk, line) -> None:
    ami, events = line
    agent = desk.staff("agent", "8002", "黄海")
    caller = await dial_recorder(ami, events)
    await caller.on("recorder_welcome", "8002#")
    await caller.on("recorder_enter_pin", ("0" if agent.pin[0] != "0" else "1") + agent.pin[1:] + "#")
    await caller.hears("recorder_login_failed")
    await log_in_again(caller, agent)
    await caller.hears("recorder_not_allowed")
    await caller.hears("recorder_goodbye")
    assert "recorder_pick_language" not in caller.heard() and "beep" not in caller.heard()
    assert desk.library.takes.all() == []
    await hang_up(ami, caller.call)


async def log_in_again(caller: Caller, staff: Staff) -> None:
    await caller.on("recorder_welcome", staff.number + "#", nth=2)
    await caller.on("recorder_enter_pin", staff.pin + "#", nth=2)
