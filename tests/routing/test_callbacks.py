"""Virtual hold in the pure router: a caller who takes a callback keeps its place and its dialect."""

import pytest

from dataclasses import replace

from routing import AgentState, CallState, CancelOffer, GoneReason, Party, PauseReason, Router, RouterError
from routing.events import CallbackUnanswered, CallEnded, QueueCallerCallback, QueueCallerStepChanged
from tests.routing.world import agent, call, events_of, guangxi, offers


def _busy_zhuang_line() -> Router:
    """Guangxi ladders; the one Zhuang agent is talking, a Mandarin agent is on a break."""
    r = Router(guangxi())
    r.login(agent("z", zhuang=5, pension=5), 0)
    r.arrive(call("busy", "zhuang", "pension", at=0), 0)
    r.answered("busy", "z", 1)
    return r


def test_a_callback_keeps_its_place_ahead_of_later_callers():
    r = _busy_zhuang_line()
    r.arrive(call("c", "zhuang", "pension", at=10), 10)
    r.arrive(call("later", "zhuang", "pension", at=20), 20)
    out = r.keep_place("c", 25)
    assert events_of(out, QueueCallerCallback)[0].call_id == "c"
    assert r.calls["c"].call.callback and r.position("c") == 1 and r.position("later") == 2
    assert r.call_view("c", 26).callback and not r.call_view("later", 26).callback
    # the Zhuang agent comes free after wrap-up: the callback is offered first, marked as one
    r.hangup("busy", 30, Party.AGENT)
    out = r.tick(30 + 45)
    assert offers(out) == [("c", "z")] and out.offers[0].callback
    assert r.calls["later"].state is CallState.WAITING


def test_the_offer_for_a_callback_says_so():
    r = Router(guangxi())
    r.arrive(call("c", "mandarin", "pension", at=0), 0)
    r.keep_place("c", 5)
    out = r.login(agent("m", mandarin=5, pension=5), 6)
    assert offers(out) == [("c", "m")] and out.offers[0].callback


def test_a_relaxed_caller_goes_back_to_its_dialect_and_never_relaxes_again():
    r = _busy_zhuang_line()
    r.login(agent("m", mandarin=5, pension=5), 0)
    r.pause("m", PauseReason.BREAK, 0)
    r.arrive(call("c", "zhuang", "pension", at=10), 10)
    r.tick(10 + 200)  # past the Mandarin steps (90 s, 150 s)
    assert r.calls["c"].step >= 2
    out = r.keep_place("c", 215)
    step = events_of(out, QueueCallerStepChanged)
    assert step and step[0].to_step == 1 and step[0].reason == "callback"  # zhuang>=2
    assert r.calls["c"].step == 1
    # a Mandarin agent back from the break does not take it, however long it waits
    out = r.unpause("m", 220)
    assert offers(out) == []
    r.tick(10_000)
    assert r.calls["c"].step == 1 and r.calls["c"].state is CallState.WAITING
    # ... a Zhuang speaker does
    assert offers(r.login(agent("z2", zhuang=3), 10_001)) == [("c", "z2")]


def test_a_callback_waits_for_its_dialect_even_when_nobody_speaks_it():
    r = Router(guangxi())
    r.login(agent("m", mandarin=5, pension=5), 0)
    r.pause("m", PauseReason.BREAK, 0)
    r.arrive(call("c", "cantonese", "pension", at=0), 0)
    r.keep_place("c", 1)
    r.unpause("m", 2)
    r.tick(5_000)
    assert r.calls["c"].state is CallState.WAITING and r.calls["c"].step <= 1


def test_a_mandarin_callback_may_relax_across_its_whole_ladder():
    r = Router(guangxi())
    r.arrive(call("c", "mandarin", "pension", at=0), 0)
    r.keep_place("c", 1)
    r.tick(400)
    assert r.calls["c"].step == 3  # every Mandarin step asks for Mandarin


def test_taking_a_callback_while_an_agent_rings_withdraws_the_ring_and_offers_again():
    r = Router(guangxi())
    r.login(agent("m", mandarin=5, pension=5), 0)
    r.arrive(call("c", "mandarin", "pension", at=0), 0)
    assert r.calls["c"].state is CallState.OFFERED
    out = r.keep_place("c", 1)
    assert any(isinstance(d, CancelOffer) for d in out.decisions)
    # still the best call for the agent, now as a callback
    assert offers(out) == [("c", "m")] and out.offers[-1].callback


def test_a_connected_call_cannot_become_a_callback_and_keep_place_is_idempotent():
    r = Router(guangxi())
    r.login(agent("m", mandarin=5, pension=5), 0)
    r.arrive(call("c", "mandarin", "pension", at=0), 0)
    r.answered("c", "m", 1)
    with pytest.raises(RouterError):
        r.keep_place("c", 2)
    r.arrive(call("d", "mandarin", "pension", at=3), 3)
    r.keep_place("d", 4)
    assert r.keep_place("d", 5).events == ()
    with pytest.raises(RouterError):
        r.keep_place("nobody", 6)


def test_an_unanswered_callback_frees_the_agent_without_wrap_up_and_leaves_the_books():
    r = Router(guangxi())
    r.arrive(call("c", "mandarin", "pension", at=0), 0)
    r.keep_place("c", 1)
    r.login(agent("m", mandarin=5, pension=5), 2)
    r.answered("c", "m", 3)
    out = r.callback_unanswered("c", "m", 40)
    assert events_of(out, CallbackUnanswered)[0].agent_id == "m"
    assert events_of(out, CallEnded)[0].reason is GoneReason.UNANSWERED
    assert "c" not in r.calls and r.agent_view("m").state is AgentState.AVAILABLE
    # stale or repeated reports change nothing
    assert r.callback_unanswered("c", "m", 41).events == ()


def test_an_unanswered_report_for_an_ordinary_call_is_ignored():
    r = Router(guangxi())
    r.login(agent("m", mandarin=5, pension=5), 0)
    r.arrive(call("c", "mandarin", "pension", at=0), 0)
    r.answered("c", "m", 1)
    assert r.callback_unanswered("c", "m", 2).events == ()
    assert r.calls["c"].state is CallState.CONNECTED


def test_a_callback_added_again_for_a_retry_keeps_its_original_place():
    r = Router(guangxi())
    r.arrive(call("newer", "mandarin", "pension", at=100), 100)
    retry = replace(call("c", "mandarin", "pension", at=10), callback=True)
    r.arrive(retry, 200, restored=True)
    assert r.position("c") == 1 and r.position("newer") == 2
