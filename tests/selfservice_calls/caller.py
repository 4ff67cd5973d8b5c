"""A caller on a Local channel who listens (TestEvents) and presses keys (AMI PlayDTMF).

Keys arrive one AMI action at a time as DTMF received on the IVR's half of the call (what a
phone's keys are to the IVR), so no channel variable or dialplan line ever holds the whole
entry (the privacy checks would rightly flag one that did). Keys need a gap between them:
queued back to back, Asterisk drops some. (Sending them out of the caller's half instead
takes 0.1 s an AMI action.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass

from panoramisk.message import Message

from ivr.ami import AmiClient
from ivr.prompts import zh_saynumber_files
from ivr.sandbox.calls import PlacedCall, place_call
from tests.support.events import EventLog

KEY_MS = "40"
KEY_GAP_S = 0.05


@dataclass
class Caller:
    ami: AmiClient
    events: EventLog
    call: PlacedCall

    @property
    def ivr_channel(self) -> str:
        return self.call.channel

    def _tests(self, state: str) -> list[Message]:
        return self.events.matching("TestEvent", State=state, Channel=self.ivr_channel)

    def heard(self) -> list[str]:
        """Every sound file played to the caller, in order."""
        # A key cutting a prompt short adds a PLAYBACK event with Control: Break, no Message.
        return [m["Message"] for m in self._tests("PLAYBACK") if "Message" in m]

    def numbers(self) -> list[int]:
        """Every number SayNumber read to the caller, in order."""
        return [int(m["Number"]) for m in self._tests("SAYNUM")]

    async def hears(self, prompt: str, nth: int = 1, timeout: float = 15.0) -> None:
        await self.events.wait_until(lambda: self.heard().count(prompt) >= nth, timeout,
                                     f"{prompt} played {nth} time(s) on {self.ivr_channel}; heard {self.heard()}")

    async def press(self, keys: str) -> None:
        for key in keys:
            await self.ami.send({"Action": "PlayDTMF", "Channel": self.ivr_channel, "Digit": key,
                                 "Duration": KEY_MS, "Receive": "true",
                                 "Async": "false"})  # panoramisk reads "Async" on this answer
            await asyncio.sleep(KEY_GAP_S)

    async def on(self, prompt: str, keys: str, nth: int = 1) -> None:
        """When `prompt` starts playing (the nth time), press `keys`."""
        await self.hears(prompt, nth)
        await self.press(keys)

    async def result(self, timeout: float = 20.0) -> Message:
        return await self.events.wait("UserEvent", timeout, UserEvent="TestFlowResult", Uniqueid=self.call.uniqueid)

    async def outcome(self, timeout: float = 20.0) -> Message:
        return await self.events.wait("UserEvent", timeout, UserEvent="HotlineSelfServiceOutcome",
                                      Uniqueid=self.call.uniqueid)

    async def hang_up(self) -> None:
        await self.ami.send({"Action": "Hangup", "Channel": self.ivr_channel}, check=False)


async def call_flow(ami: AmiClient, events: EventLog, script: str, *, language: str = "zh",
                    business: str = "pension", caller_id: str | None = None) -> Caller:
    call = await place_call(ami, caller_context="test-caller", context="test-selfservice",
                            variables={"FLOW_SCRIPT": script, "FLOW_LANGUAGE": language,
                                       "FLOW_BUSINESS": business, "CALLER_HOLD": "60"},
                            caller_id=caller_id)
    return Caller(ami, events, call)


def said_number(n: int) -> list[str]:
    return zh_saynumber_files(n)


def said_digits(digits: str) -> list[str]:
    return [f"digits/{d}" for d in digits]


def flat(parts: Iterable[str | list[str]]) -> list[str]:
    out: list[str] = []
    for part in parts:
        out += [part] if isinstance(part, str) else part
    return out
