"""Shared pieces of the prompt tests on the sandbox Asterisk: the build they play, calls, inotify."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ivr.ami import AmiClient
from ivr.sandbox import Sandbox
from ivr.sandbox.calls import PlacedCall, place_call
from tests.prompts_asterisk.opened import OpenedFiles

PROJECT = Path(__file__).resolve().parents[2]
BUILD = PROJECT / "prompts" / "build"


@pytest.fixture(scope="session")
def built() -> Path:
    """prompts/build, which the session sandbox plays (make test builds it first)."""
    if not (BUILD / "sounds" / "zh" / "welcome.ulaw").exists():
        pytest.fail(f"no built prompts in {BUILD}: run `make prompts` (make test does it)")
    return BUILD


def sounds_of(box: Sandbox) -> Path:
    """The instance's sounds directory, as the host sees it (a copy of prompts/build/sounds)."""
    return box.host_path(box.layout.data) / "sounds"


@pytest.fixture
def opened_sounds(sandbox: Sandbox, built: Path) -> Iterator[OpenedFiles]:
    with OpenedFiles(sounds_of(sandbox)) as opened:
        yield opened


async def call_into(ami: AmiClient, context: str, **variables: str) -> PlacedCall:
    # CALLER_HOLD bounds a call the test fails to hang up; tests hang up as soon as they know.
    return await place_call(ami, caller_context="test-caller", context=context,
                            variables={"CALLER_HOLD": "10", **variables})


async def hang_up(ami: AmiClient, call: PlacedCall) -> None:
    # check=False: the call may already have ended on its own.
    await ami.send({"Action": "Hangup", "Channel": call.channel}, check=False)
