"""A caller who presses nothing reaches a person within about a minute (issue 15, defect 5).

Walked on the clipped sandbox through the generated menus; the time a caller would spend is
the clipped call's own time (the menus' waits) plus the full length of every prompt heard.
"""

from __future__ import annotations

import time
import wave
from pathlib import Path

from ivr.ami import AmiClient
from ivr.sandbox.calls import place_call
from tests.selfservice_calls.caller import Caller
from tests.support.events import EventLog

SOUNDS = Path(__file__).resolve().parents[2] / "prompts" / "build" / "sounds" / "zh"
CLIP_SECONDS = 0.02
ABOUT_A_MINUTE = 65.0


def _full_length(prompt: str) -> float:
    with wave.open(str(SOUNDS / f"{prompt}.wav")) as w:
        return w.getnframes() / w.getframerate()


async def test_a_silent_caller_reaches_the_agent_route_within_about_a_minute(
        clipped_ami: AmiClient, clipped_events: EventLog) -> None:
    started = time.monotonic()
    call = await place_call(clipped_ami, caller_context="test-caller", context="hotline-entry",
                           variables={"CALLER_HOLD": "90"})
    caller = Caller(clipped_ami, clipped_events, call)
    to_agent = await clipped_events.wait("UserEvent", 60, UserEvent="HotlineToAgent", Uniqueid=call.uniqueid)
    waited = time.monotonic() - started
    heard = caller.heard()
    await caller.hang_up()
    assert to_agent["Reason"] == "timeout"
    # told before the hold music, and the long main menu not played over and over
    assert heard[-1] == "transfer_agent" and heard.count("menu_main") == 1, heard
    would_wait = waited + sum(_full_length(p) - CLIP_SECONDS for p in heard)
    assert would_wait <= ABOUT_A_MINUTE, (would_wait, heard)
