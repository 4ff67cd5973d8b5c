"""The prompt library as staff work on it (imperative shell): status, takes, approval, going live.

One object serves the phone flow, the review page and `ivrctl prompts status`:

    library = PromptLibrary(PromptPaths(catalog=..., recordings=..., build=..., takes=..., live_sounds=...))
    library.rows("za"); library.progress()            # what callers hear, per language
    library.keep(file, language="za", prompt_id="welcome", by="8001 韦丽", via="phone")
    library.approve(take_id, by="ops alice")          # -> recordings/, incremental build, live

Approval copies the take into the recordings directory (where every recording lives, and
from where `ivrctl prompts build` takes it), runs the same incremental build, and copies the
rebuilt files into the sounds directory Asterisk plays from. Each file is replaced by a
rename: a caller in the middle of the old prompt keeps hearing it (Asterisk holds the old
file open), the next caller hears the new one, and Asterisk needs no reload.

Everything here is blocking file and audio work: async callers use asyncio.to_thread.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .audio import AudioError
from .build import build_prompts, load_catalog, scan_recordings
from .catalog import Catalog
from .plan import resolve_targets
from .progress import Progress, PromptRow, progress, prompt_rows
from .report import BuildReport
from .take_check import TakeVerdict, check_take
from .take_store import Refused, TakeStore, load_take
from .takes import Take, TakeError, approve, awaiting, reject


TAKES_DIR = "prompt-takes"  # in the site's var directory


@dataclass(frozen=True)
class PromptPaths:
    catalog: Path
    recordings: Path  # approved recordings: recordings/<language>/<id>.wav (the build's input)
    build: Path  # the build's output: build/sounds/<language>/<id>.{wav,ulaw} and its manifest
    takes: Path  # takes awaiting review, and every take's provenance
    live_sounds: Path | None = None  # Asterisk's sounds directory, when it is not build/sounds


class PromptLibrary:
    def __init__(self, paths: PromptPaths, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.paths = paths
        self.takes = TakeStore(paths.takes)
        self.clock = clock
        self._publishing = threading.Lock()  # one build at a time

    def catalog(self) -> Catalog:
        return load_catalog(self.paths.catalog)

    def rows(self, language: str, catalog: Catalog | None = None) -> list[PromptRow]:
        catalog = catalog or self.catalog()
        if language not in catalog.languages:
            raise KeyError(language)
        targets = resolve_targets(catalog, scan_recordings(self.paths.recordings, list(catalog.languages)))
        return prompt_rows(catalog, targets, language)

    def progress(self) -> list[Progress]:
        catalog = self.catalog()
        targets = resolve_targets(catalog, scan_recordings(self.paths.recordings, list(catalog.languages)))
        return [progress(catalog, prompt_rows(catalog, targets, code), code) for code in catalog.languages]

    def awaiting(self, language: str) -> set[str]:
        return awaiting(self.takes.all(), language)

    def check(self, source: Path) -> TakeVerdict:
        """The quality check alone (the phone flow refuses a take before playing it back)."""
        segment = load_take(source)
        return check_take(segment.get_array_of_samples(), segment.frame_rate)

    def keep(self, source: Path, *, language: str, prompt_id: str, by: str, via: str) -> Take | Refused:
        catalog = self.catalog()
        if language not in catalog.languages or prompt_id not in catalog.prompts:
            raise KeyError(f"{language}/{prompt_id}")
        return self.takes.keep(source, catalog=catalog, language=language, prompt_id=prompt_id,
                               by=by, via=via, at=self.clock())

    def reject(self, take_id: str, *, by: str) -> Take:
        changed = reject(self.takes.all(), take_id, by=by, at=self.clock())
        take = next(t for t in changed if t.id == take_id)
        self.takes.save(take)
        return take

    def approve(self, take_id: str, *, by: str) -> BuildReport:
        """The take becomes its prompt's recording and goes live; returns the build's report."""
        with self._publishing:
            before = self.takes.all()
            after = approve(before, take_id, by=by, at=self.clock())
            take = next(t for t in after if t.id == take_id)
            _install_recording(self.takes.audio(take), Path(self.paths.recordings, take.language), take.prompt_id)
            report = self._build()
            for old, new in zip(before, after):
                if old != new:
                    self.takes.save(new)
            return report

    def publish(self) -> BuildReport:
        """The incremental build of whatever changed, copied live (also after a hand edit)."""
        with self._publishing:
            return self._build()

    def _build(self) -> BuildReport:
        report = build_prompts(self.paths.catalog, self.paths.recordings, self.paths.build)
        if self.paths.live_sounds is not None:
            sounds = Path(self.paths.build, "sounds")
            for name in report.rebuilt:
                for suffix in (".wav", ".ulaw"):
                    _atomic_copy(sounds / (name + suffix), Path(self.paths.live_sounds, name + suffix))
        return report


def _install_recording(source: Path, language_dir: Path, prompt_id: str) -> None:
    """recordings/<language>/<id>.wav, and no other file for that id (two would stop the build)."""
    target = Path(language_dir, prompt_id + ".wav")
    target.parent.mkdir(parents=True, exist_ok=True)
    _atomic_copy(source, target)
    for other in target.parent.glob(Path(prompt_id).name + ".*"):
        if other != target and other.is_file():
            other.unlink()


def _atomic_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    os.close(fd)
    shutil.copyfile(source, tmp)
    os.chmod(tmp, 0o644)  # Asterisk may run as its own user
    os.replace(tmp, target)


__all__ = ["TAKES_DIR", "AudioError", "PromptLibrary", "PromptPaths", "Refused", "TakeError"]
