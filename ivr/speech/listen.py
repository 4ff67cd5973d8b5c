"""One listening window: audio and keys in, what was heard out. Source-agnostic.

The frames come from an AudioSocket connection in service, from a file or a generator in
tests and the benchmark. Limits hold in audio time (Endpointer) and in wall-clock time: a
channel sends no frames at all while nobody writes audio to it, so a pause in frames after
speech counts as its end, and no frames within listen_s as silence. Audio goes to the recogniser in batches on its worker threads while
more arrives; the event loop only measures loudness (Endpointer) and moves bytes. The window
ends at the first of: a key (keys always win), the end of the utterance, no speech within
listen_s, an utterance running over max_utterance_s, the caller hanging up. A recogniser
that errs or does not finish within decode_timeout_s is a failure, never a stall.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from ivr.speech.audio import SAMPLE_WIDTH, Endpointer
from ivr.speech.decision import Heard
from ivr.speech.recognizer import Recognizer

log = logging.getLogger("ivr.speech")


@dataclass(frozen=True)
class AudioFrame:
    pcm: bytes  # s16le mono
    rate: int = 8000


@dataclass(frozen=True)
class KeyFrame:
    key: str


@dataclass(frozen=True)
class HangupFrame:
    pass


Frame = AudioFrame | KeyFrame | HangupFrame


@dataclass(frozen=True)
class Limits:
    listen_s: float = 5.0
    max_utterance_s: float = 6.0
    trailing_s: float = 0.6  # quiet after speech that ends the utterance
    decode_timeout_s: float = 2.0  # after the utterance ends, the recogniser has this long
    batch_s: float = 0.2  # audio handed to the recogniser at a time


async def listen(frames: AsyncIterator[Frame], recognizer: Recognizer, phrases: Sequence[str] | None, limits: Limits) -> Heard:
    endpointer = Endpointer(limits.listen_s, limits.max_utterance_s, limits.trailing_s)
    try:
        stream = recognizer.stream(phrases)
    except Exception as error:  # a broken grammar or model: keys only for this call
        log.warning("speech: recogniser would not start: %s", type(error).__name__)
        return Heard("failure", detail="recogniser-start")
    batches: asyncio.Queue[tuple[bytes, int] | None] = asyncio.Queue()
    feeder = asyncio.create_task(_feed(stream, batches))
    incoming: asyncio.Queue[Frame | None] = asyncio.Queue()
    pump = asyncio.create_task(_pump(frames, incoming))
    loop = asyncio.get_running_loop()
    opened, spoke_at = loop.time(), None
    pending, rate, ended = bytearray(), 8000, None
    try:
        while ended is None:
            # Wall-clock limits too: a channel sends no frames while nobody writes audio to it.
            now = loop.time()
            wait = opened + limits.listen_s - now if spoke_at is None else min(limits.trailing_s, spoke_at + limits.max_utterance_s - now)
            try:
                async with asyncio.timeout(max(wait, 0.0)):
                    frame = await incoming.get()
            except TimeoutError:
                ended = "no-speech" if spoke_at is None else "end-of-speech"
                break
            if frame is None:
                break
            if isinstance(frame, KeyFrame):
                return Heard("key", key=frame.key)
            if isinstance(frame, HangupFrame):
                return Heard("failure", detail="hangup")
            rate = frame.rate
            pending += frame.pcm
            ended = endpointer.feed(frame.pcm, len(frame.pcm) / (SAMPLE_WIDTH * rate))
            if spoke_at is None and endpointer.speech_started_at is not None:
                spoke_at = loop.time()
            if len(pending) >= limits.batch_s * rate * SAMPLE_WIDTH:
                batches.put_nowait((bytes(pending), rate))
                pending.clear()
        if ended is None:
            return Heard("failure", detail="audio-ended")
        if ended == "no-speech":
            return Heard("silence")
        batches.put_nowait((bytes(pending), rate))
        batches.put_nowait(None)
        try:
            async with asyncio.timeout(limits.decode_timeout_s):
                transcript = await feeder
        except TimeoutError:
            log.warning("speech: recognition took over %.1f s; keys only for this turn", limits.decode_timeout_s)
            return Heard("failure", detail="timeout")
        except Exception as error:
            log.warning("speech: recognition failed: %s", type(error).__name__)
            return Heard("failure", detail="recogniser-error")
        return Heard("speech", transcript.text, transcript.confidence)
    finally:
        pump.cancel()
        if not feeder.done():
            feeder.cancel()


async def _pump(frames: AsyncIterator[Frame], incoming: asyncio.Queue) -> None:
    async for frame in frames:
        incoming.put_nowait(frame)
    incoming.put_nowait(None)


async def _feed(stream, batches: asyncio.Queue):
    while (batch := await batches.get()) is not None:
        await stream.accept(*batch)
    return await stream.finish()
