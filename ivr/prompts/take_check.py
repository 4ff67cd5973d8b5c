"""Is a recorded take usable? Silent, clipped or too short, measured on its samples (pure).

A take comes from a phone line: 8 kHz, 16-bit after Asterisk decodes G.711. Mu-law's
loudest code decodes to 32124, not 32767, so "full scale" is judged against the loudest
value the line can carry, not the 16-bit maximum. Each refusal names its reason and the
prompt that tells the recording staff member, so the phone flow can say why.

    verdict = check_take(samples, frame_rate=8000)
    if not verdict.ok: play(verdict.problem.prompt)
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

# Mu-law's largest magnitude (G.711 decodes its top code to 32124); A-law's is 32256.
LINE_FULL_SCALE = 32124


class TakeProblem(Enum):
    """Why a take is refused; `prompt` is the catalog prompt that says so on the phone."""

    SILENT = ("silent", "recorder_take_silent")
    CLIPPED = ("clipped", "recorder_take_clipped")
    TOO_SHORT = ("too_short", "recorder_take_too_short")

    def __init__(self, word: str, prompt: str) -> None:
        self.word = word
        self.prompt = prompt


@dataclass(frozen=True)
class TakeCheckSettings:
    frame_ms: int = 20  # analysis window
    # A window louder than this is speech. Room tone on a phone line sits near -60 dBFS;
    # a quiet speaker's syllables stay above -35 dBFS.
    speech_dbfs: float = -40.0
    # Samples within this of the line's full scale count as clipped.
    clip_margin: float = 0.985
    # More than this share of the speech's samples at full scale: audibly distorted. A
    # well-levelled voice peaks a few dB under full scale and touches it a handful of times.
    max_clipped_share: float = 0.002
    # The span from the first to the last speech window. A lone syllable (digits/5, 元) is
    # about a quarter of a second; anything shorter is a key press or a cough.
    min_speech_ms: int = 200


@dataclass(frozen=True)
class TakeVerdict:
    problem: TakeProblem | None
    duration_ms: int  # the whole take
    speech_ms: int  # first to last window louder than speech_dbfs
    peak_dbfs: float  # against 16-bit full scale; -inf for digital silence
    clipped_share: float  # share of the speech span's samples at the line's full scale

    @property
    def ok(self) -> bool:
        return self.problem is None

    def describe(self) -> str:
        state = "ok" if self.ok else f"refused: {self.problem.word}"  # type: ignore[union-attr]
        return (f"{state} ({self.duration_ms} ms, speech {self.speech_ms} ms, peak {self.peak_dbfs:.1f} dBFS, "
                f"clipped {self.clipped_share:.2%})")


def dbfs(level: float) -> float:
    return 20 * math.log10(level / 32768) if level > 0 else -math.inf


def check_take(samples: Sequence[int], frame_rate: int,
               settings: TakeCheckSettings = TakeCheckSettings()) -> TakeVerdict:
    """Judge mono 16-bit samples. Silent wins over too short (nothing was said at all), and
    clipped is judged only on a take long enough to keep."""
    frame = max(1, frame_rate * settings.frame_ms // 1000)
    duration_ms = len(samples) * 1000 // frame_rate if frame_rate else 0
    threshold = 32768 * 10 ** (settings.speech_dbfs / 20)
    loud = [
        start for start in range(0, len(samples), frame)
        if _rms(samples[start:start + frame]) >= threshold
    ]
    peak = max((abs(s) for s in samples), default=0)
    if not loud:
        return TakeVerdict(TakeProblem.SILENT, duration_ms, 0, dbfs(peak), 0.0)
    first, last = loud[0], min(len(samples), loud[-1] + frame)
    speech = samples[first:last]
    speech_ms = len(speech) * 1000 // frame_rate
    ceiling = LINE_FULL_SCALE * settings.clip_margin
    clipped = sum(1 for s in speech if abs(s) >= ceiling) / len(speech)
    if speech_ms < settings.min_speech_ms:
        problem: TakeProblem | None = TakeProblem.TOO_SHORT
    elif clipped > settings.max_clipped_share:
        problem = TakeProblem.CLIPPED
    else:
        problem = None
    return TakeVerdict(problem, duration_ms, speech_ms, dbfs(peak), clipped)


def _rms(window: Sequence[int]) -> float:
    return math.sqrt(sum(s * s for s in window) / len(window)) if window else 0.0
