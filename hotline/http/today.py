"""Today's figures per line and per agent, accumulated from router events (pure, no I/O).

A "day" is the calendar day in Asia/Shanghai (all Guangxi centres keep Beijing time): the
first event or query of a new day starts from zero. Definitions, as supervisors read them:

- offered: callers who joined the line's queue today (restored ones included: a restart
  loses the counts, so the caller still waiting is counted again once)
- answered / abandoned: callers connected to an agent / who hung up before one answered
- service level: answered within 20 s of joining, over answered (None until one is answered)
- average speed of answer: mean wait of the answered callers
- abandonment rate: abandoned over (answered + abandoned), the callers whose wait ended
- an agent's handle time: talk time plus the wrap-up that followed
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from routing.events import (
    AgentComplete,
    AgentConnect,
    CallEnded,
    QueueCallerAbandon,
    QueueCallerJoin,
    QueueMemberStatus,
    RouterEvent,
)
from routing.model import AgentState, GoneReason

CENTRE_TIME = ZoneInfo("Asia/Shanghai")
SERVICE_LEVEL_SECONDS = 20.0
Line = tuple[str, str]  # (dialect, business)


def centre_day(at: float) -> date:
    return datetime.fromtimestamp(at, CENTRE_TIME).date()


@dataclass
class LineDay:
    offered: int = 0
    answered: int = 0
    answered_in_time: int = 0
    abandoned: int = 0
    total_answer_wait: float = 0.0

    @property
    def service_level(self) -> float | None:
        return self.answered_in_time / self.answered if self.answered else None

    @property
    def average_speed_of_answer(self) -> float | None:
        return self.total_answer_wait / self.answered if self.answered else None

    @property
    def abandonment_rate(self) -> float | None:
        ended = self.answered + self.abandoned
        return self.abandoned / ended if ended else None


@dataclass
class AgentDay:
    handled: int = 0
    total_handle_time: float = 0.0

    @property
    def average_handle_time(self) -> float | None:
        return self.total_handle_time / self.handled if self.handled else None


@dataclass
class TodayStats:
    day: date | None = None
    lines: dict[Line, LineDay] = field(default_factory=dict)
    agents: dict[str, AgentDay] = field(default_factory=dict)
    # not reset at midnight: a call that joined yesterday and is answered today belongs to its line
    _call_lines: dict[str, Line] = field(default_factory=dict)
    _wrap_up_since: dict[str, float] = field(default_factory=dict)

    def _roll(self, at: float) -> None:
        today = centre_day(at)
        if today != self.day:
            self.day, self.lines, self.agents = today, {}, {}

    def line(self, line: Line, now: float) -> LineDay:
        self._roll(now)
        return self.lines.get(line) or LineDay()

    def agent(self, agent_id: str, now: float) -> AgentDay:
        self._roll(now)
        return self.agents.get(agent_id) or AgentDay()

    def record(self, event: RouterEvent) -> None:
        self._roll(event.time)
        match event:
            case QueueCallerJoin():
                line = (event.dialect, event.business)
                if event.call_id not in self._call_lines:  # (a callback tried again was offered once)
                    self._call_lines[event.call_id] = line
                    self._line(line).offered += 1
            case AgentConnect():
                if (line := self._call_lines.get(event.call_id)) is not None:
                    day = self._line(line)
                    day.answered += 1
                    day.answered_in_time += event.hold_time <= SERVICE_LEVEL_SECONDS
                    day.total_answer_wait += event.hold_time
            case QueueCallerAbandon():
                self._line((event.dialect, event.business)).abandoned += 1
            case AgentComplete():
                agent = self.agents.setdefault(event.agent_id, AgentDay())
                agent.handled += 1
                agent.total_handle_time += event.talk_time
            case QueueMemberStatus():
                if event.state is AgentState.WRAP_UP:
                    self._wrap_up_since[event.agent_id] = event.time
                elif event.previous is AgentState.WRAP_UP and event.agent_id in self._wrap_up_since:
                    wrap_up = event.time - self._wrap_up_since.pop(event.agent_id)
                    self.agents.setdefault(event.agent_id, AgentDay()).total_handle_time += max(0.0, wrap_up)
            case CallEnded() if event.reason is not GoneReason.UNANSWERED:  # (it may be tried again)
                self._call_lines.pop(event.call_id, None)

    def _line(self, line: Line) -> LineDay:
        return self.lines.setdefault(line, LineDay())
