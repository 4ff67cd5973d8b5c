"""Agents: their seats as supervisors see them, and their own controls.

    GET  /agents, /agents/{id}                  any role
    POST /agents/{id}/login|logout|pause|unpause  an agent token for its own id, or ops

Errors: 401 no/unknown token, 403 wrong role or another agent's id, 404 not in the roster,
409 the router refuses in the current state (e.g. logging out mid-call), all as
{"detail": {"error": ..., "message": ...}}.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from hotline.auth.tokens import Principal
from hotline.http.auth import READ_ROLES, ensure_agent_access, require_role
from hotline.http.contract import utc_time
from hotline.http.live import LiveFeed
from hotline.http.problems import problem, problem_responses
from hotline.http.queues import UNAUTHORISED
from routing import AgentView, PauseReason, RouterError
from routing.asterisk import AgentDesk, RouterAdapter
from routing.asterisk.desk import UnknownAgent

AGENT_ERRORS = problem_responses(404, 409, s404="no such agent in the roster",
                                 s409="not possible in the agent's current state")


class AgentSeat(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "a1001", "name": "韦小红", "state": "on_call", "since": "2024-11-22T04:33:32Z", "call_id": "1732250000.42",
        "pause_reason": None, "pending_pause": "break", "misses": 0, "handled_today": 37,
        "average_handle_time": 212.4, "phone_reachable": True, "proficiencies": {"zhuang": 5, "mandarin": 4, "pension": 4}}]})

    id: str
    name: str
    state: str = Field(description="logged_out | available | offered | on_call | wrap_up | paused")
    since: datetime | None = Field(description="when the agent entered this state (null: not since we started)")
    call_id: str | None = Field(description="the call ringing or connected")
    pause_reason: str | None = Field(description="break | training | no_answer | no_phone (the phone is not "
                                                  "registered or not answering: lifted when it is back)")
    phone_reachable: bool = Field(description="false while the agent's phone is not registered or not answering; "
                                              "such an agent is offered no call")
    pending_pause: str | None = Field(description="a pause asked for mid-call, applied after wrap-up")
    misses: int = Field(description="consecutive rings not answered")
    handled_today: int
    average_handle_time: float | None = Field(description="talk + wrap-up seconds, today")
    proficiencies: dict[str, int]


class PauseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"reason": "break"}]})
    reason: Literal["break", "training"]


def _error(status: int, error: str, message: str) -> HTTPException:
    return problem(status, error, message)


def _at(seconds: float | None) -> datetime | None:
    return None if seconds is None else utc_time(seconds)


def agents_router(adapter: RouterAdapter, desk: AgentDesk, feed: LiveFeed | None = None, *,
                  read_access: Any = None, act_access: Any = None) -> APIRouter:
    feed = feed or LiveFeed.attach(adapter)
    read_access = read_access or require_role(*READ_ROLES)
    act_access = act_access or require_role("agent", "ops")
    router = APIRouter(prefix="/agents", tags=["agents"], responses=UNAUTHORISED)

    def seat(agent_id: str, now: float) -> AgentSeat:
        view: AgentView | None = adapter.router.agent_view(agent_id)
        day = feed.today.agent(agent_id, now)
        if view is None:
            profile = desk.roster.get(agent_id)
            if profile is None:
                raise _error(404, "not_found", f"no agent {agent_id!r} in the roster")
            return AgentSeat(id=agent_id, name=profile.name, state="logged_out", since=_at(feed.logged_out_at.get(agent_id)),
                             call_id=None, pause_reason=None, pending_pause=None, misses=0,
                             handled_today=day.handled, average_handle_time=day.average_handle_time,
                             phone_reachable=adapter.router.phone_reachable(agent_id), proficiencies=dict(profile.proficiencies))
        return AgentSeat(id=view.agent_id, name=view.name, state=view.state.value, since=_at(view.since),
                         call_id=view.call_id, pause_reason=view.pause_reason and view.pause_reason.value,
                         pending_pause=view.pending_pause and view.pending_pause.value, misses=view.misses,
                         handled_today=day.handled, average_handle_time=day.average_handle_time,
                         phone_reachable=adapter.router.phone_reachable(view.agent_id), proficiencies=dict(view.proficiencies))

    async def act(agent_id: str, principal: Principal, command: Any) -> AgentSeat:
        ensure_agent_access(principal, agent_id)
        try:
            await command()
        except UnknownAgent as exc:
            raise _error(404, "not_found", str(exc)) from None
        except RouterError as exc:
            raise _error(409, "conflict", str(exc)) from None
        return seat(agent_id, adapter.clock())

    @router.get("", response_model=list[AgentSeat], summary="Every agent in the roster or logged in")
    async def list_agents(_: Any = Depends(read_access)) -> list[AgentSeat]:
        now = adapter.clock()
        ids = sorted(set(desk.roster) | {v.agent_id for v in adapter.router.agent_views()})
        return [seat(agent_id, now) for agent_id in ids]

    @router.get("/{agent_id}", response_model=AgentSeat, responses=AGENT_ERRORS, summary="One agent's seat")
    async def get_agent(agent_id: str, _: Any = Depends(read_access)) -> AgentSeat:
        return seat(agent_id, adapter.clock())

    @router.post("/{agent_id}/login", response_model=AgentSeat, responses=AGENT_ERRORS, summary="Log in, available")
    async def log_in_agent(agent_id: str, principal: Principal = Depends(act_access)) -> AgentSeat:
        return await act(agent_id, principal, lambda: desk.login(agent_id))

    @router.post("/{agent_id}/logout", response_model=AgentSeat, responses=AGENT_ERRORS,
                 summary="Log out (refused mid-call)")
    async def log_out_agent(agent_id: str, principal: Principal = Depends(act_access)) -> AgentSeat:
        return await act(agent_id, principal, lambda: desk.logout(agent_id))

    @router.post("/{agent_id}/pause", response_model=AgentSeat, responses=AGENT_ERRORS,
                 summary="Pause now, or after the current call and its wrap-up")
    async def pause_agent(agent_id: str, body: PauseRequest = Body(), principal: Principal = Depends(act_access)) -> AgentSeat:
        return await act(agent_id, principal, lambda: desk.pause(agent_id, PauseReason(body.reason)))

    @router.post("/{agent_id}/unpause", response_model=AgentSeat, responses=AGENT_ERRORS, summary="Available again")
    async def unpause_agent(agent_id: str, principal: Principal = Depends(act_access)) -> AgentSeat:
        return await act(agent_id, principal, lambda: desk.unpause(agent_id))

    return router
