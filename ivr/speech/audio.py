"""Audio in the shape the recogniser wants, and where an utterance starts and ends.

Vosk models are trained on 16 kHz mono 16-bit audio; telephone audio from Asterisk is 8 kHz
signed linear (AudioSocket) and files may be anything ffmpeg reads. pydub does the conversion.
`Endpointer` is a pure energy detector: it decides when the caller started and stopped
talking, so the decision does not wait for a fixed window to run out.
"""
from __future__ import annotations

import math
import warnings
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydub import AudioSegment

with warnings.catch_warnings():  # deprecated in 3.11, gone in 3.13: pydub needs it (or pyaudioop) too
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

MODEL_RATE = 16000
SAMPLE_WIDTH = 2  # s16le


def to_model_pcm(segment: AudioSegment, rate: int = MODEL_RATE) -> bytes:
    """Mono, `rate` Hz, signed 16-bit little-endian samples."""
    return segment.set_channels(1).set_sample_width(SAMPLE_WIDTH).set_frame_rate(rate).raw_data


def pcm_from_file(path: str | Path, rate: int = MODEL_RATE) -> bytes:
    return to_model_pcm(AudioSegment.from_file(str(path)), rate)


def resample_pcm(pcm: bytes, from_rate: int, to_rate: int = MODEL_RATE) -> bytes:
    """Mono s16le from one rate to another (AudioSocket's 8 kHz to the model's 16 kHz)."""
    if from_rate == to_rate or not pcm:
        return pcm
    segment = AudioSegment(data=pcm, sample_width=SAMPLE_WIDTH, frame_rate=from_rate, channels=1)
    return segment.set_frame_rate(to_rate).raw_data


class StreamResampler:
    """Rate conversion of a stream in pieces, carrying the filter state across them (what
    pydub's set_frame_rate does for a whole segment): converting each piece on its own would
    put a click at every joint, which a phrase-list recogniser may hear as a word."""

    def __init__(self, from_rate: int, to_rate: int = MODEL_RATE) -> None:
        self.from_rate, self.to_rate = from_rate, to_rate
        self._state = None

    def convert(self, pcm: bytes) -> bytes:
        if self.from_rate == self.to_rate or not pcm:
            return pcm
        out, self._state = audioop.ratecv(pcm, SAMPLE_WIDTH, 1, self.from_rate, self.to_rate, self._state)
        return out


def rms(pcm: bytes) -> float:
    samples = array("h", pcm[: len(pcm) - len(pcm) % 2])
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples))


EndReason = Literal["end-of-speech", "no-speech", "too-long"]


@dataclass
class Endpointer:
    """Feed it consecutive chunks with their duration; `done` says when to stop listening.

    Speech starts after `start_s` of audio above `threshold`; it ends after `trailing_s`
    below it. No start within `listen_s` is silence; an utterance longer than
    `max_utterance_s` is cut off. Times are audio time, not wall-clock time.
    """

    listen_s: float = 5.0
    max_utterance_s: float = 6.0
    trailing_s: float = 0.6
    start_s: float = 0.06
    threshold: float = 400.0  # RMS of s16 samples; line noise sits well below, speech well above
    heard_s: float = 0.0
    speech_started_at: float | None = None
    speech_ended_at: float | None = None  # audio time of the last loud chunk's end
    _loud_run: float = 0.0
    _quiet_run: float = 0.0
    done: EndReason | None = field(default=None)

    def feed(self, pcm: bytes, seconds: float) -> EndReason | None:
        if self.done:
            return self.done
        loud = rms(pcm) >= self.threshold
        self.heard_s += seconds
        if loud:
            self._loud_run += seconds
            self._quiet_run = 0.0
            self.speech_ended_at = self.heard_s
            if self.speech_started_at is None and self._loud_run >= self.start_s:
                self.speech_started_at = self.heard_s - self._loud_run
        else:
            self._loud_run = 0.0
            self._quiet_run += seconds
        if self.speech_started_at is None:
            if self.heard_s >= self.listen_s:
                self.done = "no-speech"
        elif self._quiet_run >= self.trailing_s:
            self.done = "end-of-speech"
        elif self.heard_s - self.speech_started_at >= self.max_utterance_s:
            self.done = "too-long"
        return self.done
