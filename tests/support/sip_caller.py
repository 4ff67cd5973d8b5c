"""A SIPp caller on the 12333 trunk that presses keys when it hears a prompt.

SIPp sends the keys as RFC 2833 events from sip-tester's pcaps; what it cannot do is listen,
so the test listens (Asterisk's TestEvents on the caller's PJSIP channel) and tells SIPp to
press the next group of keys with a NOTIFY in the call (AMI PJSIPNotify).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ivr.ami import AmiClient
from ivr.sandbox import Sandbox
from ivr.sipp import process
from tests.support.events import EventLog

TRUNK_CHANNEL = "PJSIP/trunk-12333-"


@dataclass
class SipCaller:
    ami: AmiClient
    events: EventLog
    run: process.SippRun
    channel: str = ""
    pressed: int = field(default=0)

    @classmethod
    async def dial(cls, box: Sandbox, ami: AmiClient, events: EventLog, key_groups: list[str],
                   workdir: Path) -> SipCaller:
        run = process.call("caller", ("127.0.0.1", box.ports.sip), key_groups, workdir=workdir)
        new = await events.wait_until(
            lambda: [m for m in events.matching("Newchannel") if m.get("Channel", "").startswith(TRUNK_CHANNEL)],
            15, "the SIPp caller's channel")
        return cls(ami, events, run, new[0]["Channel"])

    def heard(self) -> list[str]:
        return [m["Message"] for m in self.events.matching("TestEvent", State="PLAYBACK", Channel=self.channel)
                if "Message" in m]

    async def hears(self, prompt: str, timeout: float = 20.0) -> None:
        await self.events.wait_until(lambda: prompt in self.heard(), timeout,
                                     f"{prompt} played on {self.channel}; heard {self.heard()}")

    async def next_keys(self) -> None:
        await self.ami.send({"Action": "PJSIPNotify", "Channel": self.channel, "Variable": "Event=hotline-keys"})
        self.pressed += 1

    async def on(self, prompt: str) -> None:
        """When `prompt` plays, press the next group of keys."""
        await self.hears(prompt)
        await self.next_keys()
