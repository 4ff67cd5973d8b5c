"""Recent history the decisions lean on: per-dialect arrival rates, per-line handle times."""

from __future__ import annotations

from collections import defaultdict, deque


class ArrivalRates:
    def __init__(self, window_seconds: float) -> None:
        self.window = window_seconds
        self._times: dict[str, deque[float]] = defaultdict(deque)

    def record(self, dialect: str, at: float) -> None:
        self._times[dialect].append(at)

    def per_second(self, dialect: str, now: float) -> float:
        times = self._times[dialect]
        while times and times[0] < now - self.window:
            times.popleft()
        return len(times) / self.window if self.window > 0 else 0.0


class HandleTimes:
    """Mean of the last `samples` handle times (talk + wrap-up) per business line."""

    def __init__(self, samples: int, default_seconds: float) -> None:
        self.default = default_seconds
        self._recent: dict[str, deque[float]] = defaultdict(lambda: deque(maxlen=samples))

    def record(self, business: str, seconds: float) -> None:
        self._recent[business].append(seconds)

    def mean(self, business: str) -> float:
        recent = self._recent.get(business)
        return sum(recent) / len(recent) if recent else self.default
