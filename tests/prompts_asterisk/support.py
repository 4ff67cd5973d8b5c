"""Helpers of the prompt tests on the sandbox Asterisk: where the build is, calls in and out."""

from __future__ import annotations

from pathlib import Path

from ivr.ami import AmiClient
from ivr.sandbox import Sandbox
from ivr.sandbox.calls import PlacedCall, place_call

PROJECT = Path(__file__).resolve().parents[2]
BUILD = PROJECT / "prompts" / "build"


def sounds_of(box: Sandbox) -> Path:
    """The instance's sounds directory, as the host sees it (a copy of the sounds_dir given)."""
    return box.host_path(box.layout.data) / "sounds"


async def call_into(ami: AmiClient, context: str, **variables: str) -> PlacedCall:
    # CALLER_HOLD bounds a call the test fails to hang up; tests hang up as soon as they know.
    return await place_call(ami, caller_context="test-caller", context=context,
                            variables={"CALLER_HOLD": "10", **variables})


async def hang_up(ami: AmiClient, call: PlacedCall) -> None:
    # check=False: the call may already have ended on its own.
    await ami.send({"Action": "Hangup", "Channel": call.channel}, check=False)
