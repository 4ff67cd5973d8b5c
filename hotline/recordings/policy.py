"""What is recorded and for how long, per business line, and whether storage can take it (pure).

    policy = load_recording_policy(Path("config/recording.yaml"))
    policy.records("pension"), policy.retention("wages")
    storage_state(writable=True, free_bytes=..., min_free_bytes=policy.min_free_bytes)
    purge_due(recordings, policy, now)      # which recordings' retention has passed
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ivr.menu.issues import ConfigError
from ivr.menu.limits import read_config_text
from ivr.menu.positions import parse_yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

SAFE_FILE = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_")


class LinePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    record: bool = True
    retention_days: int = Field(180, ge=1, le=36500)


class RecordingPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    directory: Path = Path("recordings")  # relative: inside the site's var/
    asterisk_directory: str | None = None  # the same directory as Asterisk sees it
    min_free_mb: int = Field(200, ge=0)
    check_seconds: float = Field(30, gt=0, le=3600)
    default: LinePolicy = LinePolicy()
    lines: dict[str, LinePolicy] = {}

    def of(self, business: str) -> LinePolicy:
        return self.lines.get(business, self.default)

    def records(self, business: str) -> bool:
        return self.of(business).record

    def retention(self, business: str) -> timedelta:
        return timedelta(days=self.of(business).retention_days)

    @property
    def min_free_bytes(self) -> int:
        return self.min_free_mb * 1024 * 1024


class RecordingPolicyError(ValueError):
    pass


def _bounded_yaml(path: Path) -> object:
    """Read through the config layer's bounds (size, aliases, depth, control bytes, UTF-8)."""
    try:
        parsed = parse_yaml(read_config_text(path), str(path))
    except ConfigError as error:
        raise RecordingPolicyError(str(error.issues[0])) from None
    if parsed.issues:
        raise RecordingPolicyError(str(parsed.issues[0]))
    return parsed.data


def load_recording_policy(path: Path, var_dir: Path | None = None) -> RecordingPolicy:
    """The policy in `path` (defaults if the file is absent); `directory` resolved against `var_dir`."""
    try:
        raw = _bounded_yaml(path) if path.exists() else {}
        policy = RecordingPolicy.model_validate(raw or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RecordingPolicyError(f"{path}: {where}: {first['msg']}") from None
    if var_dir is not None and not policy.directory.is_absolute():
        policy = policy.model_copy(update={"directory": var_dir / policy.directory})
    return policy


@dataclass(frozen=True)
class StorageState:
    available: bool
    reason: str  # "" when available


def storage_state(*, writable: bool, free_bytes: int | None, min_free_bytes: int, error: str = "") -> StorageState:
    if not writable:
        return StorageState(False, f"recording directory not writable ({error or 'permission'})")
    if free_bytes is not None and free_bytes < min_free_bytes:
        return StorageState(False, f"recording disk nearly full: {free_bytes // (1024 * 1024)} MB free, "
                                   f"{min_free_bytes // (1024 * 1024)} MB needed")
    return StorageState(True, "")


@dataclass(frozen=True)
class Kept:
    call_id: str
    business: str
    started_at: datetime


def purge_due(recordings: Iterable[Kept], policy: RecordingPolicy, now: datetime) -> list[Kept]:
    return [r for r in recordings if r.started_at + policy.retention(r.business) <= now]


def safe_file_name(call_id: str) -> str | None:
    """The file a call's recording is in, or None if the id could name anything else."""
    if not call_id or not set(call_id) <= SAFE_FILE or call_id.startswith("."):
        return None
    return f"{call_id}.wav"
