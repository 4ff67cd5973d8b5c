"""Audio measurements for the prompt tests, made with the wave module, independent of pydub."""
from __future__ import annotations

import array
import math
import subprocess
import wave
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path


@dataclass(frozen=True)
class WavFacts:
    rate: int
    channels: int
    width: int
    seconds: float
    peak_dbfs: float
    active_rms_dbfs: float  # RMS between the first and last sample above peak - 40 dB


def wav_facts(path: Path) -> WavFacts:
    """Measured with the wave module directly, independently of the code under test."""
    with wave.open(str(path), "rb") as w:
        rate, channels, width, frames = w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()
        samples = array.array("h", w.readframes(frames))
    peak = max((abs(s) for s in samples), default=0)
    if peak == 0:
        return WavFacts(rate, channels, width, frames / rate, -math.inf, -math.inf)
    loud = [i for i, s in enumerate(samples) if abs(s) >= peak / 100]
    active = samples[loud[0] : loud[-1] + 1]
    rms = math.sqrt(sum(s * s for s in active) / len(active))
    full = 32768
    return WavFacts(rate, channels, width, frames / rate,
                    20 * math.log10(peak / full), 20 * math.log10(rms / full))


def make_tone(path: Path, seconds: float, freq: int = 440, rate: int = 44100, channels: int = 2) -> Path:
    """A test recording made with sox; the format follows the file name's suffix."""
    subprocess.run(["sox", "-n", "-r", str(rate), "-c", str(channels), str(path),
                    "synth", str(seconds), "sine", str(freq), "gain", "-6"], check=True)
    return path


def zero_crossings_per_second(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        samples = array.array("h", w.readframes(w.getnframes()))
        rate = w.getframerate()
    crossings = sum(1 for a, b in pairwise(samples) if (a < 0) != (b < 0))
    return crossings / (len(samples) / rate)
