"""A second session sandbox whose prompts are the built ones cut to their first 20 ms, for
tests that walk callers through many prompts (self-service flows, callback offers): what is
played is still asserted from Asterisk's TestEvents, without each call lasting a minute.
Registered for the whole suite in tests/conftest.py."""

from __future__ import annotations

import wave
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from ivr.ami import AmiClient
from ivr.pjsip import AgentPhone
from ivr.sandbox import Sandbox
from tests.support.events import EventLog
from tests.support.sandboxes import connected_client

PROJECT = Path(__file__).resolve().parents[2]
BUILT_SOUNDS = PROJECT / "prompts" / "build" / "sounds"
CLIP_SECONDS = 0.02  # one 20 ms frame


@pytest.fixture(scope="session")
def clipped_sounds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not BUILT_SOUNDS.is_dir():
        pytest.fail("no built prompts: run `ivrctl prompts build` (make test does it)")
    out = tmp_path_factory.mktemp("sounds")
    for source in BUILT_SOUNDS.rglob("*.wav"):
        target = out / source.relative_to(BUILT_SOUNDS)
        target.parent.mkdir(parents=True, exist_ok=True)
        with wave.open(str(source)) as src, wave.open(str(target), "wb") as dst:
            dst.setparams(src.getparams())
            dst.writeframes(src.readframes(int(src.getframerate() * CLIP_SECONDS)))
    return out


@pytest.fixture(scope="session")
def clipped_sandbox(asterisk_root: Path, agi_port: int, clipped_sounds: Path,
                    sip_phones: tuple[AgentPhone, ...]) -> Iterator[Sandbox]:
    box = Sandbox(asterisk_root, agi_port=agi_port, sounds_dir=clipped_sounds, name="clipped", sip_phones=sip_phones,
                  dialplan_dirs=[PROJECT / "dialplans", PROJECT / "tests" / "dialplans"])
    box.start()
    yield box
    box.remove()


@pytest.fixture
async def clipped_ami(clipped_sandbox: Sandbox) -> AsyncIterator[AmiClient]:
    async with connected_client(clipped_sandbox) as client:
        yield client


@pytest.fixture
async def clipped_events(clipped_ami: AmiClient) -> AsyncIterator[EventLog]:
    with EventLog(clipped_ami) as log:
        yield log
