"""Every reload attempt, and every version ever loaded, kept under the var directory.

    <var>/reload.lock                      one reload at a time, across processes
    <var>/reload-history.jsonl             one JSON line per attempt (append-only)
    <var>/versions/<version>/...           the rendered files and the config they came from
"""
from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

Result = Literal["ok", "refused", "rolled_back", "failed", "busy"]
CONFIG_COPY = "config.yaml"


class Refused(Exception):
    """The attempt was refused before anything changed (the messages say why)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class ReloadInProgress(RuntimeError):
    def __init__(self) -> None:
        super().__init__("a reload is in progress; try again when it has finished")


@dataclass
class Attempt:
    """One reload or rollback, as the history shows it. Never holds caller data or tokens."""

    id: str
    target: Literal["dialplan", "moh", "pjsip", "config"]
    action: Literal["reload", "rollback"]
    who: str
    started_at: str  # ISO 8601, UTC
    source: str  # config path, or the stored version rolled back to
    version: str | None = None
    previous_version: str | None = None
    changes: list[str] = field(default_factory=list)
    result: Result = "failed"
    messages: list[str] = field(default_factory=list)  # why refused / what failed
    warnings: list[str] = field(default_factory=list)
    steps_ms: dict[str, float] = field(default_factory=dict)
    duration_ms: float = 0.0
    pruned: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


class History:
    def __init__(self, var_dir: Path) -> None:
        self.var_dir = Path(var_dir)
        self.log_path = self.var_dir / "reload-history.jsonl"
        self.versions_dir = self.var_dir / "versions"
        self.lock_path = self.var_dir / "reload.lock"

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Held for a whole attempt. flock: two processes (CLI, service) exclude each other,
        and so do two requests in one process (each opens its own descriptor)."""
        self.var_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ReloadInProgress() from None
            yield
        finally:
            os.close(fd)  # closing releases the lock

    @contextmanager
    def attempt(self, attempt: Attempt) -> Iterator[None]:
        """One attempt under the lock, recorded however it ends: "busy" when another holds the
        lock, the exception's message when it fails, its duration always."""
        started = time.perf_counter()
        try:
            with self.lock():
                try:
                    yield
                except Refused as refusal:
                    attempt.result, attempt.messages = "refused", refusal.messages
                except Exception as error:  # recorded, then raised: the history must show it too
                    attempt.messages.append(f"unexpected error: {error}")
                    raise
        except ReloadInProgress as busy:
            attempt.result, attempt.messages = "busy", [str(busy)]
            raise
        finally:
            attempt.duration_ms = round((time.perf_counter() - started) * 1000, 1)
            self.record(attempt)

    def record(self, attempt: Attempt) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        line = json.dumps(bounded(attempt.as_json()), ensure_ascii=False, sort_keys=True) + "\n"
        with open(self.log_path, "a", encoding="utf-8") as log:  # O_APPEND: whole lines
            log.write(line)

    def attempts(self, target: str | None = None) -> list[Attempt]:
        if not self.log_path.exists():
            return []
        rows = [json.loads(line) for line in self.log_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [Attempt(**row) for row in rows if target is None or row.get("target") == target]

    def keep_version(self, version: str, files: dict[str, str], config_text: str | None) -> None:
        directory = self.versions_dir / version
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (directory / name).write_text(text, encoding="utf-8")
        if config_text is not None:
            (directory / CONFIG_COPY).write_text(config_text, encoding="utf-8")

    def version_files(self, version: str) -> dict[str, str]:
        directory = self.versions_dir / version
        if not directory.is_dir():
            return {}
        return {path.name: path.read_text(encoding="utf-8") for path in sorted(directory.glob("*.conf"))}

    def config_text(self, version: str | None) -> str | None:
        path = self.versions_dir / str(version) / CONFIG_COPY
        return path.read_text(encoding="utf-8") if version and path.exists() else None

    def stored_versions(self) -> list[str]:
        return sorted(path.name for path in self.versions_dir.iterdir()) if self.versions_dir.is_dir() else []


MAX_TEXT = 500  # characters of one history string (a source, a message)
MAX_ITEMS = 50  # messages, warnings, changes kept per attempt


def bounded(entry: dict[str, Any]) -> dict[str, Any]:
    """An attempt as the history keeps it: every string and list cut to a fixed size, so no
    request (a 10 MB value, thousands of problems) can grow the history by more than ~100 KB."""
    def cut(value: Any) -> Any:
        if isinstance(value, str):
            return value if len(value) <= MAX_TEXT else value[:MAX_TEXT - 1] + "…"
        if isinstance(value, list):
            kept = [cut(item) for item in value[:MAX_ITEMS]]
            return kept + ([f"... and {len(value) - MAX_ITEMS} more"] if len(value) > MAX_ITEMS else [])
        if isinstance(value, dict):
            return {key: cut(item) for key, item in list(value.items())[:MAX_ITEMS]}
        return value
    result: dict[str, Any] = cut(entry)
    return result


def version_before(attempts: list[Attempt], current: str | None) -> str | None:
    """The version that was live before the current one, from the successful attempts."""
    for attempt in reversed(attempts):
        if attempt.result == "ok" and attempt.version == current and attempt.previous_version not in (None, current):
            return attempt.previous_version
    for attempt in reversed(attempts):  # current never reloaded by us: the last other good one
        if attempt.result == "ok" and attempt.version not in (None, current):
            return attempt.version
    return None
