"""The staffing simulation's speed: a Guangxi day (every dialect and business line, a roster of
160 multi-skilled agents) driven through the real router core.

The figure is simulated calls per second of wall time. Baseline, same run: the simulated day's
own arrival rate in real time, so the ratio is how many times faster than real time a planner
sees a day.
"""

from __future__ import annotations

import random
import time as clock
from datetime import date, time, timedelta

from bench.results import Record, cpu_ticks, steal_percent
from hotline.hours.calendar import DayKind
from hotline.staffing.forecast import DayForecast, LineForecast
from hotline.staffing.simulate import simulate_day
from routing.guangxi import default_config
from routing.model import Agent
from routing.skills import BUSINESS_LINES, DIALECTS

RUNS = 3


def _forecast() -> DayForecast:
    lines = []
    for half_hour in range(17, 36):  # 08:30-18:00
        at = time(half_hour // 2, 30 * (half_hour % 2))
        for business in BUSINESS_LINES:
            lines.append(LineForecast(at, "mandarin", business, 25.0, 300.0, 180.0))
            if time(9) <= at < time(12) or time(14, 30) <= at < time(17, 30):
                lines.extend(LineForecast(at, dialect, business, 3.0, 330.0, 150.0) for dialect in DIALECTS[1:])
    return DayForecast(date(2026, 12, 8), DayKind.WORKDAY, (), timedelta(minutes=30), tuple(lines))


def _roster(rng: random.Random) -> list[Agent]:
    agents = []
    for n in range(160):
        skills = {"mandarin": rng.randint(3, 5)}
        if n % 4 == 0:
            skills[rng.choice(DIALECTS[1:])] = rng.randint(2, 5)
        for business in rng.sample(BUSINESS_LINES, 4):
            skills[business] = rng.randint(1, 5)
        agents.append(Agent(f"a{n}", f"a{n}", f"Local/a{n}", skills))
    return agents


def run() -> list[Record]:
    forecast, agents, config = _forecast(), _roster(random.Random(12333)), default_config()
    ticks = cpu_ticks()
    rates, calls, commands = [], 0, 0
    for seed in range(RUNS):
        began = clock.perf_counter()
        result = simulate_day(forecast, agents, config, within_s=lambda d: 20, short_abandon_s=5, seed=seed)
        rates.append(result.calls / (clock.perf_counter() - began))
        calls, commands = result.calls, result.commands
    steal = steal_percent(ticks, cpu_ticks())
    day_s = (18 - 8.5) * 3600
    return [Record("staffing simulation, a Guangxi day through the router core", sorted(rates)[len(rates) // 2],
                   "calls/s", "the day's own arrival rate in real time", calls / day_s,
                   {"calls": calls, "router_commands": commands, "agents": len(agents), "runs": RUNS,
                    "cpu_steal_percent": steal})]
