"""The take check on samples made here: a tone as speech, room noise as silence, hard clipping."""
from __future__ import annotations

import math
import random

import pytest

from ivr.prompts.take_check import LINE_FULL_SCALE, TakeProblem, check_take

RATE = 8000


def tone(ms: int, dbfs: float, hz: float = 440.0) -> list[int]:
    amplitude = 32768 * 10 ** (dbfs / 20) * math.sqrt(2)  # RMS at `dbfs`
    return [round(amplitude * math.sin(2 * math.pi * hz * i / RATE)) for i in range(RATE * ms // 1000)]


def room(ms: int, dbfs: float = -62.0, seed: int = 1) -> list[int]:
    rng = random.Random(seed)
    level = 32768 * 10 ** (dbfs / 20)
    return [round(rng.gauss(0, level)) for _ in range(RATE * ms // 1000)]


def clip(samples: list[int], ceiling: int = LINE_FULL_SCALE) -> list[int]:
    return [max(-ceiling, min(ceiling, s)) for s in samples]


def test_a_clear_take_passes_and_says_how_long_the_speech_was():
    verdict = check_take(room(500) + tone(1200, -20) + room(700), RATE)
    assert verdict.ok, verdict.describe()
    assert verdict.duration_ms == 2400
    assert 1180 <= verdict.speech_ms <= 1240
    assert verdict.describe().startswith("ok (2400 ms, speech")


@pytest.mark.parametrize("samples", [[0] * RATE * 3, room(3000), room(3000, dbfs=-48.0)],
                         ids=["digital silence", "room tone", "loud room tone"])
def test_silence_and_room_tone_are_silent(samples):
    verdict = check_take(samples, RATE)
    assert verdict.problem is TakeProblem.SILENT
    assert verdict.problem.prompt == "recorder_take_silent"


def test_no_samples_at_all_is_silent():
    assert check_take([], RATE).problem is TakeProblem.SILENT


def test_a_click_is_too_short():
    verdict = check_take(room(1000) + tone(60, -10) + room(1000), RATE)
    assert verdict.problem is TakeProblem.TOO_SHORT
    assert verdict.problem.prompt == "recorder_take_too_short"


def test_a_lone_syllable_is_long_enough():
    assert check_take(room(300) + tone(250, -22) + room(300), RATE).ok


def test_a_voice_driven_into_the_lines_ceiling_is_clipped():
    hot = clip(tone(1500, -1.0))  # a sine whose peaks are cut flat at the line's full scale
    verdict = check_take(room(300) + hot + room(300), RATE)
    assert verdict.problem is TakeProblem.CLIPPED
    assert verdict.clipped_share > 0.05
    assert verdict.problem.prompt == "recorder_take_clipped"


def test_a_loud_but_unclipped_voice_passes():
    # peaks at about -1.5 dBFS: under the line's ceiling
    verdict = check_take(room(300) + tone(1500, -4.5) + room(300), RATE)
    assert verdict.ok, verdict.describe()


def test_a_few_full_scale_samples_are_not_clipping():
    speech = tone(2000, -20)
    for i in range(0, len(speech), 4000):  # four isolated peaks
        speech[i] = LINE_FULL_SCALE
    assert check_take(speech, RATE).ok


def test_clipping_is_judged_at_any_sample_rate():
    rate = 44100
    hot = [max(-32767, min(32767, round(60000 * math.sin(2 * math.pi * 300 * i / rate)))) for i in range(rate)]
    assert check_take(hot, rate).problem is TakeProblem.CLIPPED
