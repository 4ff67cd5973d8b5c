"""Keeping a development sandbox Asterisk alive: restarted when it dies, with a crash report.

A thread of its own waits for the Asterisk process; when it exits without being asked to, the
keeper moves its core file and log into a report directory and starts it again on the same
ports, credentials and files. The service's AMI client reconnects by itself, so /health turns
green again. The thread lives as long as the keeper, which matters: a sandbox dies with the
thread that started it (PDEATHSIG).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ivr.sandbox.runner import Sandbox, SandboxError

log = logging.getLogger(__name__)

RESTART_BACKOFF_S = (0.0, 1.0, 5.0, 30.0)  # a crash loop must not spin


class SandboxKeeper:
    def __init__(self, sandbox: Sandbox, reports_dir: Path, *,
                 on_restart: Callable[[Path], None] | None = None) -> None:
        self.sandbox = sandbox
        self.reports_dir = Path(reports_dir)
        self.on_restart = on_restart
        self.restarts = 0
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the sandbox and keep it alive."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            try:
                self.sandbox.start()
            except BaseException as exc:  # reported to the caller of start()
                failure.append(exc)
                return
            finally:
                ready.set()
            self._keep()

        self._thread = threading.Thread(target=run, name="sandbox-keeper", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]

    def _keep(self) -> None:
        quick_deaths = 0  # deaths within a minute of a start: a crash loop must not spin
        started = time.monotonic()
        while not self._stopping.is_set():
            process = self.sandbox.process
            if process is None:
                return
            process.wait()
            if self._stopping.is_set():
                return
            report = self.sandbox.crash_report(self.reports_dir)
            log.error("sandbox Asterisk died (exit %s); core file and log kept in %s; restarting",
                      process.returncode, report)
            quick_deaths = quick_deaths + 1 if time.monotonic() - started < 60 else 0
            if self._stopping.wait(RESTART_BACKOFF_S[min(quick_deaths, len(RESTART_BACKOFF_S) - 1)]):
                return
            self.sandbox.process = None
            started = time.monotonic()
            try:
                self.sandbox.start()
            except SandboxError as exc:
                log.error("sandbox Asterisk did not come back: %s", exc)
                continue
            self.restarts += 1
            if self.on_restart is not None:
                self.on_restart(report)

    def stop(self) -> None:
        """Stop keeping it alive, then stop it and delete its instance directory."""
        self._stopping.set()
        self.sandbox.remove()
        if self._thread is not None:
            self._thread.join(10)
