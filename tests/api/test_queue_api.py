"""Queues, calls and agents over HTTP, with the router fed by real sandbox calls."""

from __future__ import annotations

import pytest

from ivr.ami import AmiClient
from ivr.sandbox.calls import PlacedCall, place_call
from tests.api.conftest import Api

pytestmark = pytest.mark.asterisk

CALLER_NUMBER = "13907712345"


async def zhuang_caller(ami: AmiClient) -> PlacedCall:
    return await place_call(ami, caller_context="test-caller", context="test-queue", caller_id=CALLER_NUMBER,
                            variables={"QUEUE_DIALECT": "zhuang", "QUEUE_BUSINESS": "pension",
                                       "CALLER_HOLD": "40", "HOTLINE_HOLD_INTERVAL": "600"})


def line(queues: list[dict], queue_id: str) -> dict:
    return next(q for q in queues if q["id"] == queue_id)


async def test_a_waiting_call_is_listed_then_gone_once_an_agent_logged_in_through_the_api_answers(
        api: Api, ami: AmiClient) -> None:
    await zhuang_caller(ami)
    join = (await api.stack.wait(lambda: api.stack.of("QueueCallerJoin")))[0]

    queues = (await api.http.get("/queues", headers=api.as_("viewer"))).json()
    zhuang = line(queues, "zhuang.pension")
    assert zhuang["waiting"] == 1 and zhuang["longest_wait"] >= 0
    assert zhuang["eligible_agents"] == 0 and zhuang["estimated_wait"] is None  # nobody logged in
    assert zhuang["today"]["offered"] == 1 and zhuang["today"]["service_level"] is None
    assert line(queues, "mandarin.pension")["waiting"] == 0
    calls = await api.http.get("/queues/zhuang.pension/calls", headers=api.as_("viewer"))
    assert [c["call_id"] for c in calls.json()] == [join.call_id]
    assert calls.json()[0]["caller"] == "*******2345" and CALLER_NUMBER not in calls.text
    every_line = (await api.http.get("/queues/calls", headers=api.as_("viewer"))).json()
    assert [c["call_id"] for c in every_line] == [join.call_id]

    # agent z1 logs in with its own token: the router offers it the call, its phone answers
    login = await api.http.post("/agents/z1/login", headers=api.as_("agent"))
    assert login.status_code == 200, login.text
    connect = (await api.stack.wait(lambda: api.stack.of("AgentConnect")))[0]
    assert connect.agent_id == "z1"

    queues = (await api.http.get("/queues", headers=api.as_("viewer"))).json()
    zhuang = line(queues, "zhuang.pension")
    assert zhuang["waiting"] == 0 and zhuang["longest_wait"] is None
    assert zhuang["today"]["answered"] == 1 and zhuang["today"]["service_level"] == 1.0
    assert zhuang["today"]["average_speed_of_answer"] == pytest.approx(connect.hold_time)
    assert (await api.http.get("/queues/zhuang.pension/calls", headers=api.as_("viewer"))).json() == []
    assert (await api.http.get("/queues/calls", headers=api.as_("viewer"))).json() == []

    seat = (await api.http.get("/agents/z1", headers=api.as_("viewer"))).json()
    assert seat["state"] == "on_call" and seat["call_id"] == join.call_id
    call = (await api.http.get(f"/calls/{join.call_id}", headers=api.as_("supervisor"))).json()
    assert call["live"]["state"] == "connected" and call["live"]["agent_id"] == "z1"
    kinds = [e["type"] for e in call["timeline"]]
    assert kinds[0] == "QueueCallerJoin" and "AgentCalled" in kinds and "AgentConnect" in kinds
    assert CALLER_NUMBER not in str(call)


async def test_agent_state_changes_through_the_api_reach_the_router(api: Api) -> None:
    router = api.stack.router
    assert (await api.http.post("/agents/z1/login", headers=api.as_("agent"))).json()["state"] == "available"
    assert router.agent_view("z1").state.value == "available"
    paused = await api.http.post("/agents/z1/pause", json={"reason": "training"}, headers=api.as_("agent"))
    assert paused.json()["state"] == "paused" and paused.json()["pause_reason"] == "training"
    assert router.agent_view("z1").pause_reason.value == "training"
    await api.http.post("/agents/z1/unpause", headers=api.as_("ops"))
    assert router.agent_view("z1").state.value == "available"
    out = await api.http.post("/agents/z1/logout", headers=api.as_("agent"))
    assert out.json()["state"] == "logged_out" and out.json()["since"] is not None
    assert router.agent_view("z1") is None
    listed = {a["id"]: a["state"] for a in (await api.http.get("/agents", headers=api.as_("agent"))).json()}
    assert listed == {"z1": "logged_out", "z2": "logged_out", "m1": "logged_out", "q1": "logged_out"}


async def test_refusals_are_404_and_409_with_clear_bodies(api: Api) -> None:
    missing = await api.http.post("/agents/nobody/login", headers=api.as_("ops"))
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert (await api.http.get("/agents/nobody", headers=api.as_("viewer"))).status_code == 404
    assert (await api.http.get("/queues/zhuang.nothing/calls", headers=api.as_("viewer"))).status_code == 404
    assert (await api.http.get("/calls/no-such-call", headers=api.as_("supervisor"))).status_code == 404
    not_in = await api.http.post("/agents/z2/unpause", headers=api.as_("ops"))
    assert not_in.status_code == 409 and "not logged in" in not_in.json()["detail"]
    await api.http.post("/agents/z2/login", headers=api.as_("ops"))
    twice = await api.http.post("/agents/z2/login", headers=api.as_("ops"))
    assert twice.status_code == 409 and twice.json()["code"] == "conflict"
    bad_reason = await api.http.post("/agents/z2/pause", json={"reason": "no_answer"}, headers=api.as_("ops"))
    assert bad_reason.status_code == 422  # only the router pauses for missed rings


async def test_a_calls_timeline_has_its_menu_path_then_queue_and_agent(api: Api, ami: AmiClient) -> None:
    await api.http.post("/agents/z1/login", headers=api.as_("agent"))
    await place_call(ami, caller_context="test-caller", context="test-api-ivr", caller_id=CALLER_NUMBER,
                     variables={"CALLER_HOLD": "40", "HOTLINE_HOLD_INTERVAL": "600"})
    connect = (await api.stack.wait(lambda: api.stack.of("AgentConnect")))[0]
    call = (await api.http.get(f"/calls/{connect.call_id}", headers=api.as_("supervisor"))).json()
    kinds = [e["type"] for e in call["timeline"]]
    assert kinds[:5] == ["HotlineCallStart", "HotlineMenu", "HotlineKey", "HotlineToAgent", "QueueCallerJoin"]
    assert "AgentConnect" in kinds[5:]
    key = call["timeline"][2]
    assert key["menu"] == "main" and key["key"] == "0"
    assert call["timeline"][3]["reason"] == "key"
    assert CALLER_NUMBER not in str(call)


async def test_an_agents_handled_calls_and_handle_time_count_talk_and_wrap_up(api: Api, ami: AmiClient) -> None:
    await api.http.post("/agents/q1/login", headers=api.as_("ops"))
    await zhuang_caller(ami)
    complete = (await api.stack.wait(lambda: api.stack.of("AgentComplete")))[0]
    back = (await api.stack.wait(lambda: api.stack.of("QueueMemberStatus", agent_id="q1", previous="wrap_up")))[0]
    wrap_start = api.stack.of("QueueMemberStatus", agent_id="q1", state="wrap_up")[0].time
    seat = (await api.http.get("/agents/q1", headers=api.as_("viewer"))).json()
    assert seat["state"] == "available" and seat["call_id"] is None
    assert seat["handled_today"] == 1
    assert seat["average_handle_time"] == pytest.approx(complete.talk_time + back.time - wrap_start)
    assert complete.talk_time >= 1  # the phone talked 1 s
    line_today = next(q for q in (await api.http.get("/queues", headers=api.as_("ops"))).json()
                      if q["id"] == "zhuang.pension")["today"]
    assert (line_today["offered"], line_today["answered"], line_today["abandoned"]) == (1, 1, 0)


async def test_a_caller_who_hangs_up_while_waiting_counts_as_abandoned_today(api: Api, ami: AmiClient) -> None:
    await place_call(ami, caller_context="test-caller", context="test-queue", caller_id=CALLER_NUMBER,
                     variables={"QUEUE_DIALECT": "zhuang", "QUEUE_BUSINESS": "pension", "CALLER_HOLD": "1",
                                "HOTLINE_HOLD_INTERVAL": "600"})
    gone = (await api.stack.wait(lambda: api.stack.of("CallEnded")))[0]
    assert gone.reason.value == "abandoned"
    today = next(q for q in (await api.http.get("/queues", headers=api.as_("viewer"))).json()
                 if q["id"] == "zhuang.pension")["today"]
    assert (today["offered"], today["answered"], today["abandoned"], today["abandonment_rate"]) == (1, 0, 1, 1.0)
    call = (await api.http.get(f"/calls/{gone.call_id}", headers=api.as_("ops"))).json()
    assert call["live"] is None and call["timeline"][-1]["type"] == "CallEnded"
    assert call["timeline"][-1]["reason"] == "abandoned"
