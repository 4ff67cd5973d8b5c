"""A test caller that presses keys when the IVR says it is listening (no sleeps).

The caller half of a Local call (test-caller, holding the line) sends each digit with AMI
PlayDTMF once the HotlineMenu event shows the menu has started; a digit that arrives
between that event and the prompt waits in the channel's queue, so none is lost.
"""
from __future__ import annotations

from ivr.ami import AmiClient
from ivr.sandbox.calls import place_call
from tests.support.events import EventLog


class Caller:
    def __init__(self, ami: AmiClient, events: EventLog) -> None:
        self.ami, self.events = ami, events
        self.call_id = ""
        self._caller_channel = ""
        self._ivr_channel = ""

    async def dial(self, context: str = "hotline-entry", hold_s: int = 40) -> Caller:
        placed = await place_call(self.ami, caller_context="test-caller", context=context,
                                  variables={"CALLER_HOLD": str(hold_s)})
        self.call_id, self._ivr_channel = placed.uniqueid, placed.channel
        self._caller_channel = placed.channel.removesuffix(";1") + ";2"
        return self

    async def event(self, name: str, timeout: float = 20.0, **headers: str) -> dict[str, str]:
        return dict(await self.events.wait("UserEvent", timeout=timeout, UserEvent=name, CallID=self.call_id, **headers))

    async def reached(self, menu: str, timeout: float = 20.0) -> dict[str, str]:
        return await self.event("HotlineMenu", timeout, Menu=menu)

    async def press(self, key: str) -> None:
        # "Async: false": panoramisk reads the header when the answer says "queued"
        await self.ami.send({"Action": "PlayDTMF", "Channel": self._caller_channel, "Digit": key,
                             "Duration": "120", "Async": "false"})

    def played(self, prompt: str) -> int:
        """How often the IVR half started playing `prompt` (Debian's TEST_FRAMEWORK events)."""
        return len(self.events.matching("TestEvent", State="PLAYBACK", Channel=self._ivr_channel, Message=prompt))

    async def wait_played(self, prompt: str, times: int, timeout: float = 20.0) -> None:
        await self.events.wait_until(lambda: self.played(prompt) >= times, timeout, f"{prompt} played {times}x")

    def trace(self) -> list[tuple[str, ...]]:
        """This call's UserEvents as (event, menu, key or reason or attempt), in order."""
        rows = []
        for message in self.events.matching("UserEvent", CallID=self.call_id):
            name = message.get("UserEvent")
            detail = message.get("Key") or message.get("Reason") or message.get("Attempt") or ""
            rows.append((name, message.get("Menu", ""), detail))
        return rows

    async def hang_up(self) -> None:
        await self.ami.send({"Action": "Hangup", "Channel": self._ivr_channel}, check=False)
        await self.event("HotlineCallEnd")
