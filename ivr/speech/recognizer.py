"""The Vosk recogniser: one model per process, recognitions on worker threads.

Threads, not processes (measured here, see the report of issue 9): Vosk's C++ decoder runs
with the GIL released (an event loop ticking every 2 ms beside a recognition fed 1 s chunks
lagged at most 7 ms), so a thread pool keeps AMI and FastAGI responsive while sharing one
copy of the model, which a process pool would load once per worker (1.3 GB each for the big
Chinese model). The pool bounds CPU use; a recognition that does not finish in time is
abandoned (its thread finishes in the background, the result is dropped) and the caller
goes on by keys.

A phrase list (Vosk's grammar mode) restricts the decoder to the grammar's words: on the
small models it is ~10x faster than free recognition and much more accurate for short
commands. Without "[unk]" in the model's vocabulary it forces every sound onto some phrase,
so the intent scores and confidence thresholds still matter.

No model configured (vosk.model_path / HOTLINE_VOSK_MODEL_PATH unset) means no recogniser:
`load_recognizer` returns None and the menus work by keys alone. Nothing is downloaded.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from collections.abc import Sequence

from ivr.speech.audio import MODEL_RATE, StreamResampler, pcm_from_file

log = logging.getLogger("ivr.speech")
UNKNOWN_WORD = "[unk]"
_HAN = re.compile(r"[\u3400-\u9fff]+")


class RecognizerUnavailable(RuntimeError):
    """The configured model cannot be loaded; speech stays off."""


@dataclass(frozen=True)
class Transcript:
    """What the recogniser heard. `text` is caller data: never log it."""

    text: str
    confidence: float | None  # mean word confidence, when words were recognised


def configured_model_path(configured: str | Path | None = None) -> Path | None:
    """The model directory, or None when none is set: speech off."""
    return Path(configured).expanduser() if configured else None


def load_recognizer(model_path: str | Path | None = None, *, workers: int = 2) -> Recognizer | None:
    """The recogniser for the configured model, or None when none is configured.
    Raises RecognizerUnavailable when one is configured but cannot be loaded."""
    path = configured_model_path(model_path)
    if path is None:
        log.info("speech off: no Vosk model configured (HOTLINE_VOSK_MODEL_PATH or speech.vosk.model_path)")
        return None
    return Recognizer.load(path, workers=workers)


class Recognizer:
    def __init__(self, model: Any, *, workers: int = 2, vocabulary: frozenset[str] | None = None) -> None:
        self.model = model
        self.vocabulary = vocabulary  # the model's words, when it ships graph/words.txt
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="vosk")

    @classmethod
    def load(cls, path: Path, *, workers: int = 2) -> Recognizer:
        if not (path / "am").is_dir() and not (path / "final.mdl").exists():
            raise RecognizerUnavailable(f"{path} is not a Vosk model directory (no am/)")
        try:
            import vosk
        except ImportError as error:
            raise RecognizerUnavailable("the vosk package is not installed") from error
        vosk.SetLogLevel(-1)
        try:
            model = vosk.Model(str(path))
        except Exception as error:  # vosk raises a bare Exception on a broken model
            raise RecognizerUnavailable(f"cannot load the Vosk model at {path}: {error}") from error
        words = path / "graph" / "words.txt"
        vocabulary = frozenset(line.split()[0] for line in words.read_text("utf-8").splitlines() if line.strip()) if words.exists() else None
        log.info("speech on: Vosk model %s loaded", path)
        return cls(model, workers=workers, vocabulary=vocabulary)

    def stream(self, phrases: Sequence[str] | None = None, rate: int = MODEL_RATE) -> RecognitionStream:
        return RecognitionStream(self, phrases, rate)

    async def recognise_pcm(self, pcm: bytes, phrases: Sequence[str] | None = None, *, timeout: float, chunk_s: float = 0.2) -> Transcript:
        """Stream already-converted audio through one recognition; TimeoutError if too slow."""
        stream = self.stream(phrases)
        step = int(MODEL_RATE * 2 * chunk_s)
        async with asyncio.timeout(timeout):
            for at in range(0, len(pcm), step):
                await stream.accept(pcm[at : at + step])
            return await stream.finish()

    async def recognise_file(self, path: str | Path, phrases: Sequence[str] | None = None, *, timeout: float) -> Transcript:
        pcm = await asyncio.get_running_loop().run_in_executor(self.pool, pcm_from_file, path)
        return await self.recognise_pcm(pcm, phrases, timeout=timeout)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


class RecognitionStream:
    """One utterance. `accept` and `finish` run on the pool, in the order they are awaited."""

    def __init__(self, recognizer: Recognizer, phrases: Sequence[str] | None, rate: int) -> None:
        import vosk

        self._recognizer = recognizer
        grammar = phrase_list(phrases, recognizer.vocabulary) if phrases else None
        self._kaldi = vosk.KaldiRecognizer(recognizer.model, rate, json.dumps(grammar, ensure_ascii=False)) if grammar else vosk.KaldiRecognizer(recognizer.model, rate)
        self._kaldi.SetWords(True)
        self._parts: list[dict[str, Any]] = []
        self._rate = rate
        self._resampler: StreamResampler | None = None

    def _accept(self, pcm: bytes, from_rate: int) -> None:
        if self._resampler is None or self._resampler.from_rate != from_rate:
            self._resampler = StreamResampler(from_rate, self._rate)
        if self._kaldi.AcceptWaveform(self._resampler.convert(pcm)):  # Vosk found an endpoint: keep that segment's words
            self._parts.append(json.loads(self._kaldi.Result()))

    def _finish(self) -> Transcript:
        self._parts.append(json.loads(self._kaldi.FinalResult()))
        words = [w for part in self._parts for w in part.get("result", [])]
        text = " ".join(part.get("text", "") for part in self._parts if part.get("text")).strip()
        confidence = sum(w["conf"] for w in words) / len(words) if words else None
        return Transcript(text, confidence)

    async def accept(self, pcm: bytes, from_rate: int = MODEL_RATE) -> None:
        """Feed the next audio (s16le mono at `from_rate`; converted on the worker thread)."""
        await asyncio.get_running_loop().run_in_executor(self._recognizer.pool, self._accept, pcm, from_rate)

    async def finish(self) -> Transcript:
        return await asyncio.get_running_loop().run_in_executor(self._recognizer.pool, self._finish)


def phrase_list(phrases: Sequence[str], vocabulary: frozenset[str] | None) -> list[str]:
    """Vosk's grammar: phrases whose words the model knows, plus [unk] (out-of-grammar speech)
    unless the model's word list shows it has none.

    Chinese is written without spaces but Vosk reads a grammar phrase as space-separated
    words; with the model's vocabulary an unspaced phrase is cut into its longest known words
    ("查养老保险余额" -> "查 养老 保险 余额"). A phrase with an unknown word is left out (Vosk
    would drop the word and keep a wrong phrase). Without a vocabulary, runs of Han characters
    go one character a word (Chinese lexicons hold single characters), anything else as written.
    """
    out: dict[str, None] = {}
    for phrase in phrases:
        words = phrase.split()
        if vocabulary is not None:
            words = [w for word in words for w in (segment(word, vocabulary) or [""])]
            if not all(words):
                continue
        else:  # no word list to cut by: Han characters one by one, which Chinese lexicons hold
            words = [piece for word in words for piece in (list(word) if _HAN.fullmatch(word) else [word])]
        if words:
            out.setdefault(" ".join(words), None)
    if vocabulary is None or UNKNOWN_WORD in vocabulary:  # unknown vocabulary: Vosk ignores it if absent
        out.setdefault(UNKNOWN_WORD, None)
    return list(out)


def segment(text: str, vocabulary: frozenset[str], longest: int = 8) -> list[str] | None:
    """Greedy longest-match word split; None when some character is in no known word."""
    words, at = [], 0
    while at < len(text):
        for size in range(min(longest, len(text) - at), 0, -1):
            if text[at : at + size] in vocabulary:
                words.append(text[at : at + size])
                at += size
                break
        else:
            return None
    return words
