"""The two matching rules, as functions over the router's indexes (no state changes here).

A call at ladder step k may be taken by an agent meeting step k or any earlier step: relaxing
widens the pool and never narrows it.

- A call looking for an agent (arrival, next ladder step, back from RONA): among idle agents
  who may take it, skip agents the scarce-skill guard protects unless only they qualify,
  then prefer the best proficiency in the caller's dialect, then in its business line, then the
  longest idle.
- An agent looking for a call (freed up, logged in, unpaused): the waiting call with the highest
  effective wait (wait + bonus) among calls whose current step it meets, ties first come first
  served. The guard does not apply here: an idle agent never leaves a call it can take waiting.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from routing.books import Entry, Seat
from routing.indexes import BucketKey, IdleAgents, PlaceKey, WaitingQueues
from routing.ladder import Ladder, RouterConfig
from routing.skills import MAX_LEVEL
from routing.stats import ArrivalRates


def scarce_dialects(
    config: RouterConfig, idle: IdleAgents, queues: WaitingQueues, arrivals: ArrivalRates, now: float
) -> frozenset[str]:
    """Dialects with at most `scarce_idle_speakers` idle speakers and a caller waiting or due."""
    scarce = []
    for dialect in config.dialects:
        if idle.count_at_least(dialect, config.scarce_min_level) > config.scarce_idle_speakers:
            continue
        if queues.per_dialect[dialect] > 0:
            scarce.append(dialect)
        elif config.scarce_horizon_seconds > 0:
            expected = arrivals.per_second(dialect, now) * config.scarce_horizon_seconds
            if expected >= 1.0:
                scarce.append(dialect)
    return frozenset(scarce)


def is_protected(seat: Seat, call_dialect: str, scarce: frozenset[str]) -> bool:
    """Spending this agent on a caller of `call_dialect` would use up a scarce dialect's last speaker."""
    return any(dialect in scarce and dialect != call_dialect for dialect in seat.speaks)


def pick_agent(
    entry: Entry, seats: Mapping[str, Seat], idle: IdleAgents, scarce: frozenset[str], exclude: str | None
) -> Seat | None:
    """Visit idle agents by (dialect level, business level), best first; the first cell holding an
    unguarded agent who may take the call holds the answer (its longest idle). Guarded agents are
    remembered, best first, in case nobody unguarded qualifies."""
    dialect, business, bucket = entry.call.dialect, entry.call.business, entry.bucket
    dialect_floor, business_floor = level_floors(entry.ladder, entry.step, dialect, business)
    fallback: Seat | None = None
    fallback_rank: tuple[int, int, tuple[float, int]] = (0, 0, (0.0, 0))  # set with fallback
    for dialect_level in range(MAX_LEVEL, dialect_floor - 1, -1):
        for business_level in range(MAX_LEVEL, business_floor - 1, -1):
            best: Seat | None = None
            best_rank: tuple[float, int] = (0.0, 0)  # set with best
            for agent_id in idle.cell(dialect, dialect_level, business, business_level):
                seat = seats[agent_id]
                if agent_id == exclude or bucket not in seat.buckets:
                    continue
                rank = (-seat.since, -seat.seq)  # longest idle first
                if scarce and is_protected(seat, dialect, scarce):
                    full_rank = (dialect_level, business_level, rank)
                    if fallback is None or full_rank > fallback_rank:
                        fallback, fallback_rank = seat, full_rank
                elif best is None or rank > best_rank:
                    best, best_rank = seat, rank
            if best is not None:
                return best
    return fallback


@functools.cache
def level_floors(ladder: Ladder, step: int, dialect: str, business: str) -> tuple[int, int]:
    """The lowest dialect and business levels any agent allowed at `step` could have."""
    steps = ladder.steps[: step + 1]
    return (min(s.requirement.level(dialect) for s in steps), min(s.requirement.level(business) for s in steps))


def best_call_for(
    seat: Seat, queues: WaitingQueues, skip_call: str | None
) -> tuple[BucketKey, PlaceKey] | None:
    best: tuple[BucketKey, PlaceKey] | None = None
    for bucket in seat.buckets:
        place = queues.head(bucket, skip_call)
        if place is not None and (best is None or place < best[1]):
            best = (bucket, place)
    return best
