"""Build planning (pure): where each prompt in each language comes from, and what to rebuild."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import Enum

from .catalog import Catalog


class Kind(str, Enum):
    RECORDED = "recorded"
    SYNTHESISED = "synthesised"
    FALLBACK = "fallback"
    MISSING = "missing"


@dataclass(frozen=True)
class Recording:
    path: str
    sha256: str


@dataclass(frozen=True)
class Origin:
    """Where the audio itself comes from: a recording or a synthesis, in `language`."""

    language: str
    recording: Recording | None = None
    voice: str | None = None
    text: str | None = None

    @property
    def kind(self) -> Kind:
        return Kind.RECORDED if self.recording else Kind.SYNTHESISED


@dataclass(frozen=True)
class Target:
    """One prompt in one language: the files sounds/<language>/<prompt_id>.{wav,ulaw}."""

    language: str
    prompt_id: str
    origin: Origin | None  # None: missing

    @property
    def kind(self) -> Kind:
        if self.origin is None:
            return Kind.MISSING
        return Kind.FALLBACK if self.origin.language != self.language else self.origin.kind

    @property
    def name(self) -> str:
        return f"{self.language}/{self.prompt_id}"


def resolve_origin(
    catalog: Catalog, recordings: dict[tuple[str, str], Recording], language: str, prompt_id: str
) -> Origin | None:
    """A recording wins, then synthesis, then each fallback language in order (depth first)."""
    recording = recordings.get((language, prompt_id))
    if recording:
        return Origin(language, recording=recording)
    text = catalog.synthesis_input(language, prompt_id)
    if text:
        return Origin(language, voice=catalog.languages[language].voice, text=text)
    for other in catalog.languages[language].fallback:
        origin = resolve_origin(catalog, recordings, other, prompt_id)
        if origin:
            return origin
    return None


def resolve_targets(catalog: Catalog, recordings: dict[tuple[str, str], Recording]) -> list[Target]:
    targets = []
    for lang in catalog.languages:
        for pid, prompt in catalog.prompts.items():
            origin = resolve_origin(catalog, recordings, lang, pid)
            # An agent's prompt is played in Mandarin only: other languages need no file.
            if origin is not None or prompt.audience == "caller":
                targets.append(Target(lang, pid, origin))
    return targets


def content_key(origin: Origin, settings: dict) -> str:
    """Hash of everything the built audio depends on; equal keys mean identical output."""
    material = {
        "settings": settings,
        "recording": origin.recording.sha256 if origin.recording else None,
        "voice": origin.voice,
        "text": origin.text,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class ManifestEntry:
    key: str
    kind: str  # recorded, synthesised or fallback
    origin_language: str
    origin_kind: str  # recorded or synthesised: what the audio really is

    def describe(self) -> str:
        if self.kind == Kind.FALLBACK.value:
            return f"fallback to {self.origin_language} {self.origin_kind}"
        return self.kind


def manifest_entry(target: Target, key: str) -> ManifestEntry:
    return ManifestEntry(key, target.kind.value, target.origin.language, target.origin.kind.value)


@dataclass(frozen=True)
class Step:
    target: Target
    key: str
    reason: str  # why it is rebuilt: new, output missing, text changed, recorded -> ...


@dataclass
class Plan:
    build: list[Step] = field(default_factory=list)
    current: list[Target] = field(default_factory=list)
    missing: list[Target] = field(default_factory=list)


def plan_build(
    targets: list[Target],
    manifest: dict[str, ManifestEntry],
    outputs_present: set[str],
    settings: dict,
) -> Plan:
    """Split targets into those to rebuild (with the reason), those up to date, and missing ones."""
    plan = Plan()
    for target in targets:
        if target.origin is None:
            plan.missing.append(target)
            continue
        key = content_key(target.origin, settings)
        old = manifest.get(target.name)
        if old is None:
            reason = "new"
        elif target.name not in outputs_present:
            reason = "output missing"
        elif old.key == key:
            plan.current.append(target)
            continue
        elif (new := manifest_entry(target, key)).describe() != old.describe():
            reason = f"{old.describe()} -> {new.describe()}"
        else:
            reason = "recording changed" if target.origin.recording else "text, voice or settings changed"
        plan.build.append(Step(target, key, reason))
    return plan
