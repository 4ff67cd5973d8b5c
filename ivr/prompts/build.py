"""The prompt build (imperative shell): scan inputs, plan, render changed prompts, record the manifest."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import yaml

from .audio import AudioSettings, condition, espeak_version, load_recording, synthesise, write_telephone_files
from .catalog import Catalog, parse_catalog
from .plan import ManifestEntry, Origin, Recording, Step, manifest_entry, plan_build, resolve_targets
from .report import BuildReport, MissingPromptsError, fallback_warnings, language_provenance, provenance_json

MANIFEST = "manifest.json"
PROVENANCE = "provenance.json"  # per language: prompts heard in the callers' own language, and the rest
MANIFEST_VERSION = 2
SOUNDS = "sounds"
Progress = Callable[[str], None]  # called with a target name each time one is written


def load_catalog(path: Path) -> Catalog:
    return parse_catalog(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def scan_recordings(recordings_dir: Path, languages: list[str]) -> dict[tuple[str, str], Recording]:
    """recordings/<language>/<id>.<any audio suffix>; ids may have subdirectories (digits/5)."""
    found: dict[tuple[str, str], Recording] = {}
    for language in languages:
        root = Path(recordings_dir, language)
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.name.startswith(".") or not path.suffix:
                continue
            prompt_id = path.relative_to(root).with_suffix("").as_posix()
            if (language, prompt_id) in found:
                raise ValueError(f"two recordings for {language}/{prompt_id}: "
                                 f"{found[language, prompt_id].path} and {path}")
            found[language, prompt_id] = Recording(str(path), file_sha256(path))
    return found


def read_manifest(out_dir: Path) -> dict[str, ManifestEntry]:
    path = Path(out_dir, MANIFEST)
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    if data.get("version") != MANIFEST_VERSION:  # an older layout: rebuild everything once
        return {}
    return {name: ManifestEntry(**entry) for name, entry in data["targets"].items()}


def write_manifest(out_dir: Path, entries: dict[str, ManifestEntry]) -> None:
    data = {"version": MANIFEST_VERSION, "targets": {n: vars(e) for n, e in sorted(entries.items())}}
    tmp = Path(out_dir, MANIFEST + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False))
    tmp.replace(Path(out_dir, MANIFEST))


def present_outputs(sounds_dir: Path, names: list[str]) -> set[str]:
    return {n for n in names
            if Path(sounds_dir, n + ".wav").exists() and Path(sounds_dir, n + ".ulaw").exists()}


def render(origin: Origin, settings: AudioSettings):
    source = (load_recording(Path(origin.recording.path)) if origin.recording
              else synthesise(origin.text, origin.voice, settings))
    return condition(source, settings)


def build_prompts(
    catalog_path: Path,
    recordings_dir: Path,
    out_dir: Path,
    *,
    settings: AudioSettings = AudioSettings(),
    workers: int = 2,
    on_progress: Progress | None = None,
) -> BuildReport:
    """Build out_dir/sounds/<language>/<id>.{wav,ulaw}; only prompts whose inputs changed are rendered.

    Raises MissingPromptsError (before writing anything) when a prompt has no source in its
    language or any fallback language.
    """
    out_dir, sounds_dir = Path(out_dir), Path(out_dir, SOUNDS)
    catalog = load_catalog(catalog_path)
    targets = resolve_targets(catalog, scan_recordings(recordings_dir, list(catalog.languages)))
    names = [t.name for t in targets]
    manifest = read_manifest(out_dir)
    hash_inputs = {**settings.as_dict(), "espeak": espeak_version()}
    plan = plan_build(targets, manifest, present_outputs(sounds_dir, names), hash_inputs)
    if plan.missing:
        raise MissingPromptsError(plan.missing)

    out_dir.mkdir(parents=True, exist_ok=True)
    report = BuildReport(out_dir=out_dir, targets=targets, warnings=fallback_warnings(targets),
                         provenance=language_provenance(catalog, targets))
    entries = {n: e for n, e in manifest.items() if n in set(names)}
    _remove_stale(sounds_dir, set(manifest) - set(names))

    # Targets with equal keys (a prompt and the languages that fall back to it) are rendered once.
    groups: dict[str, list[Step]] = {}
    for step in plan.build:
        groups.setdefault(step.key, []).append(step)
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = {pool.submit(render, steps[0].target.origin, settings): steps
                       for steps in groups.values()}
            for future in as_completed(futures):
                segment = future.result()
                for step in futures[future]:
                    write_telephone_files(segment, Path(sounds_dir, step.target.name))
                    entries[step.target.name] = manifest_entry(step.target, step.key)
                    report.built.append(step)
                    if on_progress:
                        on_progress(step.target.name)
    finally:
        write_manifest(out_dir, entries)
    _write_json(Path(out_dir, PROVENANCE), provenance_json(report.provenance))
    return report


def read_provenance(out_dir: Path) -> dict[str, dict[str, object]] | None:
    """What the last build wrote (None before the first build)."""
    try:
        data = json.loads(Path(out_dir, PROVENANCE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_json(path: Path, data: object) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def _remove_stale(sounds_dir: Path, names: set[str]) -> None:
    """Prompts dropped from the catalog must not linger where Asterisk would still find them."""
    for name in names:
        for suffix in (".wav", ".ulaw"):
            Path(sounds_dir, name + suffix).unlink(missing_ok=True)


__all__ = ["build_prompts", "load_catalog", "scan_recordings", "MissingPromptsError"]
