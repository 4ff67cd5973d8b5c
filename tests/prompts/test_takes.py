"""Takes and their provenance: review transitions (pure) and the store on disk (real audio)."""
from __future__ import annotations

import json
import math
import wave
from datetime import UTC, datetime

import pytest
from pydub import AudioSegment
from pydub.generators import Sine, WhiteNoise

from ivr.prompts import parse_catalog
from ivr.prompts.audio import AudioError
from ivr.prompts.take_check import TakeProblem
from ivr.prompts.take_store import Refused, TakeStore
from ivr.prompts.takes import Take, TakeError, TakeStatus, approve, approved, awaiting, reject

AT = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
CATALOG = parse_catalog({
    "languages": {"zh": {"name": "Mandarin", "dialect": "mandarin", "voice": "cmn"},
                  "za": {"name": "Zhuang", "dialect": "zhuang", "voice": None, "fallback": ["zh"]}},
    "prompts": {"goodbye": {"zh": "再见", "za": "caiq raen"}, "welcome": {"zh": "您好"}},
})


def take(id_, prompt="goodbye", status=TakeStatus.AWAITING):
    return Take(id=id_, language="za", prompt_id=prompt, source="phone", recorded_by="8001 韦丽",
                recorded_at=AT, text="caiq raen", reference="再见", sha256="0" * 64, duration_ms=900,
                check="ok", status=status)


def test_approving_replaces_the_approved_take_of_the_same_prompt_only():
    takes = [take("a", status=TakeStatus.APPROVED), take("b"), take("c", prompt="welcome", status=TakeStatus.APPROVED)]
    after = approve(takes, "b", by="ops alice", at=AT)
    assert [t.status for t in after] == [TakeStatus.REPLACED, TakeStatus.APPROVED, TakeStatus.APPROVED]
    assert (after[1].reviewed_by, after[1].reviewed_at) == ("ops alice", AT)
    assert approved(after, "za", "goodbye").id == "b"


def test_only_an_awaiting_take_can_be_reviewed():
    takes = [take("a", status=TakeStatus.APPROVED), take("b")]
    with pytest.raises(TakeError, match="approved, not awaiting"):
        approve(takes, "a", by="x", at=AT)
    with pytest.raises(TakeError, match="no take zz"):
        reject(takes, "zz", by="x", at=AT)
    rejected = reject(takes, "b", by="x", at=AT)
    assert rejected[1].status is TakeStatus.REJECTED
    assert awaiting(takes, "za") == {"goodbye"} and awaiting(rejected, "za") == set()


def test_provenance_round_trips_through_json():
    t = approve([take("b")], "b", by="ops alice", at=AT)[0]
    assert Take.from_json(json.loads(json.dumps(t.as_json()))) == t


def speech_like(seconds: float, dbfs: float) -> AudioSegment:
    """A tone between stretches of quiet noise, at 44.1 kHz stereo like a phone's upload."""
    quiet = WhiteNoise(sample_rate=44100).to_audio_segment(duration=400, volume=-65)
    voice = Sine(300, sample_rate=44100).to_audio_segment(duration=seconds * 1000, volume=dbfs)
    return (quiet + voice + quiet).set_channels(2)


def test_a_kept_take_is_conditioned_and_stored_with_its_provenance(tmp_path):
    source = tmp_path / "upload.mp3"
    speech_like(1.5, -30).export(source, format="mp3")
    store = TakeStore(tmp_path / "takes")
    kept = store.keep(source, catalog=CATALOG, language="za", prompt_id="goodbye", by="ops alice",
                      via="upload", at=AT)
    assert isinstance(kept, Take), kept
    assert (kept.text, kept.reference, kept.status, kept.recorded_by) == ("caiq raen", "再见", TakeStatus.AWAITING, "ops alice")
    with wave.open(str(store.audio(kept))) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        conditioned = AudioSegment.from_wav(store.audio(kept))
    assert abs(conditioned.dBFS - (-20)) < 1.5  # levelled like every prompt
    assert len(conditioned) < 1500 + 2 * 400  # trimmed
    assert store.audio(kept).with_suffix(".ulaw").stat().st_size == len(conditioned.raw_data) // 2
    assert store.all() == [kept] and store.get(kept.id) == kept


def test_silent_and_clipped_takes_are_refused_and_not_stored(tmp_path):
    store = TakeStore(tmp_path / "takes")
    silent = tmp_path / "silent.wav"
    AudioSegment.silent(duration=3000, frame_rate=8000).export(silent, format="wav")
    hot = tmp_path / "hot.wav"
    (speech_like(1.0, -30).apply_gain(+40)).export(hot, format="wav")  # gain past full scale clips
    for path, problem in ((silent, TakeProblem.SILENT), (hot, TakeProblem.CLIPPED)):
        refused = store.keep(path, catalog=CATALOG, language="za", prompt_id="goodbye", by="x", via="upload", at=AT)
        assert isinstance(refused, Refused) and refused.verdict.problem is problem
    assert store.all() == []


def test_a_file_that_is_not_audio_or_too_long_is_refused_in_one_line(tmp_path):
    store = TakeStore(tmp_path / "takes")
    junk = tmp_path / "notes.m4a"
    junk.write_bytes(b"\x00not audio" * 100)
    with pytest.raises(AudioError, match="notes.m4a: not an audio file"):
        store.keep(junk, catalog=CATALOG, language="za", prompt_id="goodbye", by="x", via="upload", at=AT)
    long = tmp_path / "long.mp3"
    Sine(300).to_audio_segment(duration=65_000, volume=-20).export(long, format="mp3", bitrate="16k")
    with pytest.raises(AudioError, match="at most 60 s"):
        store.keep(long, catalog=CATALOG, language="za", prompt_id="goodbye", by="x", via="upload", at=AT)
    assert math.isfinite(1.0) and store.all() == []
