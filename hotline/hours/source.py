"""The hours configuration as the running service sees it: re-read when a file changes.

Ops edit config/hours.yaml or drop next year's calendar/<year>.yaml in place; the next call
uses it. A file that does not load keeps the last good configuration (and says so in the log),
because a typo must not close the hotline or open it on a holiday.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from hotline.hours.loader import HoursConfigError, load_hours
from hotline.hours.schedule import HoursConfig

log = logging.getLogger(__name__)


class HoursFile:
    """Callable: `hours()` -> the current HoursConfig."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[tuple[str, float], ...] = ()
        self._config = load_hours(self.path)  # a broken file at start-up is an error at once
        self._stamp = self._current_stamp()

    def _current_stamp(self) -> tuple[tuple[str, float], ...]:
        # Every YAML file under the config directory: cheap, and covers calendar_dir wherever it points.
        files = [self.path, *sorted(self.path.parent.rglob("*.yaml"))]
        return tuple((str(f), f.stat().st_mtime) for f in files if f.exists())

    def __call__(self) -> HoursConfig:
        stamp = self._current_stamp()
        if stamp != self._stamp:
            with self._lock:
                try:
                    self._config = load_hours(self.path)
                    log.info("hours: reloaded %s", self.path)
                except (HoursConfigError, OSError, ValueError) as exc:
                    log.error("hours: %s does not load (%s); keeping the previous hours", self.path, exc)
                self._stamp = stamp
        return self._config
