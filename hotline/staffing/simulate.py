"""A day at the centre, simulated through the real router core (routing.Router), pure.

    result = simulate_day(forecast, roster, router_config, within_s=..., short_abandon_s=5, seed=1)
    result.lines[("zhuang", "pension")].service_level

Erlang treats every line as its own agents. The router does not: a Zhuang agent also takes
Mandarin calls, and a Zhuang caller relaxes to Mandarin agents after a while. So the forecast
(calls per interval, handle times, patience) drives the router with a proposed roster, and the
service level per line is counted from what the router did, as the interval report counts it.

Callers arrive as a Poisson process at each interval's forecast rate; talk times are
exponential with the forecast AHT less the line's wrap-up (the router adds wrap-up itself);
patience is exponential with the forecast mean (none: callers wait on). Agents answer an offer
at once. Callers never take a callback offer (they hold on until answered or out of patience).
Every agent on the roster is logged in all day. Seeded: the same inputs give the same day.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import time

from hotline.staffing.forecast import DayForecast, Line
from routing import Router
from routing.decisions import Offer
from routing.events import AgentConnect, QueueCallerAbandon
from routing.ladder import RouterConfig
from routing.model import Agent, Call, Party

DRAIN_S = 4 * 3600.0  # after the last arrival, how long callers still waiting are followed


@dataclass
class LineTally:
    offered: int = 0
    answered: int = 0
    answered_in_time: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    wait_s: float = 0.0  # answered and abandoned

    @property
    def service_level(self) -> float | None:
        base = self.offered - self.short_abandoned
        return self.answered_in_time / base if base > 0 else None

    def add(self, other: LineTally) -> None:
        self.offered += other.offered
        self.answered += other.answered
        self.answered_in_time += other.answered_in_time
        self.abandoned += other.abandoned
        self.short_abandoned += other.short_abandoned
        self.wait_s += other.wait_s


@dataclass
class SimulationResult:
    lines: dict[Line, LineTally] = field(default_factory=dict)
    calls: int = 0
    commands: int = 0  # router commands issued

    def dialect(self, dialect: str) -> LineTally:
        total = LineTally()
        for (d, _), tally in self.lines.items():
            if d == dialect:
                total.add(tally)
        return total


def _seconds(at: time) -> float:
    return at.hour * 3600 + at.minute * 60 + at.second + at.microsecond / 1e6


def arrivals(forecast: DayForecast, rng: random.Random) -> list[tuple[float, str, str, float, float]]:
    """(arrival s after midnight, dialect, business, talk s, patience s) for the whole day."""
    span = forecast.interval.total_seconds()
    out = []
    for line in forecast.lines:
        if line.calls <= 0:
            continue
        start, rate = _seconds(line.interval), line.calls / span
        at = start + rng.expovariate(rate)
        while at < start + span:
            out.append((at, line.dialect, line.business, line.handle_s,
                        rng.expovariate(1 / line.patience_s) if line.patience_s else math.inf))
            at += rng.expovariate(rate)
    out.sort()
    return out


def simulate_day(forecast: DayForecast, roster: Iterable[Agent], config: RouterConfig, *,
                 within_s: Callable[[str], float], short_abandon_s: float, seed: int = 12333) -> SimulationResult:
    rng = random.Random(seed)
    router = Router(config)
    result = SimulationResult()
    calls = arrivals(forecast, rng)
    if not calls:
        return result
    start = calls[0][0]
    for agent in roster:
        router.login(agent, start)
        result.commands += 1
    line_of: dict[str, Line] = {}
    talk_of: dict[str, float] = {}
    # pending events: (time, order, kind, call id); kinds: 0 arrive, 1 give up, 2 agent hangs up
    pending: list[tuple[float, int, int, str]] = []
    for n, (at, dialect, business, handle, patience) in enumerate(calls):
        call_id = f"sim-{n}"
        line_of[call_id] = (dialect, business)
        talk_of[call_id] = max(1.0, rng.expovariate(1 / max(1.0, handle - config.wrap_up(business))))
        pending.append((at, n, 0, call_id))
        if math.isfinite(patience):
            pending.append((at + patience, n, 1, call_id))
    heapq.heapify(pending)
    for line in set(line_of.values()):
        result.lines[line] = LineTally()
    result.calls = len(calls)
    horizon = calls[-1][0] + DRAIN_S
    order = len(calls)
    connected: set[str] = set()

    def carry_out(outcome_events: Sequence[object], decisions: Sequence[object], now: float) -> None:
        nonlocal order
        for event in outcome_events:
            if isinstance(event, AgentConnect):
                connected.add(event.call_id)
                tally = result.lines[line_of[event.call_id]]
                tally.answered += 1
                tally.answered_in_time += event.hold_time <= within_s(line_of[event.call_id][0])
                tally.wait_s += event.hold_time
                order += 1
                heapq.heappush(pending, (now + talk_of[event.call_id], order, 2, event.call_id))
            elif isinstance(event, QueueCallerAbandon):
                tally = result.lines[line_of[event.call_id]]
                tally.abandoned += 1
                tally.short_abandoned += event.wait < short_abandon_s
                tally.wait_s += event.wait
        for decision in decisions:
            if isinstance(decision, Offer):  # the agent answers at once
                answer = router.answered(decision.call_id, decision.agent_id, now)
                result.commands += 1
                carry_out(answer.events, answer.decisions, now)

    while pending or router.next_timer() is not None:
        timer = router.next_timer()
        if pending and (timer is None or pending[0][0] <= timer):
            now, _, kind, call_id = heapq.heappop(pending)
            if kind == 0:
                dialect, business = line_of[call_id]
                result.lines[(dialect, business)].offered += 1
                outcome = router.arrive(Call(call_id, call_id, dialect, business, "", enqueue_time=now), now)
            elif kind == 1:
                if call_id in connected:
                    continue  # already talking: patience no longer matters
                outcome = router.hangup(call_id, now, Party.CALLER)  # ignored once gone
            else:
                outcome = router.hangup(call_id, now, Party.AGENT)
        else:
            assert timer is not None
            now = timer
            if now > horizon:
                break
            outcome = router.tick(now)
        result.commands += 1
        carry_out(outcome.events, outcome.decisions, now)
    return result



def router_shortfall(forecast: DayForecast, roster: Sequence[Agent], config: RouterConfig, dialect: str, *,
                     level: float, within_s: Callable[[str], float], short_abandon_s: float, seed: int,
                     start_at: int = 0, max_extra: int = 30) -> int | None:
    """How many more agents who speak `dialect` (fluent, Mandarin too, every business line the
    dialect's callers ask for) the roster needs for the simulated service level of the dialect
    to reach `level`; None if `max_extra` are not enough. Tries `start_at` first (the Erlang
    figure is a good first guess), then walks up or down one agent at a time."""
    businesses = sorted({line.business for line in forecast.lines if line.dialect == dialect})
    skills = {dialect: 5, "mandarin": 5, **dict.fromkeys(businesses, 4)}

    def meets(extra: int) -> bool:
        added = [Agent(f"extra-{dialect}-{n}", f"extra {n}", f"Local/extra-{n}", skills) for n in range(extra)]
        tally = simulate_day(forecast, [*roster, *added], config, within_s=within_s,
                             short_abandon_s=short_abandon_s, seed=seed).dialect(dialect)
        return tally.service_level is None or tally.service_level >= level

    extra = max(0, min(start_at, max_extra))
    if meets(extra):
        while extra > 0 and meets(extra - 1):
            extra -= 1
        return extra
    while extra < max_extra:
        extra += 1
        if meets(extra):
            return extra
    return None
