"""This service's role in an active/standby pair, as the rest of the service asks it.

`ServiceRole.single()`: one service, no lease, always active (SQLite or a lone PostgreSQL
set-up). `ServiceRole.leased(...)`: the lease decides (hotline.cluster.lease); every place
that acts asks `may_act()` at the moment it acts, so a service whose lease lapsed stops even
if its stand-down has not run yet. The lease's epoch is kept here for `/health` and for writes
that could race the other service.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from hotline.cluster.lease import LeaseKeeper, LeaseTerms, Role
from hotline.cluster.runner import LeaseRunner

log = logging.getLogger("hotline.cluster")


class ServiceRole:
    def __init__(self, runner: LeaseRunner | None, *, clock: Callable[[], float] = time.monotonic,
                 release: Callable[[], None] | None = None) -> None:
        self._runner = runner
        self._release = release
        self._clock = clock
        self._task: asyncio.Task[None] | None = None
        self.activated: list[Callable[[int], Awaitable[None]]] = []  # run in order on Activate
        self.standing_down: list[Callable[[str], Awaitable[None]]] = []  # run in order on StandDown
        self.takeovers = 0  # how many times this service became active
        self._turning = asyncio.Lock()
        self._held = False  # stopped while active: the lease is still ours to release  # an activation and a stand-down never interleave

    @classmethod
    def single(cls) -> ServiceRole:
        return cls(None)

    @classmethod
    def leased(cls, attempt: Callable[[float], int | None], terms: LeaseTerms, *,
               attempt_timeout_s: float = 1.0, release: Callable[[], None] | None = None) -> ServiceRole:
        role = cls(None, release=release)
        role._runner = LeaseRunner(LeaseKeeper(terms), attempt, on_activate=role._activate,
                                   on_stand_down=role._stand_down, attempt_timeout_s=attempt_timeout_s)
        return role

    @property
    def clustered(self) -> bool:
        return self._runner is not None

    def may_act(self) -> bool:
        """Ask at the moment of acting (originating, answering FastAGI, writing)."""
        return self._runner is None or self._runner.may_act()

    @property
    def epoch(self) -> int | None:
        return self._runner.keeper.epoch if self._runner is not None else None

    @property
    def terms(self) -> LeaseTerms | None:
        return self._runner.keeper.terms if self._runner is not None else None

    def lease_age(self) -> float | None:
        """Seconds since this service sent its last granted renewal; None when it holds none."""
        if self._runner is None or self._runner.keeper.role is not Role.ACTIVE:
            return None
        terms = self._runner.keeper.terms
        sent_at = self._runner.keeper.acting_until - (terms.ttl_s - terms.margin_s)
        return max(0.0, self._clock() - sent_at)

    def as_json(self) -> dict[str, Any]:
        if self._runner is None:
            return {"role": "active", "clustered": False, "epoch": None, "lease_age_s": None}
        age = self.lease_age()
        return {"role": "active" if self.may_act() else "standby", "clustered": True, "epoch": self.epoch,
                "lease_age_s": None if age is None else round(age, 3)}

    async def start(self) -> None:
        """Single: active at once. Leased: standby until the lease is granted."""
        if self._runner is None:
            await self._activate(0)
            return
        self._task = asyncio.create_task(self._runner.run(), name="service-lease")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
            if self._runner is not None and self._runner.keeper.role is Role.ACTIVE:
                self._runner.keeper.role = Role.STANDBY  # stopping: act no more
                self._held = True

    async def release(self) -> None:
        """After a clean stop (nothing acts any more): hand the lease over now rather than at
        its expiry. A failure only means the standby waits for the expiry."""
        if self._release is None or not self._held:
            return
        self._held = False
        try:
            async with asyncio.timeout(1.0):
                await asyncio.to_thread(self._release)
            log.info("lease released for the standby")
        except Exception as exc:  # noqa: BLE001 - the lease expires by itself
            log.warning("lease not released (%s): the standby takes over at its expiry", type(exc).__name__)

    async def _activate(self, epoch: int) -> None:
        async with self._turning:
            self.takeovers += 1
            await self._run(self.activated, epoch)

    async def _stand_down(self, reason: str) -> None:
        async with self._turning:  # after an activation in progress: then undo all of it
            await self._run(self.standing_down, reason)

    @staticmethod
    async def _run(hooks: list[Callable[[Any], Awaitable[None]]], argument: object) -> None:
        for hook in hooks:
            try:
                await hook(argument)
            except Exception:  # one part failing must not keep the others from starting or stopping
                log.exception("role change: step %s failed", getattr(hook, "__name__", hook))
