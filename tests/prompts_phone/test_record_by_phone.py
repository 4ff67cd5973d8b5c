"""A staff member records Zhuang prompts by phone; silent and clipped takes are refused with
the spoken reason; kept takes are conditioned and stored with their provenance, and once
approved a Zhuang caller hears them while the other Zhuang prompts still fall back."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ivr.ami import AmiClient
from ivr.prompts.takes import TakeStatus
from ivr.sandbox.calls import place_call
from tests.prompts_asterisk.opened import OpenedFiles
from tests.prompts_asterisk.support import call_into, hang_up
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


async def test_two_zhuang_prompts_recorded_by_phone_go_live_once_approved(desk: Desk, line) -> None:
    ami, events = line
    wei = desk.staff("recorder", "8001", "韦丽")
    caller = await dial_recorder(ami, events)
    await log_in(caller, wei)
    await caller.on("recorder_pick_language", "5")  # Zhuang: the catalog's fifth language
    await caller.on("recorder_walk_or_number", "2")  # by number
    await caller.on("recorder_enter_number", "1#")  # welcome
    await caller.hears("welcome")  # its Mandarin version
    await speak(caller, 1, "test-takes/silent")
    await caller.hears("recorder_take_silent")
    await speak(caller, 2, "test-takes/clipped")
    await caller.hears("recorder_take_clipped")
    await speak(caller, 3, "test-takes/welcome")
    await caller.on("recorder_keep_or_again", "1")
    await caller.hears("recorder_kept")
    await caller.on("recorder_enter_number", "55#", nth=2)  # yuan
    await speak(caller, 4, "test-takes/yuan")
    await caller.on("recorder_keep_or_again", "1", nth=2)
    await caller.hears("recorder_kept", 2)
    await caller.on("recorder_enter_number", "#", nth=3)
    await caller.hears("recorder_goodbye")
    assert outcomes(events, caller) == [("welcome", "refused_silent"), ("welcome", "refused_clipped"),
                                        ("welcome", "kept"), ("yuan", "kept")]
    heard = caller.heard()
    # refused takes are not played back: only the two kept ones are
    assert heard.count("recorder_your_take") == 2
    assert heard.index("recorder_take_clipped") < heard.index("recorder_your_take")

    takes = {t.prompt_id: t for t in desk.library.takes.all()}
    assert set(takes) == {"welcome", "yuan"}
    welcome, yuan = takes["welcome"], takes["yuan"]
    assert (welcome.language, welcome.source, welcome.recorded_by, welcome.status) == ("za", "phone", "8001 韦丽",
                                                                                        TakeStatus.AWAITING)
    assert welcome.text is None and welcome.reference.startswith("您好")  # translated from the Mandarin
    assert (yuan.text, yuan.reference) == ("maenz", "元")
    assert not any(Path(desk.box.host_path(desk.box.layout.spool), "recorder").glob("*.wav"))  # spool emptied

    # Nothing is live before review: Zhuang callers still hear the Mandarin welcome.
    zh_welcome = (desk.live / "zh" / "welcome.wav").read_bytes()
    assert (desk.live / "za" / "welcome.wav").read_bytes() == zh_welcome
    await hang_up(ami, caller.call)

    assert desk.library.approve(welcome.id, by="ops alice").rebuilt == ["za/welcome"]
    assert desk.library.approve(yuan.id, by="ops alice").rebuilt == ["za/yuan"]  # incremental
    status = {row.prompt_id: row.status for row in desk.library.rows("za")}
    assert status["welcome"] == status["yuan"] == "recorded" and status["goodbye"] == "fallback to zh"
    assert (desk.live / "za" / "welcome.wav").read_bytes() != zh_welcome
    assert (desk.live / "za" / "goodbye.wav").read_bytes() == (desk.live / "zh" / "goodbye.wav").read_bytes()

    with OpenedFiles(desk.live) as opened:
        for prompt in ("welcome", "yuan", "goodbye"):
            await call_into(ami, "test-prompts-play", PROMPT_LANG="za", PROMPT=prompt)
            await events.wait("UserEvent", 10, UserEvent="TestPromptPlayed", Prompt=prompt)
        assert {"za/welcome", "za/yuan", "za/goodbye"} <= set(opened.stems())


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
