"""One generated file, one Asterisk module: the safe reload the PJSIP and music-on-hold files
share. One attempt at a time; the file written atomically; the module reloaded (no restart);
what Asterisk loaded checked against what the file defines; on a problem the previous file put
back and checked again; every attempt in the reload history.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from ivr.dialplan.history import Attempt, History
from ivr.dialplan.reload import new_attempt
from ivr.dialplan.reload_settings import ReloadSettings


@dataclass(frozen=True)
class ModuleFile:
    target: str  # the reload history's name for it: "pjsip", "moh"
    live_file: Path
    changes: Callable[[str | None, str], list[str]]  # what the history says changed (no secrets)
    load_and_check: Callable[[str | None], Awaitable[list[str]]]  # reload; what this text's objects lack
    mode: int = 0o644  # 0o640 for a file that holds secrets


async def reload_module_file(spec: ModuleFile, settings: ReloadSettings, text: str, who: str) -> Attempt:
    history = History(settings.var_dir)
    attempt = new_attempt(spec.target, "reload", who, str(spec.live_file))
    with history.attempt(attempt):
        before = spec.live_file.read_text(encoding="utf-8") if spec.live_file.exists() else None
        attempt.version, attempt.previous_version = version_of(text), version_of(before)
        attempt.changes = spec.changes(before, text)
        write_atomically(spec.live_file, text, spec.mode)
        problems = await spec.load_and_check(text)
        if not problems:
            attempt.result = "ok"
        else:
            attempt.messages = problems
            write_atomically(spec.live_file, before, spec.mode)
            left = await spec.load_and_check(before)
            attempt.result = "failed" if left else "rolled_back"
            attempt.messages += [f"rolling back: {problem}" for problem in left]
    return attempt


def write_atomically(path: Path, text: str | None, mode: int = 0o644) -> None:
    """Replace `path` by `text` in one rename (None removes it)."""
    if text is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


def version_of(text: str | None) -> str | None:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12] if text is not None else None
