"""When the service is saturated: how late the event loop runs, and the rule that sheds new
self-service callers (to an agent, with a short notice) so callers already in a flow are
served first.

    lag = LoopLag(); lag.start()                 # a task measuring the loop's lateness
    policy = OverloadPolicy(max_sessions=400, max_loop_lag=0.25)
    policy.saturated(server.stats.active, lag.recent())   # pure
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class OverloadPolicy:
    """Saturated when FastAGI sessions in progress or the event loop's lag pass a limit."""

    max_sessions: int = 400
    max_loop_lag: float = 0.25  # seconds, mean: a caller hears about this much more silence a step

    def saturated(self, sessions: int, loop_lag: float) -> bool:
        return sessions > self.max_sessions or loop_lag > self.max_loop_lag


class LoopLag:
    """How late the event loop runs: a task asks to wake every `interval` and records how much
    later it woke. `recent()` is the mean lag of the wake-ups in the last `window` seconds:
    a loop that is late at every turn is saturated; one hiccup (a collection, a moment of
    a busy neighbour) is not, and shedding callers for it would turn away callers the
    service had time for (the SIP bench on a shared 2-core machine did, with the worst lag)."""

    def __init__(self, interval: float = 0.05, window: float = 2.0) -> None:
        self.interval, self.window = interval, window
        self.last = 0.0
        self._samples: deque[tuple[float, float]] = deque()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="loop-lag")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def recent(self) -> float:
        if not self._samples:
            return 0.0
        horizon = asyncio.get_running_loop().time() - self.window
        lags = [lag for at, lag in self._samples if at >= horizon]
        return sum(lags) / len(lags) if lags else 0.0

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            asked = loop.time()
            await asyncio.sleep(self.interval)
            woke = loop.time()
            self.last = max(0.0, woke - asked - self.interval)
            self._samples.append((woke, self.last))
            while self._samples and self._samples[0][0] < woke - self.window:
                self._samples.popleft()
