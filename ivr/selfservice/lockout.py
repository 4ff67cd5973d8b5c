"""When wrong PINs lock a person out of self-service, and what a PIN check tells the flow.

The rule: `max_failures` wrong PINs within a sliding `window` lock self-service for that
person for `lock_duration`. A correct PIN clears the failures counted so far, and so does a
lock (the count starts afresh once the lock has run out). All of it is configurable because
provinces set their own figures; the defaults are the hotline's (3 within 24 h, locked 24 h).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 3
    window: timedelta = timedelta(hours=24)
    lock_duration: timedelta = timedelta(hours=24)

    def __post_init__(self) -> None:
        if self.max_failures < 1:
            raise ValueError("max_failures must be at least 1")
        if self.window <= timedelta(0) or self.lock_duration <= timedelta(0):
            raise ValueError("window and lock_duration must be positive")


@dataclass(frozen=True)
class PinAccepted:
    """The PIN matched; the person is verified for this call."""


@dataclass(frozen=True)
class PinRejected:
    """The PIN did not match; `attempts_left` more wrong PINs (within the window) lock."""

    attempts_left: int


@dataclass(frozen=True)
class PinLocked:
    """Self-service is locked for this person until `until` (UTC); offer an agent."""

    until: datetime


PinOutcome = PinAccepted | PinRejected | PinLocked


def lock_in_force(lock_ends: Iterable[datetime], now: datetime) -> PinLocked | None:
    """The lock that still holds at `now`, if any (the latest-ending one)."""
    holding = [end for end in lock_ends if end > now]
    return PinLocked(max(holding)) if holding else None


def after_wrong_pin(
    policy: LockoutPolicy, failures: Iterable[datetime], now: datetime
) -> PinRejected | PinLocked:
    """Decide the outcome of a wrong PIN; `failures` includes the one just made at `now`."""
    since = now - policy.window
    recent = sum(1 for at in failures if since < at <= now)
    if recent >= policy.max_failures:
        return PinLocked(now + policy.lock_duration)
    return PinRejected(policy.max_failures - recent)
