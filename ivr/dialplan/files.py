"""Writing rendered dialplan to a directory (the imperative edge of the renderer)."""
from __future__ import annotations

import os
from pathlib import Path


def write_rendered(files: dict[str, str], directory: str | Path) -> list[Path]:
    """Write each file atomically (temp file + rename), so Asterisk never reads half a file."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sorted(files.items()):
        target = directory / name
        temporary = target.with_name(f".{name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
        written.append(target)
    return written
