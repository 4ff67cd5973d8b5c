"""After-hours messages: what the API shows, and reading a recording's length (WAV header)."""

from __future__ import annotations

import re
import wave
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# The dialplan names files msg-<time>-<call id>.wav; anything else (a path, a traversal) is refused.
SAFE_FILE = re.compile(r"^[A-Za-z0-9._-]{1,120}\.wav$")


@dataclass(frozen=True)
class Message:
    id: int
    call_id: str
    caller_number: str
    dialect: str
    line: str
    business: str
    received_at: datetime
    duration_s: float
    file_name: str
    handled_at: datetime | None = None
    handled_by: str = ""
    callback_task_id: int | None = None
    callback_due_at: datetime | None = None

    @property
    def handled(self) -> bool:
        return self.handled_at is not None


def safe_file_name(name: str) -> str | None:
    return name if SAFE_FILE.match(name) and ".." not in name else None


def wav_seconds(path: Path) -> float | None:
    """The recording's length from its header, or None when it is missing or unreadable."""
    try:
        with wave.open(str(path), "rb") as audio:
            return audio.getnframes() / float(audio.getframerate())
    except (OSError, EOFError, wave.Error):
        return None
