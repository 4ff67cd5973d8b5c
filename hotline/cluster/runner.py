"""The lease keeper's shell: wakes it on time, runs each attempt off the event loop, reports.

It decides nothing: `LeaseKeeper` says when to try and when this service may act. An attempt
that has not answered within `attempt_timeout_s` is reported as failed (a partitioned
database leaves the request hanging; the keeper must still stand down on time).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from hotline.cluster.lease import Activate, Command, Failed, Granted, LeaseKeeper, LeaseResult, Refused, StandDown, TryLease

log = logging.getLogger(__name__)


class LeaseRunner:
    def __init__(self, keeper: LeaseKeeper, attempt: Callable[[float], int | None], *,
                 on_activate: Callable[[int], Awaitable[None]], on_stand_down: Callable[[str], Awaitable[None]],
                 attempt_timeout_s: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.keeper = keeper
        self._attempt = attempt
        self._on_activate = on_activate
        self._on_stand_down = on_stand_down
        self._timeout = attempt_timeout_s
        self._clock = clock
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        # Attempts run on threads of their own: across a partition each one hangs until the
        # connection gives up, and they must not use up the threads the rest of the service
        # shares (asyncio.to_thread's default pool); a full pool here is a failed attempt.
        self._executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="lease")

    def may_act(self) -> bool:
        """Ask at the moment of acting (originating, answering FastAGI, writing)."""
        return self.keeper.may_act(self._clock())

    async def run(self) -> None:
        try:
            while True:
                await self._carry_out(self.keeper.tick(self._clock()))
                delay = self.keeper.next_wakeup() - self._clock()
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=max(delay, 0.0) if delay != float("inf") else None)
                except TimeoutError:
                    pass
        finally:
            for task in self._tasks:
                task.cancel()
            self._executor.shutdown(wait=False, cancel_futures=True)

    async def _carry_out(self, commands: list[Command]) -> None:
        for command in commands:
            if isinstance(command, TryLease):
                task = asyncio.create_task(self._try())
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            elif isinstance(command, Activate):
                log.warning("lease: this service is now active (epoch %d)", command.epoch)
                await self._on_activate(command.epoch)
            elif isinstance(command, StandDown):
                log.warning("lease: this service stands down: %s", command.reason)
                await self._on_stand_down(command.reason)

    async def _try(self) -> None:
        sent_at = self._clock()
        ttl = self.keeper.terms.ttl_s
        result: LeaseResult
        try:
            attempt = asyncio.get_running_loop().run_in_executor(self._executor, self._attempt, ttl)
            epoch = await asyncio.wait_for(attempt, self._timeout)
            now = self._clock()
            result = Granted(sent_at, now, epoch) if epoch is not None else Refused(now)
        except Exception as error:  # noqa: BLE001 - any failure of the database is a failed attempt
            result = Failed(self._clock(), type(error).__name__)
        await self._carry_out(self.keeper.result(result))
        self._wake.set()
