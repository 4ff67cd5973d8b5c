"""Takes on disk (imperative shell): check, condition and keep a take; read and update them.

    <takes dir>/<language>/<prompt id>/<take id>.wav   conditioned, 8 kHz mono 16-bit
                                        <take id>.ulaw  the same as raw G.711 mu-law
                                        <take id>.json  provenance (ivr.prompts.takes.Take)

Every file is written to a temporary name and renamed, so a reader never sees half a take.
Audio work is CPU work: callers run these functions off the event loop.
"""
from __future__ import annotations

import json
import os
import secrets
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from pydub import AudioSegment

from .audio import AudioError, AudioSettings, condition, write_telephone_files
from .build import file_sha256
from .catalog import Catalog
from .progress import REFERENCE_LANGUAGE
from .take_check import TakeCheckSettings, TakeVerdict, check_take
from .takes import TAKE_ID, Take, take_id

# An upload or a phone take longer than this is not one prompt (the longest is about 15 s).
MAX_TAKE_SECONDS = 60


@dataclass(frozen=True)
class Refused:
    verdict: TakeVerdict


class TakeStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def all(self) -> list[Take]:
        takes = []
        if self.root.is_dir():
            for path in sorted(self.root.rglob("*.json")):
                if TAKE_ID.match(path.stem):
                    takes.append(Take.from_json(json.loads(path.read_text(encoding="utf-8"))))
        return takes

    def get(self, take: str) -> Take | None:
        return next((t for t in self.all() if t.id == take), None)

    def audio(self, take: Take) -> Path:
        return self._base(take).with_suffix(".wav")

    def save(self, take: Take) -> None:
        base = self._base(take)
        base.parent.mkdir(parents=True, exist_ok=True)
        _atomic_text(base.with_suffix(".json"), json.dumps(take.as_json(), ensure_ascii=False, indent=1))

    def keep(self, source: Path, *, catalog: Catalog, language: str, prompt_id: str, by: str, via: str,
             at: datetime, audio: AudioSettings = AudioSettings(),
             check: TakeCheckSettings = TakeCheckSettings()) -> Take | Refused:
        """Check `source` (any format ffmpeg reads); refuse it, or keep it conditioned with
        its provenance, awaiting review. Raises AudioError for a file that is not audio."""
        segment = load_take(source)
        verdict = check_take(segment.get_array_of_samples(), segment.frame_rate, check)
        if not verdict.ok:
            return Refused(verdict)
        conditioned = condition(segment, audio)
        prompt = catalog.prompts[prompt_id]
        take = Take(
            id=take_id(at, secrets.token_hex(3)), language=language, prompt_id=prompt_id, source=via,
            recorded_by=by, recorded_at=at, text=prompt.text(language).text,
            reference=prompt.text(REFERENCE_LANGUAGE).text, sha256="", duration_ms=len(conditioned),
            check=verdict.describe(),
        )
        base = self._base(take)
        wav, _ulaw = write_telephone_files(conditioned, base)
        take = replace(take, sha256=file_sha256(wav))
        self.save(take)
        return take

    def _base(self, take: Take) -> Path:
        return Path(self.root, take.language, take.prompt_id, take.id)


def load_take(source: Path) -> AudioSegment:
    """Decode at most one second past the limit, so a file claiming hours costs no more."""
    try:
        segment = AudioSegment.from_file(source, duration=MAX_TAKE_SECONDS + 1)
    except Exception as exc:  # pydub raises bare exceptions from ffmpeg
        raise AudioError(f"{source.name}: not an audio file ffmpeg can read") from exc
    segment = segment.set_channels(1).set_sample_width(2)
    if len(segment) > MAX_TAKE_SECONDS * 1000:
        raise AudioError(f"{source.name}: {len(segment) / 1000:.0f} s long; one prompt is at most "
                         f"{MAX_TAKE_SECONDS} s")
    return segment


def _atomic_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)
