"""What happened, for metrics and audit. Names follow Asterisk app_queue's AMI events where one fits.

Events carry masked caller numbers only. `time` is when it happened in the router's clock: a timer
(ladder step, wrap-up end) fires at its due time even if the shell ticks later.
"""

from __future__ import annotations

from dataclasses import dataclass

from routing.model import AgentState, GoneReason, Party, PauseReason


@dataclass(frozen=True, slots=True)
class RouterEvent:
    time: float


@dataclass(frozen=True, slots=True)
class QueueCallerJoin(RouterEvent):
    call_id: str
    dialect: str
    business: str
    caller: str  # masked
    restored: bool  # re-added after a restart with its original enqueue time


@dataclass(frozen=True, slots=True)
class QueueCallerStepChanged(RouterEvent):
    call_id: str
    from_step: int
    to_step: int
    requirement: str
    # "timeout" (waited long enough), "unmeetable" (no logged-in agent could meet it) or
    # "callback" (back to the last step that asks for the caller's dialect)
    reason: str


@dataclass(frozen=True, slots=True)
class QueueCallerCallback(RouterEvent):
    """The caller hung up to be called back; the call keeps its place at ladder step `step`."""

    call_id: str
    step: int


@dataclass(frozen=True, slots=True)
class CallbackUnanswered(RouterEvent):
    """The agent took a callback but the caller did not pick up; the call leaves the books."""

    call_id: str
    agent_id: str


@dataclass(frozen=True, slots=True)
class AgentCalled(RouterEvent):
    call_id: str
    agent_id: str
    step: int
    wait: float


@dataclass(frozen=True, slots=True)
class AgentRingNoAnswer(RouterEvent):
    call_id: str
    agent_id: str
    ring_time: float
    misses: int  # consecutive, including this one
    reason: str  # "no_answer", "rejected", "busy", "unreachable", "expired"


@dataclass(frozen=True, slots=True)
class AgentConnect(RouterEvent):
    call_id: str
    agent_id: str
    hold_time: float
    ring_time: float


@dataclass(frozen=True, slots=True)
class AgentComplete(RouterEvent):
    call_id: str
    agent_id: str
    hold_time: float
    talk_time: float
    reason: Party  # who hung up


@dataclass(frozen=True, slots=True)
class QueueCallerAbandon(RouterEvent):
    call_id: str
    dialect: str
    business: str
    step: int
    wait: float


@dataclass(frozen=True, slots=True)
class QueueCallerLeave(RouterEvent):
    """The caller left the queue: connected to an agent, abandoned, or taken out by the shell."""

    call_id: str
    reason: str  # "connected", "abandoned", "left" or "unanswered"


@dataclass(frozen=True, slots=True)
class CallEnded(RouterEvent):
    """Last event of every call: it is gone from the router's books, with the reason."""

    call_id: str
    reason: GoneReason
    wait: float  # seconds from enqueue until connected or gone


@dataclass(frozen=True, slots=True)
class QueueMemberStatus(RouterEvent):
    agent_id: str
    state: AgentState
    previous: AgentState
    pause_reason: PauseReason | None
