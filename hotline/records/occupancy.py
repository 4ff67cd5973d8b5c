"""Occupancy of the agents who could take a line, per interval (pure).

An agent's states come as spans (from the router's QueueMemberStatus events, kept in the
database by hotline.records.agent_spans). Per interval and agent:
- staffed: logged in and not paused (available, ringing, on a call, in wrap-up)
- busy: ringing, on a call or in wrap-up (the agent cannot take another call)
Occupancy of a set of agents = their busy seconds / their staffed seconds (None: nobody staffed).
The agents who could take a line (dialect, business) are those meeting a step of its ladder
that a caller reaches within the line's service-level target (the agents who could answer its
callers in time: the first step always; not the late relaxations to any Mandarin speaker, which
would make every line's figure the whole centre's), with the roster's proficiencies now. A
dialect's, a phone line's and the overall cell take the agents who could take any of their lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from hotline.records.intervals import Cell, IntervalReport
from routing.ladder import RouterConfig

BUSY = frozenset({"offered", "on_call", "wrap_up"})
STAFFED = BUSY | {"available"}


@dataclass(frozen=True)
class Span:
    agent: str
    state: str  # routing.AgentState's value
    start: datetime
    end: datetime | None  # None: still in that state


@dataclass(frozen=True)
class AgentSeconds:
    busy: float = 0.0
    staffed: float = 0.0


def agent_seconds(spans: Iterable[Span], start: datetime, end: datetime, interval: timedelta,
                  now: datetime) -> dict[tuple[int, str], AgentSeconds]:
    """Busy and staffed seconds per (interval index, agent) in [start, end); open spans end `now`."""
    out: dict[tuple[int, str], AgentSeconds] = {}
    for span in spans:
        if span.state not in STAFFED:
            continue
        first, last = max(span.start, start), min(span.end or now, end)
        while first < last:
            index = (first - start) // interval
            cut = min(last, start + (index + 1) * interval)
            seconds = (cut - first).total_seconds()
            was = out.get((index, span.agent), AgentSeconds())
            out[(index, span.agent)] = AgentSeconds(was.busy + (seconds if span.state in BUSY else 0.0),
                                                    was.staffed + seconds)
            first = cut
    return out


def could_take(config: RouterConfig, proficiencies: Mapping[str, Mapping[str, int]],
               within_s: Callable[[str], float]) -> dict[tuple[str, str], frozenset[str]]:
    """Per line, the agents meeting a step of its ladder reached within `within_s(dialect)`."""
    return {(dialect, business): frozenset(
                agent for agent, skills in proficiencies.items()
                if any(step.requirement.met_by(skills) for step in ladder.steps if step.after <= within_s(dialect)))
            for (dialect, business), ladder in config.ladders.items()}


def occupancy(seconds: Mapping[tuple[int, str], AgentSeconds], index: int, agents: Iterable[str]) -> float | None:
    busy = staffed = 0.0
    for agent in agents:
        got = seconds.get((index, agent))
        if got is not None:
            busy += got.busy
            staffed += got.staffed
    return busy / staffed if staffed > 0 else None


def with_occupancy(report: IntervalReport, seconds: Mapping[tuple[int, str], AgentSeconds],
                   takers: Mapping[tuple[str, str], frozenset[str]],
                   phone_line_of: Mapping[str, str]) -> IntervalReport:
    """The report with each cell's occupancy of the agents who could take its calls."""
    def agents_of(cell: Cell) -> frozenset[str]:
        chosen: set[str] = set()
        for (dialect, business), agents in takers.items():
            if ((cell.level == "line" and (dialect, business) == (cell.dialect, cell.business))
                    or (cell.level == "dialect" and dialect == cell.dialect)
                    or (cell.level == "phone_line" and phone_line_of.get(dialect, dialect) == cell.phone_line)
                    or cell.level == "all"):
                chosen |= agents
        return frozenset(chosen)

    cache: dict[tuple[str, str, str, str], frozenset[str]] = {}
    cells = []
    for cell in report.cells:
        key = (cell.level, cell.phone_line, cell.dialect, cell.business)
        if key not in cache:
            cache[key] = agents_of(cell)
        index = (cell.start - report.start) // report.interval
        cells.append(replace(cell, occupancy=occupancy(seconds, index, cache[key])))
    return replace(report, cells=tuple(cells))
