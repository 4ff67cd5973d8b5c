"""Offers, answers, RONA, wrap-up, abandon, pause and logout: the agent and call state machines."""

import pytest

from routing import AgentState, CallState, CancelOffer, GoneReason, Party, PauseReason, Router, RouterError
from routing.events import (
    AgentComplete, AgentConnect, AgentRingNoAnswer, CallEnded, QueueCallerAbandon, QueueCallerJoin,
)
from tests.routing.world import RAW_NUMBER, agent, call, events_of, guangxi, offers, one_step_config


def busy_router(**overrides) -> Router:
    """Agents a and b both on calls; callers c1 (t=10) and c2 (t=20) waiting."""
    r = Router(one_step_config(**overrides))
    r.login(agent("a", mandarin=3), 0)
    r.login(agent("b", mandarin=3), 0)
    for call_id, agent_id in (("x", "a"), ("y", "b")):
        r.arrive(call(call_id, at=1), 1)
        r.answered(call_id, agent_id, 2)
    r.arrive(call("c1", at=10), 10)
    r.arrive(call("c2", at=20), 20)
    return r


def test_answer_connects_and_hangup_completes_into_wrap_up_then_the_next_call():
    r = Router(guangxi())
    r.login(agent("m", mandarin=5, pension=5), 0)
    assert offers(r.arrive(call("c", at=1), 1)) == [("c", "m")]
    r.arrive(call("d", at=2), 2)
    [connect] = events_of(r.answered("c", "m", 5), AgentConnect)
    assert (connect.hold_time, connect.ring_time) == (4, 4)
    assert r.agent_view("m").state is AgentState.ON_CALL
    out = r.hangup("c", 65, by=Party.AGENT)
    [complete] = events_of(out, AgentComplete)
    assert (complete.talk_time, complete.reason) == (60, Party.AGENT)
    assert events_of(out, CallEnded)[0].reason is GoneReason.COMPLETED
    assert r.agent_view("m").state is AgentState.WRAP_UP and r.call_view("c", 65) is None
    assert offers(r.tick(65 + 44)) == []  # pension wrap-up is 45 s
    assert offers(r.tick(65 + 45)) == [("d", "m")]


def test_ring_no_answer_puts_the_caller_back_at_its_place_and_tries_another_agent():
    r = busy_router()
    r.hangup("x", 30)  # a free: offered c1
    out = r.ring_no_answer("c1", "a", 50)
    assert events_of(out, AgentRingNoAnswer)[0].misses == 1
    assert offers(out) == [("c2", "a")]  # a is not offered the call it just missed...
    assert r.call_view("c1", 50).state is CallState.WAITING
    assert [v.call_id for v in r.waiting_calls(50)][0] == "c1"  # ...which keeps its place
    r.hangup("y", 51)  # b frees up: the first caller in line is still c1
    assert r.call_view("c1", 51).agent_id == "b"


def test_the_agent_who_missed_gets_the_call_again_after_the_retry_delay():
    r = Router(one_step_config(retry_seconds=5))
    r.login(agent("a", mandarin=3), 0)
    r.arrive(call("c", at=0), 0)
    r.ring_no_answer("c", "a", 20)
    assert r.agent_view("a").state is AgentState.AVAILABLE
    assert offers(r.tick(24)) == []
    assert offers(r.tick(25)) == [("c", "a")]


def test_an_agent_is_paused_no_answer_after_n_consecutive_misses_and_answers_reset_the_count():
    r = Router(one_step_config(max_consecutive_misses=2, retry_seconds=1))
    r.login(agent("a", mandarin=3), 0)
    r.arrive(call("c", at=0), 0)
    r.ring_no_answer("c", "a", 20)
    r.tick(21)
    r.answered("c", "a", 22)
    assert r.agent_view("a").misses == 0
    r.hangup("c", 30)
    r.arrive(call("d", at=31), 31)
    r.ring_no_answer("d", "a", 51)
    r.tick(52)
    r.ring_no_answer("d", "a", 72, reason="rejected")
    view = r.agent_view("a")
    assert (view.state, view.pause_reason) == (AgentState.PAUSED, PauseReason.NO_ANSWER)
    assert offers(r.tick(100)) == []
    assert offers(r.unpause("a", 101)) == [("d", "a")]
    assert r.agent_view("a").misses == 0


def test_stale_offer_reports_are_ignored():
    r = busy_router()
    r.hangup("x", 30)
    assert r.answered("c1", "b", 31).events == ()  # b was not offered c1
    assert r.ring_no_answer("c2", "a", 31).events == ()
    assert r.hangup("nobody", 31).events == ()
    assert r.call_view("c1", 31).state is CallState.OFFERED


def test_an_offer_the_shell_never_resolves_expires_as_a_miss():
    r = Router(one_step_config(ring_timeout=20, offer_grace_seconds=10))
    r.login(agent("a", mandarin=3), 0)
    r.arrive(call("c", at=0), 0)
    assert events_of(r.tick(29), AgentRingNoAnswer) == []
    [miss] = events_of(r.tick(30), AgentRingNoAnswer)
    assert miss.reason == "expired"


def test_abandon_while_waiting_records_the_wait():
    r = busy_router()
    out = r.hangup("c2", 95)
    [abandon] = events_of(out, QueueCallerAbandon)
    assert abandon.wait == 75
    assert events_of(out, CallEnded)[0].reason is GoneReason.ABANDONED
    assert [v.call_id for v in r.waiting_calls(95)] == ["c1"]


def test_abandon_while_ringing_cancels_the_offer_and_frees_the_agent():
    r = busy_router()
    r.hangup("x", 30)
    out = r.hangup("c1", 31)
    assert CancelOffer("c1", "a", "PJSIP/a") in out.decisions
    assert offers(out) == [("c2", "a")]


def test_pause_while_idle_is_immediate_and_mid_call_waits_for_the_wrap_up():
    r = Router(one_step_config(default_wrap_up_seconds=10))
    r.login(agent("a", mandarin=3), 0)
    r.pause("a", PauseReason.TRAINING, 1)
    assert offers(r.arrive(call("c", at=2), 2)) == []
    r.unpause("a", 3)
    r.answered("c", "a", 4)
    r.pause("a", PauseReason.BREAK, 5)
    assert r.agent_view("a").pending_pause is PauseReason.BREAK
    r.arrive(call("d", at=6), 6)
    r.hangup("c", 7)
    assert offers(r.tick(17)) == []
    view = r.agent_view("a")
    assert (view.state, view.pause_reason) == (AgentState.PAUSED, PauseReason.BREAK)


def test_login_paused_and_logout_rules():
    r = Router(one_step_config())
    r.login(agent("a", mandarin=3), 0, paused=PauseReason.TRAINING)
    assert r.agent_view("a").state is AgentState.PAUSED
    with pytest.raises(RouterError):
        r.login(agent("a", mandarin=3), 1)
    r.unpause("a", 1)
    r.arrive(call("c", at=2), 2)
    r.answered("c", "a", 3)
    with pytest.raises(RouterError):
        r.logout("a", 4)
    with pytest.raises(RouterError):
        r.pause("ghost", PauseReason.BREAK, 4)


def test_logout_while_ringing_puts_the_caller_back():
    r = Router(one_step_config())
    r.login(agent("a", mandarin=3), 0)
    r.login(agent("b", mandarin=3), 1)
    r.arrive(call("x", at=2), 2)
    r.answered("x", "a", 2)
    r.arrive(call("c", at=3), 3)
    out = r.logout("b", 4)
    assert CancelOffer("c", "b", "PJSIP/b") in out.decisions
    assert r.call_view("c", 4).state is CallState.WAITING
    assert r.agent_view("b") is None


def test_leave_takes_a_waiting_caller_out_with_its_reason():
    r = busy_router()
    out = r.leave("c1", 40)
    assert events_of(out, CallEnded)[0].reason is GoneReason.LEFT
    with pytest.raises(RouterError):
        r.leave("x", 41)


def test_the_raw_caller_number_never_leaves_the_core():
    r = busy_router()
    outs = [r.hangup("x", 30), r.ring_no_answer("c1", "a", 40), r.hangup("c1", 41), r.tick(400)]
    joined = events_of(Router(one_step_config()).arrive(call("z"), 0), QueueCallerJoin)
    text = repr(outs) + repr(joined) + repr(r.waiting_calls(400)) + repr(r.agent_views())
    assert joined[0].caller == "*******5678"
    assert RAW_NUMBER not in text
