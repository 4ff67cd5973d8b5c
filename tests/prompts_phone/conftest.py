"""Recording prompts by phone on a real Asterisk: a staff member on a Local channel logs in,
records takes (the staff half speaks known audio files into the call) and keeps them.

Each test gets its own sandbox on the clipped prompts (20 ms each, tests/support/clipped.py),
because approving a take writes into the sounds directory Asterisk plays from; the library
builds into a hard-linked copy of prompts/build, so only the approved prompts are rebuilt.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydub import AudioSegment

from hotline.auth import TokenStore
from hotline.auth.phone import PhoneLogins
from ivr.agi import AgiServer
from ivr.pjsip import AgentPhone
from ivr.prompts.library import PromptLibrary, PromptPaths
from ivr.prompts.phone import RecorderSettings, recorder_handler
from ivr.sandbox import Sandbox
from tests.prompts_asterisk.support import sounds_of

PROJECT = Path(__file__).resolve().parents[2]
STAFF_PHONE, STAFF_PHONE_SECRET = "1001", "staff-phone-secret"  # a staff member's desk phone (PJSIP)
BUILD = PROJECT / "prompts" / "build"
CATALOG = PROJECT / "prompts" / "catalog.yaml"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(item.path).is_relative_to(here):
            item.add_marker(pytest.mark.asterisk)


@dataclass
class Staff:
    number: str
    pin: str
    name: str


@dataclass
class Desk:
    """What a recorder test stands on: its sandbox, the library and the staff logins."""

    box: Sandbox
    library: PromptLibrary
    logins: PhoneLogins
    tokens: TokenStore
    voices: Path  # the known audio files, as sound names the staff half can play (SPEAK)

    @property
    def live(self) -> Path:
        return sounds_of(self.box)

    def staff(self, role: str, number: str, name: str) -> Staff:
        _, principal = self.tokens.create(role, name=name, agent_id="a1" if role == "agent" else None)
        return Staff(number, self.logins.add(principal.id, number), name)


def _speech(text: str, out: Path) -> AudioSegment:
    """espeak-ng reading Zhuang words, with half a second of quiet before and after."""
    subprocess.run(["espeak-ng", "-v", "vi", "-s", "130", "-w", str(out), text], check=True, capture_output=True)
    voice = AudioSegment.from_wav(out).set_frame_rate(8000).set_channels(1).set_sample_width(2)
    quiet = AudioSegment.silent(500, frame_rate=8000)
    return quiet + voice.apply_gain(-26 - voice.dBFS) + quiet  # a phone voice: peaks well under full scale


def write_voices(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in (("welcome", "Mwngz ndei, angqcoux"), ("yuan", "maenz")):
        _speech(text, directory / f"{name}.raw.wav").export(directory / f"{name}.wav", format="wav")
    AudioSegment.silent(1200, frame_rate=8000).export(directory / "silent.wav", format="wav")
    loud = _speech("ndei", directory / "loud.raw.wav").apply_gain(+30)  # driven past full scale
    loud.export(directory / "clipped.wav", format="wav")
    for raw in directory.glob("*.raw.wav"):
        raw.unlink()


@pytest.fixture
def desk(make_sandbox: Callable[..., Sandbox], clipped_sounds: Path, agi_server: AgiServer,
         tmp_path: Path) -> Desk:
    box = make_sandbox(sounds_dir=clipped_sounds, sip_phones=[AgentPhone(STAFF_PHONE, STAFF_PHONE_SECRET)])
    build = tmp_path / "build"
    shutil.copytree(BUILD / "sounds", build / "sounds", copy_function=os.link)
    shutil.copy(BUILD / "manifest.json", build / "manifest.json")
    library = PromptLibrary(PromptPaths(catalog=CATALOG, recordings=tmp_path / "recordings",
                                        build=build, takes=tmp_path / "takes", live_sounds=sounds_of(box)))
    library.publish()  # the copy is as current as the catalog (a no-op after `make prompts`)
    tokens = TokenStore(tmp_path / "tokens.json")
    logins = PhoneLogins(tmp_path / "phone-logins.json", tokens)
    spool = box.host_path(box.layout.spool) / "recorder"
    agi_server.routes["recorder"] = recorder_handler(library, logins, RecorderSettings(spool_dir=spool, key_ms=4000))
    write_voices(sounds_of(box) / "test-takes")
    return Desk(box, library, logins, tokens, sounds_of(box) / "test-takes")
