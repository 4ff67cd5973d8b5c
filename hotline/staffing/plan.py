"""The staffing plan for a day (pure): agents needed per interval and line by Erlang A (or C),
per dialect with its lines pooled, against the proposed roster, with the router simulation's
service level beside each figure.

Two readings side by side, because agents are multi-skilled:
- Erlang, single-skill: the agents a line (or a dialect's lines together) needs if they took
  only its calls. A dialect's pooled figure is what its speakers must number on the phones.
- Simulated: the router core run over the forecast with the roster, so a Zhuang agent also
  takes Mandarin calls and a Zhuang caller relaxes to Mandarin agents, as in production.
Missing = the dialect's peak pooled need minus the roster's agents who speak it (at the level
the router counts as speaking it); scheduled = that need grown by shrinkage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import time

from hotline.staffing.erlang import Load, Target, agents_needed, performance, with_shrinkage
from hotline.staffing.forecast import DayForecast, LineForecast
from hotline.staffing.simulate import SimulationResult
from routing.model import Agent


@dataclass(frozen=True)
class Need:
    interval: time
    dialect: str
    business: str  # "*": the dialect's lines pooled
    calls: float
    handle_s: float
    patience_s: float | None
    erlangs: float
    agents: int  # on the phones, to meet the target
    scheduled: int  # with shrinkage
    service_level: float  # Erlang's, at `agents`


@dataclass(frozen=True)
class DialectPlan:
    dialect: str
    target: Target
    peak_agents: int  # the most agents any interval needs on the phones (pooled)
    peak_interval: time | None
    peak_scheduled: int
    rostered: int  # roster agents who speak the dialect
    missing: int
    simulated_service_level: float | None  # the router's, with the roster
    simulated_calls: int
    missing_with_router: int | None = None  # speakers to add for the simulated level to meet the target

    @property
    def meets_target(self) -> bool | None:
        level = self.simulated_service_level
        return None if level is None else level >= self.target.level


@dataclass(frozen=True)
class StaffingPlan:
    forecast: DayForecast
    shrinkage: float
    needs: tuple[Need, ...]  # per interval: each line, then each dialect pooled ("*")
    dialects: tuple[DialectPlan, ...]
    simulation: SimulationResult | None


def _need(line: LineForecast, business: str, calls: float, handle: float, patience: float | None,
          target: Target, interval_s: float, shrinkage: float) -> Need:
    load = Load(calls, interval_s, handle, patience)
    agents = agents_needed(load, target)
    level = performance(load, agents, target.within_s).service_level
    return Need(line.interval, line.dialect, business, round(calls, 3), round(handle, 1),
                None if patience is None else round(patience, 1), round(load.erlangs, 3), agents,
                with_shrinkage(agents, shrinkage), round(level, 4))


def _pooled(lines: list[LineForecast]) -> tuple[float, float, float | None]:
    """Calls, call-weighted AHT and patience of lines served as one queue."""
    calls = sum(line.calls for line in lines)
    handle = sum(line.calls * line.handle_s for line in lines) / calls
    patient = [(line.calls, line.patience_s) for line in lines if line.patience_s is not None]
    weight = sum(calls for calls, _ in patient)
    patience = sum(calls * p for calls, p in patient) / weight if weight else None
    return calls, handle, patience


def staffing_plan(forecast: DayForecast, roster: Iterable[Agent], *, target_of: Callable[[str], Target],
                  shrinkage: float, speaks_level: int, simulation: SimulationResult | None,
                  only: Callable[[str, str], bool] = lambda d, b: True,
                  shortfall: Callable[[str, Target, int], int | None] | None = None) -> StaffingPlan:
    """`target_of(dialect)` is the target of the dialect's phone line; `only(dialect, business)`
    keeps the lines asked for; `shortfall(dialect, target, erlang_missing)`, if given, finds
    how many speakers to add for the simulated level to meet the target (asked only for the
    dialects whose simulated level falls short)."""
    interval_s = forecast.interval.total_seconds()
    agents = list(roster)
    needs: list[Need] = []
    by_slot: dict[tuple[time, str], list[LineForecast]] = {}
    for line in forecast.lines:
        if line.calls <= 0 or not only(line.dialect, line.business):
            continue
        needs.append(_need(line, line.business, line.calls, line.handle_s, line.patience_s,
                           target_of(line.dialect), interval_s, shrinkage))
        by_slot.setdefault((line.interval, line.dialect), []).append(line)
    pooled: dict[str, list[Need]] = {}
    for (_, dialect), lines in sorted(by_slot.items()):
        calls, handle, patience = _pooled(lines)
        need = _need(lines[0], "*", calls, handle, patience, target_of(dialect), interval_s, shrinkage)
        needs.append(need)
        pooled.setdefault(dialect, []).append(need)
    needs.sort(key=lambda n: (n.interval, n.dialect, n.business == "*", n.business))
    dialects = []
    for dialect, dialect_needs in sorted(pooled.items()):
        peak = max(dialect_needs, key=lambda n: n.agents)
        rostered = sum(agent.level(dialect) >= speaks_level for agent in agents)
        tally = simulation.dialect(dialect) if simulation is not None else None
        target, missing = target_of(dialect), max(0, peak.agents - rostered)
        level = None if tally is None else tally.service_level
        with_router = 0 if level is not None and level >= target.level else None
        if level is not None and level < target.level and shortfall is not None:
            with_router = shortfall(dialect, target, missing)
        dialects.append(DialectPlan(dialect, target, peak.agents, peak.interval, peak.scheduled, rostered, missing,
                                    level, 0 if tally is None else tally.offered, with_router))
    return StaffingPlan(forecast, shrinkage, tuple(needs), tuple(dialects), simulation)


def _clock(at: time | None) -> str | None:
    return None if at is None else at.strftime("%H:%M")


def plan_json(plan: StaffingPlan, targets: Mapping[str, str]) -> dict[str, object]:
    f = plan.forecast
    simulated = plan.simulation
    return {
        "date": f.day.isoformat(), "day_kind": f.kind.value,
        "reference_days": [d.isoformat() for d in f.reference_days],
        "interval_minutes": int(f.interval.total_seconds() // 60), "shrinkage": plan.shrinkage, "targets": dict(targets),
        "basis": ("agents = fewest on the phones meeting the target by Erlang A (Erlang C where nobody abandoned), "
                  "each line alone and each dialect's lines pooled; scheduled = agents / (1 - shrinkage); "
                  "simulated = the router core over the forecast with the roster"),
        "dialects": [{
            "dialect": d.dialect, "target": str(d.target), "peak_agents": d.peak_agents,
            "peak_interval": _clock(d.peak_interval), "peak_scheduled": d.peak_scheduled, "rostered": d.rostered,
            "missing": d.missing, "missing_with_router": d.missing_with_router, "simulated_service_level": None if d.simulated_service_level is None
            else round(d.simulated_service_level, 4), "simulated_calls": d.simulated_calls,
            "meets_target": d.meets_target,
        } for d in plan.dialects],
        "simulated_lines": [] if simulated is None else [{
            "dialect": dialect, "business": business, "offered": t.offered, "answered": t.answered,
            "abandoned": t.abandoned, "service_level": None if t.service_level is None else round(t.service_level, 4),
        } for (dialect, business), t in sorted(simulated.lines.items())],
        "intervals": [{
            "interval_start": n.interval.strftime("%H:%M"), "dialect": n.dialect, "business": n.business,
            "calls": n.calls, "aht_s": n.handle_s, "patience_s": n.patience_s, "erlangs": n.erlangs,
            "agents": n.agents, "scheduled": n.scheduled, "erlang_service_level": n.service_level,
        } for n in plan.needs],
    }
