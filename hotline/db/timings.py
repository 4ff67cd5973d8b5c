"""Where a database call's time goes: waiting for a thread, for a pooled connection, running
its statements, committing. Kept for the last calls only (bounded), read by the SIP bench
and /metrics-style tools; recording one call costs one deque append.

    timings = DbTimings()
    ... timings.record("verify_pin", queued=0.001, checkout=0.0002, statements=0.003, commit=0.004)
    timings.drain()   # {"verify_pin": [(queued, checkout, statements, commit), ...]}, and empties
"""

from __future__ import annotations

import time
from collections import deque
from typing import NamedTuple

KEEP = 20_000  # calls kept: a bench phase's worth (a few per caller), bounded whatever runs


class DbCall(NamedTuple):
    operation: str
    queued: float  # submitted to the executor -> a thread took it, seconds
    checkout: float  # the connection from the pool (or a new one)
    statements: float
    commit: float


class DbTimings:
    def __init__(self, keep: int = KEEP) -> None:
        self._calls: deque[DbCall] = deque(maxlen=keep)  # append is atomic: any thread records

    def record(self, operation: str, queued: float, checkout: float, statements: float, commit: float) -> None:
        self._calls.append(DbCall(operation, queued, checkout, statements, commit))

    def drain(self) -> list[DbCall]:
        """The calls recorded since the last drain, oldest first."""
        out = []
        while self._calls:
            out.append(self._calls.popleft())
        return out


class Stopwatch:
    """Laps of one call on one thread: `lap()` returns the seconds since the previous lap."""

    __slots__ = ("_last",)

    def __init__(self, start: float | None = None) -> None:
        self._last = time.perf_counter() if start is None else start

    def lap(self) -> float:
        now = time.perf_counter()
        elapsed, self._last = now - self._last, now
        return elapsed
