"""The live dialplan directory: swap in a version, put the previous one back, prune old ones.

Order matters for a crash half-way: version files first, hotline-entry.conf last, each by
rename, so the directory always holds an entry whose version file exists.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ivr.dialplan import names


@dataclass(frozen=True)
class LiveState:
    """What the live directory held before a swap: enough to put it back byte for byte."""

    entry_text: str | None
    version_files: frozenset[str]
    others: tuple[tuple[str, str], ...] = ()  # every other *.conf (hand-written contexts): name, text

    def file_text(self, live_dir: Path, name: str) -> str | None:
        path = live_dir / name
        return path.read_text(encoding="utf-8") if path.exists() else None


def read_state(live_dir: Path) -> LiveState:
    entry = live_dir / names.ENTRY_FILE
    versions = frozenset(path.name for path in live_dir.glob(names.VERSION_FILE_GLOB))
    others = tuple((path.name, path.read_text(encoding="utf-8")) for path in sorted(live_dir.glob("*.conf"))
                   if path.name != names.ENTRY_FILE and path.name not in versions)
    return LiveState(entry.read_text(encoding="utf-8") if entry.exists() else None, versions, others)


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")  # a dot file: no *.conf glob matches it
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def install(live_dir: Path, files: dict[str, str]) -> None:
    live_dir.mkdir(parents=True, exist_ok=True)
    for name in sorted(files, key=lambda name: name == names.ENTRY_FILE):  # entry last
        _write_atomic(live_dir / name, files[name])


def restore(live_dir: Path, before: LiveState, installed: dict[str, str]) -> None:
    """Undo `install`: the previous entry and hand-written files back, files it added removed."""
    if before.entry_text is None:
        (live_dir / names.ENTRY_FILE).unlink(missing_ok=True)
    else:
        _write_atomic(live_dir / names.ENTRY_FILE, before.entry_text)
    previous = dict(before.others)
    for name in installed:
        if name in previous:
            _write_atomic(live_dir / name, previous[name])
        elif name != names.ENTRY_FILE and name not in before.version_files:
            (live_dir / name).unlink(missing_ok=True)


def prune(live_dir: Path, keep_versions: set[str]) -> list[str]:
    """Remove version files of versions not in `keep_versions`; returns the names removed.
    Asterisk forgets their contexts at the next reload."""
    keep = {names.version_file(version) for version in keep_versions}
    removed = []
    for path in sorted(live_dir.glob(names.VERSION_FILE_GLOB)):
        if path.name not in keep:
            path.unlink()
            removed.append(path.name)
    return removed
