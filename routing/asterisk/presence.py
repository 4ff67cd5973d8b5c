"""Agents' presence across service restarts: who was logged in, and paused for what.

The router's books live in memory; after a restart the waiting callers come back from
Asterisk's channels (resync), and the agents from this file, so nobody has to log in again.
Only what agents did themselves is kept (log in, pause, unpause, log out); a no-answer pause
the router imposed is not, so a restart gives such an agent a fresh start.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from routing import PauseReason

log = logging.getLogger("routing.asterisk")

LOGGED_IN = "logged_in"


class PresenceFile:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load(self) -> dict[str, PauseReason | None]:
        """Agent id -> pause reason (None: available) for every agent logged in at the last save."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("agent presence %s unreadable (%s): agents log in again", self.path, exc)
            return {}
        return {agent_id: None if state == LOGGED_IN else PauseReason(state) for agent_id, state in data.items()}

    def save(self, presence: dict[str, PauseReason | None]) -> None:
        data = {agent_id: LOGGED_IN if reason is None else reason.value for agent_id, reason in sorted(presence.items())}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        staging = self.path.with_suffix(".tmp")
        staging.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(staging, self.path)  # never a half-written file after a crash
