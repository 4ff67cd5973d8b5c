"""Speech test material: espeak-ng utterances, tones and silence, as files or as frames."""
from __future__ import annotations

import math
import subprocess
from array import array
from collections.abc import AsyncIterator
from pathlib import Path

import yaml

from ivr.menu import HotlineConfig, parse_config
from ivr.speech.audio import pcm_from_file
from ivr.speech.listen import AudioFrame, Frame, KeyFrame

FRAME_S = 0.02  # AudioSocket's 20 ms frames
DEMO = Path(__file__).resolve().parents[2] / "config" / "hotline.yaml"
# What the Korean test callers say, by intent ("nothing": "yes", which no intent has).
SAID = {"medical": "의료보험", "agent": "상담원", "nothing": "네"}


def synthesise(text: str, path: Path, voice: str = "ko") -> Path:
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), text], check=True, capture_output=True)
    return path


def silence(seconds: float, rate: int = 8000) -> bytes:
    return bytes(2 * int(seconds * rate))


def tone(seconds: float, rate: int = 8000, hz: float = 440.0, amplitude: int = 6000) -> bytes:
    return array("h", (int(amplitude * math.sin(2 * math.pi * hz * i / rate)) for i in range(int(seconds * rate)))).tobytes()


def telephone_pcm(wav: Path, lead_s: float = 0.4, tail_s: float = 1.5) -> bytes:
    """What Asterisk would stream: 8 kHz s16le, with quiet before and after the words."""
    return silence(lead_s) + pcm_from_file(wav, 8000) + silence(tail_s)


async def frames(pcm: bytes, rate: int = 8000, key_at_s: float | None = None, key: str = "5") -> AsyncIterator[Frame]:
    """20 ms frames as fast as they are consumed (audio time, not wall time)."""
    step = int(rate * FRAME_S) * 2
    for index, at in enumerate(range(0, len(pcm), step)):
        if key_at_s is not None and index * FRAME_S >= key_at_s:
            yield KeyFrame(key)
            return
        yield AudioFrame(pcm[at : at + step], rate)


def speech_test_config() -> HotlineConfig:
    """The demo config with speech on in main, a 0.2 s main prompt (the real one runs 30 s),
    short waits, and Korean intents the Korean model hears."""
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    data["menus"]["main"].update(prompt="test_speech/short", timeout_s=2)
    data["speech"].update(enabled=True, menus=["main"], listen_s=2, intents={
        "medical": {"phrases": [SAID["medical"]], "action": {"goto": "medical"}},
        "agent": {"phrases": [SAID["agent"]], "action": {"agent": True}},
    })
    return parse_config(yaml.safe_dump(data, allow_unicode=True))
