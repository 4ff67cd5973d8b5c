"""Which of two hotline services is active: a lease kept in the shared database (pure).

Exactly one service may originate calls, answer FastAGI and take ops writes. It holds a lease
row that it renews every `renew_every_s`; the database grants it only to its holder or once it
has expired (by the database's clock). The keeper below decides, from the results of those
renewals and the time, when this service may act.

Fencing without a second coordination system: the active service stops acting at
`sent_at + ttl_s - margin_s`, where `sent_at` is when it *sent* its last granted renewal (its
own monotonic clock). The database set that lease to expire `ttl_s` after it executed the
renewal, which was later than `sent_at`, so the other service cannot be granted the lease
before this one has stopped, as long as the two clocks drift apart by less than `margin_s`
over `ttl_s`. Every action asks `may_act(now)` at the moment it acts, so a service whose
database went away stops on time even if nothing else wakes it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True)
class LeaseTerms:
    # A standby takes over at most ttl_s + renew_every_s after the holder's last renewal (plus
    # its read-back of Asterisk): under the 5 s a caller on hold may notice nothing in.
    ttl_s: float = 3.0  # how long a granted lease lasts in the database
    renew_every_s: float = 0.5  # how often the holder renews, and a standby asks
    # the holder stops acting this long before its lease can expire: covers the two hosts'
    # clock drift over one lease and an action asked at the last moment reaching Asterisk
    margin_s: float = 1.0

    def __post_init__(self) -> None:
        if not 0 < self.renew_every_s < self.ttl_s - self.margin_s:
            raise ValueError("lease terms: renew_every_s must be positive and below ttl_s - margin_s")
        if self.margin_s <= 0:
            raise ValueError("lease terms: margin_s must be positive")


class Role(enum.Enum):
    STANDBY = "standby"
    ACTIVE = "active"


# What the shell reports: the result of one attempt to take or renew the lease.
@dataclass(frozen=True)
class Granted:
    sent_at: float  # when the attempt was sent (monotonic seconds)
    now: float
    epoch: int  # grows each time the lease changes hands: a fencing token for the books


@dataclass(frozen=True)
class Refused:
    now: float  # another service holds an unexpired lease


@dataclass(frozen=True)
class Failed:
    now: float  # the database did not answer (down, partitioned, timed out)
    reason: str


LeaseResult = Granted | Refused | Failed


# What the keeper tells the shell to do.
@dataclass(frozen=True)
class TryLease:
    pass


@dataclass(frozen=True)
class Activate:
    epoch: int


@dataclass(frozen=True)
class StandDown:
    reason: str


Command = TryLease | Activate | StandDown


class LeaseKeeper:
    """The lease as this service sees it. Feed it `tick(now)` at `next_wakeup()` and every
    attempt's result; carry out the commands it returns. All decisions are here."""

    def __init__(self, terms: LeaseTerms) -> None:
        self.terms = terms
        self.role = Role.STANDBY
        self.epoch = 0
        self.acting_until = float("-inf")
        self._next_try = float("-inf")
        self._in_flight = False

    def may_act(self, now: float) -> bool:
        return self.role is Role.ACTIVE and now < self.acting_until

    def next_wakeup(self) -> float:
        """When to call tick() next; infinity while only an answer can change anything."""
        deadlines = [] if self._in_flight else [self._next_try]
        if self.role is Role.ACTIVE:
            deadlines.append(self.acting_until)
        return min(deadlines, default=float("inf"))

    def tick(self, now: float) -> list[Command]:
        commands: list[Command] = []
        if self.role is Role.ACTIVE and now >= self.acting_until:
            commands.append(self._stand_down("the lease was not renewed in time"))
        if now >= self._next_try and not self._in_flight:
            self._in_flight = True
            self._next_try = now + self.terms.renew_every_s
            commands.append(TryLease())
        return commands

    def result(self, result: LeaseResult) -> list[Command]:
        self._in_flight = False
        if isinstance(result, Granted):
            until = result.sent_at + self.terms.ttl_s - self.terms.margin_s
            if until <= result.now:  # the answer came too late to act on
                return self.tick(result.now)
            self.acting_until = until
            if self.role is Role.ACTIVE and result.epoch == self.epoch:
                return []
            self.role, self.epoch = Role.ACTIVE, result.epoch
            return [Activate(result.epoch)]
        if isinstance(result, Refused) and self.role is Role.ACTIVE:
            return [self._stand_down("another service holds the lease")]
        return self.tick(result.now)

    def _stand_down(self, reason: str) -> StandDown:
        self.role = Role.STANDBY
        self.acting_until = float("-inf")
        return StandDown(reason)
