"""Recording at run time (the shell): storage checks, the dialplan's switches, registration of
each file, retention purges.

    desk = RecordingDesk(store, policy, ami, asterisk_dir="/var/spool/asterisk/calls", lines=lambda: {...})
    desk.attach()                                  # HotlineRecording events; globals on every connect
    adapter.listeners.append(desk.on_router_event) # the agent's call ended: finish its file
    await desk.start(); ...; await desk.stop()

While the directory is writable and has room, the service sets HOTLINE_RECORD_<line>=1 for
every recorded line (and HOTLINE_RECORDING_DIR); otherwise 0, so callers are neither told nor
recorded, and nothing waits on the disk: a call never depends on it. The state is in /health
and /metrics and every change is logged.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import secrets
import wave
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hotline.db import recordings_store as recordings
from hotline.db.records_store import RecordStore
from hotline.recordings.policy import Kept, RecordingPolicy, StorageState, purge_due, safe_file_name, storage_state
from ivr.ami import AmiClient, AmiError
from ivr.userevents import Recording
from routing.events import AgentComplete

log = logging.getLogger(__name__)
PURGE_EVERY_S = 3600.0
SETTLE_S = 0.2  # a finished file's size holds still this long
SETTLE_LIMIT_S = 10.0


def utc_now() -> datetime:
    return datetime.now(UTC)


def probe(directory: Path, min_free_bytes: int) -> StorageState:
    """Can a file be written there, and is there room? (Blocking: run in a thread.)"""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        test = directory / f".probe-{secrets.token_hex(4)}"
        test.write_bytes(b"12333")
        test.unlink()
        stats = os.statvfs(directory)
    except OSError as exc:
        return storage_state(writable=False, free_bytes=None, min_free_bytes=min_free_bytes,
                             error=exc.strerror or type(exc).__name__)
    return storage_state(writable=True, free_bytes=stats.f_bavail * stats.f_frsize, min_free_bytes=min_free_bytes)


def measure(path: Path) -> tuple[float | None, int, str]:
    """(seconds of audio, bytes, sha256) of a finished WAV file. (Blocking.)"""
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    try:
        with wave.open(str(path), "rb") as audio:
            seconds: float | None = audio.getnframes() / float(audio.getframerate())
    except (wave.Error, EOFError):
        seconds = None
    return seconds, path.stat().st_size, digest.hexdigest()


class RecordingDesk:
    def __init__(self, store: RecordStore, policy: RecordingPolicy, ami: AmiClient, *, asterisk_dir: str,
                 lines: Callable[[], Iterable[str]], clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.policy = policy
        self.ami = ami
        self.directory = policy.directory
        self.asterisk_dir = asterisk_dir
        self.lines = lines  # the business lines now (a config reload may add one)
        self._published: list[str] = []
        self.clock = clock
        self.state = StorageState(False, "not checked yet")
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loop_task: asyncio.Task[None] | None = None
        self.finished = asyncio.Condition()
        self._done: set[str] = set()
        # Recordings that ended with no usable file (hotline_recordings_failed_total; the alert
        # rule HotlineRecordingFailing watches its increase). Counted once per recording.
        self.failed = 0
        self.settle_limit_s = SETTLE_LIMIT_S

    def attach(self) -> None:
        self.ami.subscribe(Recording, self._on_recording)
        self.ami.connected.connect(self.publish)

    async def start(self) -> None:
        await self.check()
        for rec in await self.store.call(recordings.unfinished):  # calls that ended while we were down
            self._spawn(self.finish(rec.call_id))
        self._loop_task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stop checking and switch recording off: with no service to register them, files would
        be orphans. Files still settling are finished at the next start (their rows say so)."""
        if self._loop_task is not None:
            self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self.state = StorageState(False, "service stopped")
        await self.publish()

    async def _run(self) -> None:
        since_purge = PURGE_EVERY_S
        while True:
            try:
                if since_purge >= PURGE_EVERY_S:
                    await self.purge()
                    since_purge = 0.0
                await asyncio.sleep(self.policy.check_seconds)
                since_purge += self.policy.check_seconds
                await self.check()
            except asyncio.CancelledError:
                raise
            except Exception:  # the loop outlives any one failure
                log.exception("recordings: check or purge failed")

    async def check(self) -> StorageState:
        state = await asyncio.to_thread(probe, self.directory, self.policy.min_free_bytes)
        if state != self.state or (self.ami.is_connected and sorted(set(self.lines())) != self._published):
            if state == self.state:
                log.info("recordings: business lines changed; switches set again")
            elif state.available:
                log.info("recordings: storage available in %s", self.directory)
            else:
                log.error("recordings: calls go on UNRECORDED: %s (%s)", state.reason, self.directory)
            self.state = state
            await self.publish()
        return state

    async def publish(self) -> None:
        """The dialplan's switches: HOTLINE_RECORD_<line> and HOTLINE_RECORDING_DIR (set after every connect)."""
        if not self.ami.is_connected:
            return
        values = {"HOTLINE_RECORDING_DIR": self.asterisk_dir}
        self._published = sorted(set(self.lines()))
        for line in self._published:
            values[f"HOTLINE_RECORD_{line}"] = "1" if self.state.available and self.policy.records(line) else "0"
        try:
            for name, value in values.items():
                await self.ami.send({"Action": "Setvar", "Variable": name, "Value": value})
        except AmiError as exc:  # set again on the next connect or state change
            log.warning("recordings: could not set the dialplan's switches: %s", exc)

    def _on_recording(self, event: Recording) -> None:
        call_id = event.call_id
        file_name = safe_file_name(call_id)
        if file_name is None:
            log.warning("recordings: ignored a recording with an unsafe call id")
            return
        at = self.clock()
        agent, business = event.agent, event.business
        self._spawn(self.store.call(lambda s: recordings.register(s, call_id, agent, business, file_name, at)))

    def on_router_event(self, event: object) -> None:
        if isinstance(event, AgentComplete):
            self._spawn(self.finish(event.call_id))

    def _spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def finish(self, call_id: str) -> None:
        """Register the finished file's length, size and checksum once Asterisk has closed it."""
        file_name = safe_file_name(call_id)
        if file_name is None:
            return
        path = self.directory / file_name
        measured: tuple[float | None, int, str] | None = None
        try:
            async with asyncio.timeout(self.settle_limit_s):
                last = -1
                while True:
                    size = path.stat().st_size if path.exists() else -1
                    if size == last and size >= 0:
                        break
                    last = size
                    await asyncio.sleep(SETTLE_S)
            measured = await asyncio.to_thread(measure, path)
        except (TimeoutError, OSError) as exc:
            log.warning("recordings: call %s has no usable file (%s)", call_id, type(exc).__name__)
        seconds, size_bytes, sha = measured if measured else (None, None, None)
        status = await self.store.call(lambda s: recordings.finish(s, call_id, duration_s=seconds,
                                                                   size_bytes=size_bytes, sha256=sha))
        if status == recordings.MISSING:
            self.failed += 1
        async with self.finished:
            self._done.add(call_id)
            self.finished.notify_all()

    async def wait_finished(self, call_id: str, timeout: float = 15.0) -> None:
        async with self.finished, asyncio.timeout(timeout):
            await self.finished.wait_for(lambda: call_id in self._done)

    async def purge(self) -> list[str]:
        """Delete recordings past their line's retention; each purge is in the audit trail."""
        now = self.clock()
        shortest = min([self.policy.default.retention_days, *(p.retention_days for p in self.policy.lines.values())])
        candidates = await self.store.call(
            lambda s: recordings.kept_before(s, now - timedelta(days=shortest)))
        due = purge_due([Kept(r.call_id, r.business, r.started_at) for r in candidates], self.policy, now)
        purged = []
        for kept in due:
            path = self.directory / (safe_file_name(kept.call_id) or "")
            try:
                await asyncio.to_thread(path.unlink, missing_ok=True)
            except OSError as exc:
                log.warning("recordings: could not delete %s: %s", path.name, exc)
                continue
            detail = (f"call {kept.call_id} ({kept.business}), recorded {kept.started_at:%Y-%m-%d}, "
                      f"retention {self.policy.of(kept.business).retention_days} days")
            await self.store.call(lambda s, k=kept, d=detail: recordings.mark_purged(s, k.call_id, now, d))
            purged.append(kept.call_id)
        if purged:
            log.info("recordings: purged %d past their retention", len(purged))
        return purged
