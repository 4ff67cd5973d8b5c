"""Writing rendered dialplan to a directory (the imperative edge of the renderer)."""
from __future__ import annotations

import os
from pathlib import Path

from ivr.dialplan import names


def write_rendered(files: dict[str, str], directory: str | Path, prune_versions: bool = False) -> list[Path]:
    """Write each file atomically (temp file + rename), so Asterisk never reads half a file.

    `prune_versions` removes other versions' files (hotline-v*.conf): right for the copy kept
    in the repository, wrong for a live directory where calls may still run an old version."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sorted(files.items()):
        target = directory / name
        temporary = target.with_name(f".{name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
        written.append(target)
    if prune_versions:
        for stale in sorted(directory.glob(names.VERSION_FILE_GLOB)):
            if stale.name not in files:
                stale.unlink()
    return written
