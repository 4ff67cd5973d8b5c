"""Queues and calls as supervisors see them (any role may read).

    GET /queues               every dialect x business line: waiting now, today's figures
    GET /queues/{id}/calls    the line's callers not yet talking to an agent (id "zhuang.pension")
    GET /queues/calls         every caller not yet talking to an agent, all lines (the wallboard's list)

(Past calls, and one call whole, are call history: hotline.http.history.)

Times are ISO 8601 with an offset; waits are seconds. Caller numbers are masked (last four digits).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path
from pydantic import BaseModel, ConfigDict, Field

from hotline.http.auth import READ_ROLES, require_role
from hotline.http.contract import utc_time
from hotline.http.live import LiveFeed
from hotline.http.problems import problem, problem_responses
from routing import CallView
from routing.asterisk import RouterAdapter

NOT_FOUND = problem_responses(404, s404="no such queue or call")
UNAUTHORISED = problem_responses(401, 403)


class TodayFigures(BaseModel):
    offered: int = Field(description="callers who joined today (Asia/Shanghai day)")
    answered: int
    abandoned: int
    service_level: float | None = Field(description="answered within 20 s / answered")
    average_speed_of_answer: float | None = Field(description="seconds, over answered calls")
    abandonment_rate: float | None = Field(description="abandoned / (answered + abandoned)")


class QueueSummary(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "zhuang.pension", "dialect": "zhuang", "business": "pension", "waiting": 3, "ringing": 1,
        "longest_wait": 74.2, "estimated_wait": 95.0, "eligible_agents": 6, "available_agents": 0,
        "today": {"offered": 120, "answered": 101, "abandoned": 9, "service_level": 0.82,
                  "average_speed_of_answer": 14.5, "abandonment_rate": 0.082}}]})

    id: str = Field(description="dialect.business")
    dialect: str
    business: str
    waiting: int = Field(description="callers not yet talking to an agent (ringing ones included)")
    ringing: int = Field(description="of those, callers an agent's phone is ringing for")
    longest_wait: float | None
    estimated_wait: float | None = Field(description="for a caller joining now; null if nobody could answer")
    eligible_agents: int = Field(description="logged-in agents who may take this line's callers at some ladder step")
    available_agents: int = Field(description="of those, idle now")
    today: TodayFigures


class WaitingCall(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "call_id": "1732250000.42", "dialect": "zhuang", "business": "pension", "caller": "*******5678",
        "state": "waiting", "step": 1, "requirement": "mandarin>=3", "enqueue_time": "2024-11-22T04:33:20Z",
        "wait": 31.5, "effective_wait": 31.5, "agent_id": None, "callback": False}]})

    call_id: str
    dialect: str
    business: str
    caller: str = Field(description="masked: last four digits only")
    state: str = Field(description="waiting | offered | connected")
    step: int = Field(description="current ladder step, 0 first")
    requirement: str
    enqueue_time: datetime
    wait: float
    effective_wait: float
    agent_id: str | None
    callback: bool = Field(False, description="the caller hung up to be called back and keeps this place")


def waiting_call(view: CallView) -> WaitingCall:
    return WaitingCall(call_id=view.call_id, dialect=view.dialect, business=view.business, caller=view.caller,
                       state=view.state.value, step=view.step, requirement=view.requirement,
                       enqueue_time=utc_time(view.enqueue_time), wait=round(view.wait, 3),
                       effective_wait=round(view.effective_wait, 3), agent_id=view.agent_id,
                       callback=view.callback)


def _not_found(message: str) -> HTTPException:
    return problem(404, "not_found", message)


def queues_router(adapter: RouterAdapter, feed: LiveFeed | None = None, *, access: Any = None) -> APIRouter:
    feed = feed or LiveFeed.attach(adapter)
    access = access or require_role(*READ_ROLES)
    router = APIRouter(tags=["queues"], responses=UNAUTHORISED)

    def summaries(now: float) -> list[QueueSummary]:
        out = []
        for line in adapter.router.line_stats(now):
            last = len(adapter.router.config.ladder(line.dialect, line.business).steps) - 1
            eligible, available = adapter.router.agent_counts(line.dialect, line.business, last)
            day = feed.today.line((line.dialect, line.business), now)
            out.append(QueueSummary(
                id=f"{line.dialect}.{line.business}", dialect=line.dialect, business=line.business,
                waiting=line.waiting + line.offered, ringing=line.offered,
                longest_wait=None if line.longest_wait is None else round(line.longest_wait, 3),
                estimated_wait=None if line.estimated_wait is None else round(line.estimated_wait, 3),
                eligible_agents=eligible,
                available_agents=available,
                today=TodayFigures(offered=day.offered, answered=day.answered, abandoned=day.abandoned,
                                   service_level=day.service_level,
                                   average_speed_of_answer=day.average_speed_of_answer,
                                   abandonment_rate=day.abandonment_rate)))
        return sorted(out, key=lambda q: q.id)

    @router.get("/queues", response_model=list[QueueSummary], summary="Every dialect x business line, now and today")
    async def list_queues(_: Any = Depends(access)) -> list[QueueSummary]:
        return summaries(adapter.clock())

    @router.get("/queues/{queue_id}/calls", response_model=list[WaitingCall], responses=NOT_FOUND,
                summary="A line's callers not yet talking to an agent, longest effective wait first")
    async def list_queue_calls(queue_id: str = Path(examples=["zhuang.pension"]),
                          _: Any = Depends(access)) -> list[WaitingCall]:
        dialect, _dot, business = queue_id.partition(".")
        if (dialect, business) not in adapter.router.config.ladders:
            raise _not_found(f"no queue {queue_id!r}; ids look like zhuang.pension")
        return [waiting_call(v) for v in adapter.router.waiting_calls(adapter.clock(), dialect=dialect, business=business)]

    @router.get("/queues/calls", response_model=list[WaitingCall],
                summary="Every caller not yet talking to an agent, longest effective wait first")
    async def list_waiting_calls(_: Any = Depends(access)) -> list[WaitingCall]:
        return [waiting_call(v) for v in adapter.router.waiting_calls(adapter.clock())]

    return router
