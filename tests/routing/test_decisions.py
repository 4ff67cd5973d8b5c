"""Each decision rule on its own, with hand-built situations."""

from routing import AgentState, Announce, CallState, OfferCallback, PauseReason, Router
from routing.events import QueueCallerStepChanged
from tests.routing.world import agent, call, events_of, guangxi, offers, one_step_config


def test_arrival_prefers_best_dialect_then_business_proficiency():
    r = Router(one_step_config("zhuang>=2"))
    r.login(agent("weak", zhuang=2, pension=5), 0)
    r.login(agent("fluent", zhuang=5, pension=1), 1)
    r.login(agent("fluent_pension", zhuang=5, pension=4), 2)
    assert offers(r.arrive(call("c", "zhuang", "pension", at=10), 10)) == [("c", "fluent_pension")]
    assert offers(r.arrive(call("d", "zhuang", "pension", at=11), 11)) == [("d", "fluent")]


def test_arrival_ties_go_to_the_longest_idle_agent():
    r = Router(one_step_config("mandarin>=3"))
    r.login(agent("late", mandarin=4), 5)
    r.login(agent("early", mandarin=4), 1)
    assert offers(r.arrive(call("c", at=10), 10)) == [("c", "early")]


def test_arrival_only_considers_agents_meeting_the_current_step():
    r = Router(guangxi())
    r.login(agent("m", mandarin=5, pension=5), 0)
    r.login(agent("z_busy", zhuang=5, pension=5), 0)
    r.arrive(call("first", "zhuang", "pension", at=1), 1)  # takes the Zhuang agent
    out = r.arrive(call("c", "zhuang", "pension", at=2), 2)
    assert offers(out) == []
    assert r.call_view("c", 2).state is CallState.WAITING


def test_zhuang_caller_reaches_mandarin_agent_after_the_ladder_threshold_with_a_notice():
    r = Router(guangxi())
    r.login(agent("z", zhuang=5, pension=5), 0)
    r.login(agent("m", mandarin=5, pension=3), 0)
    r.arrive(call("busy", "zhuang", "pension", at=0), 0)
    r.answered("busy", "z", 1)
    r.arrive(call("c", "zhuang", "pension", at=10), 10)
    assert offers(r.tick(99)) == []  # 89 s: still waiting for a Zhuang speaker
    out = r.tick(100)
    assert offers(out) == [("c", "m")]
    assert Announce("c", "PJSIP/trunk-c", "mandarin_agent_notice") in out.decisions
    assert [(e.time, e.to_step) for e in events_of(out, QueueCallerStepChanged)] == [(100, 2)]  # step 1 (any Zhuang speaker) came at 40, in tick(99)


def test_a_free_zhuang_agent_is_reached_at_once():
    r = Router(guangxi())
    r.login(agent("m", mandarin=5, pension=5), 0)
    r.login(agent("z", zhuang=5, pension=4), 0)
    assert offers(r.arrive(call("c", "zhuang", "pension", at=3), 3)) == [("c", "z")]


def test_steps_nobody_logged_in_could_meet_are_skipped_at_once():
    r = Router(guangxi())
    r.login(agent("m", mandarin=5, pension=5), 0)
    r.arrive(call("busy", at=0), 0)  # m busy: the Zhuang caller must wait
    out = r.arrive(call("c", "zhuang", "pension", at=1), 1)
    [change] = events_of(out, QueueCallerStepChanged)
    assert (change.from_step, change.to_step, change.reason) == (0, 2, "unmeetable")
    assert any(isinstance(d, Announce) for d in out.decisions)


def test_logout_of_the_last_qualified_agent_moves_waiting_callers_on_and_login_never_moves_back():
    r = Router(guangxi())
    r.login(agent("z", zhuang=5, pension=5), 0)
    r.login(agent("m", mandarin=5, pension=5), 0)
    r.arrive(call("m1", at=0), 0)
    r.arrive(call("z1", "zhuang", "pension", at=0), 0)
    r.answered("m1", "m", 1)
    r.answered("z1", "z", 1)
    r.arrive(call("c", "zhuang", "pension", at=2), 2)
    r.pause("z", "break", 2)  # takes effect after the call and its wrap-up
    r.hangup("z1", 3)
    r.tick(49)
    assert r.agent_view("z").state == "paused"
    assert r.call_view("c", 49).step == 1  # paused agents still count: Zhuang steps are kept
    out = r.logout("z", 50)
    [change] = events_of(out, QueueCallerStepChanged)
    assert (change.call_id, change.from_step, change.to_step, change.reason) == ("c", 1, 2, "unmeetable")
    assert offers(out) == []  # m is still busy
    # Back again, z may still take c (relaxing widened c's pool) but c stays at its step.
    assert offers(r.login(agent("z", zhuang=5, pension=5), 51)) == [("c", "z")]
    assert r.call_view("c", 51).step == 2


def test_a_freed_agent_takes_the_highest_effective_wait_among_calls_it_can_take():
    r = Router(one_step_config("mandarin>=1", max_bonus_seconds=60))
    r.login(agent("a", mandarin=3), 0)
    r.arrive(call("busy", at=0), 0)
    r.answered("busy", "a", 0)
    r.arrive(call("old", at=10), 10)
    r.arrive(call("elderly", at=50, elderly=45), 50)  # effective wait from 5
    r.arrive(call("capped", at=80, elderly=500, repeat=500), 80)  # bonus capped at 60: from 20
    out = r.hangup("busy", 100)
    assert offers(out) == [("elderly", "a")]
    order = [v.call_id for v in r.waiting_calls(100)]
    assert order == ["elderly", "old", "capped"]


def test_equal_effective_waits_are_served_first_come_first_served():
    r = Router(one_step_config())
    r.login(agent("a", mandarin=3), 0)
    r.arrive(call("busy", at=0), 0)
    r.answered("busy", "a", 0)
    r.arrive(call("later", at=30, repeat=20), 30)  # effective from 10
    r.arrive(call("earlier", at=10), 10)  # effective from 10, came first
    assert offers(r.hangup("busy", 40)) == [("earlier", "a")]


def test_a_freed_agent_ignores_calls_whose_current_step_it_does_not_meet():
    r = Router(guangxi())
    r.login(agent("z", zhuang=5, pension=5, mandarin=2), 0)
    r.arrive(call("busy", "zhuang", "pension", at=0), 0)
    r.answered("busy", "z", 0)
    r.login(agent("m", mandarin=4, medical=4), 0)
    r.arrive(call("m_busy", "mandarin", "medical", at=0), 0)
    r.answered("m_busy", "m", 0)
    r.arrive(call("mand", "mandarin", "medical", at=1), 1)  # z cannot meet mandarin>=3
    r.arrive(call("zh", "zhuang", "pension", at=2), 2)
    r.hangup("busy", 5)
    assert offers(r.tick(5 + 45)) == [("zh", "z")]  # "mand" waited longer but needs mandarin>=3
    assert r.call_view("mand", 50).state is CallState.WAITING


def test_the_only_idle_speaker_of_a_scarce_dialect_is_kept_for_its_callers():
    r = Router(guangxi(scarce_horizon_seconds=0))
    r.login(agent("z", zhuang=5, mandarin=5, medical=5), 0)
    r.login(agent("m", mandarin=4, medical=3), 1)  # idle longer would not matter: z matches better
    r.login(agent("z2", zhuang=5, pension=5), 0)
    r.arrive(call("zb", "zhuang", "pension", at=0), 0)
    r.answered("zb", "z2", 1)
    r.arrive(call("zwait", "zhuang", "pension", at=2), 2)  # z lacks pension: waits for its step 1
    out = r.arrive(call("c", "mandarin", "medical", at=3), 3)
    assert offers(out) == [("c", "m")]


def test_the_guard_yields_when_no_one_else_could_take_the_call():
    r = Router(guangxi(scarce_horizon_seconds=0))
    r.login(agent("z", zhuang=5, mandarin=5, medical=5), 0)
    r.login(agent("z2", zhuang=5, pension=5), 0)
    r.arrive(call("zb", "zhuang", "pension", at=0), 0)
    r.arrive(call("zwait", "zhuang", "pension", at=2), 2)
    assert offers(r.arrive(call("c", "mandarin", "medical", at=3), 3)) == [("c", "z")]


def test_the_guard_also_holds_when_the_dialects_arrival_rate_says_a_caller_is_due():
    r = Router(guangxi(scarce_horizon_seconds=60, arrival_window_seconds=600))
    r.login(agent("m", mandarin=4, medical=3), 0)
    r.login(agent("z", zhuang=5, mandarin=5, medical=5), 1)
    for i in range(12):  # 12 Zhuang callers in 10 minutes: more than one a minute
        r.arrive(call(f"z{i}", "zhuang", "medical", at=i), i)
        r.answered(f"z{i}", "z", i)
        r.hangup(f"z{i}", i + 0.5)
        r.tick(i + 0.5 + 45)
    r.tick(100)
    assert offers(r.arrive(call("c", "mandarin", "medical", at=101), 101)) == [("c", "m")]
    quiet = Router(guangxi(scarce_horizon_seconds=60))
    quiet.login(agent("m", mandarin=4, medical=3), 0)
    quiet.login(agent("z", zhuang=5, mandarin=5, medical=5), 1)
    assert offers(quiet.arrive(call("c", "mandarin", "medical", at=101), 101)) == [("c", "z")]


def test_a_step_can_ask_for_a_callback_offer():
    r = Router(guangxi())
    r.login(agent("m", mandarin=5, pension=5), 0)
    r.arrive(call("busy", at=0), 0)
    r.answered("busy", "m", 0)
    r.arrive(call("c", at=1), 1)
    out = r.tick(301)
    assert OfferCallback("c", "PJSIP/trunk-c") in out.decisions


def test_a_step_climbed_early_for_want_of_agents_does_not_offer_the_callback_before_its_time():
    r = Router(guangxi())  # nobody logged in: every step is unmeetable, the top one at 300 s offers
    out = r.arrive(call("c", at=1), 1)
    assert r.call_view("c", 1).step == len(r.config.ladder("mandarin", "pension").steps) - 1
    assert not [d for d in out.decisions if isinstance(d, OfferCallback)]
    assert OfferCallback("c", "PJSIP/trunk-c") not in r.tick(300).decisions
    assert OfferCallback("c", "PJSIP/trunk-c") in r.tick(301).decisions  # the step's own time


def test_a_ladder_step_falls_due_exactly_on_its_timer_despite_float_rounding():
    # (2.3 + 30) - 2.3 < 30 in binary floating point: the step must still be taken at 32.3.
    r = Router(guangxi())
    r.login(agent("z", zhuang=5, pension=5), 0)
    r.arrive(call("busy", "zhuang", "pension", at=0), 0)
    r.arrive(call("c", "zhuang", "pension", at=2.3), 2.3)
    out = r.tick(2.3 + 30)
    assert [e.to_step for e in events_of(out, QueueCallerStepChanged)] == [1]


def test_relaxing_keeps_the_callers_place():
    r = Router(guangxi())
    r.login(agent("zz", zhuang=5, pension=5), 0)  # meets every step
    r.arrive(call("busy", "zhuang", "pension", at=0), 0)
    r.answered("busy", "zz", 0)
    r.arrive(call("early", "zhuang", "pension", at=1), 1)
    r.arrive(call("late", "zhuang", "pension", at=40), 40)
    r.tick(60)
    assert [(v.call_id, v.step) for v in r.waiting_calls(60)] == [("early", 1), ("late", 0)]
    r.hangup("busy", 61)
    assert offers(r.tick(61 + 45)) == [("early", "zz")]


def test_relaxing_widens_the_pool_a_dialect_speaker_still_qualifies_after_the_mandarin_step():
    r = Router(guangxi())
    r.login(agent("z", zhuang=3), 0)  # only ever meets the Zhuang step zhuang>=2
    r.login(agent("zz", zhuang=5, pension=5), 0)
    r.login(agent("m", mandarin=5, pension=5), 0)
    for call_id, agent_id in (("b1", "zz"), ("b2", "m")):
        r.arrive(call(call_id, "zhuang" if agent_id == "zz" else "mandarin", "pension", at=0), 0)
        r.answered(call_id, agent_id, 0)
    r.pause("z", "break", 0)
    r.arrive(call("c", "zhuang", "pension", at=1), 1)
    r.tick(100)
    assert r.call_view("c", 100).step == 2  # the Mandarin step
    assert offers(r.unpause("z", 101)) == [("c", "z")]


def test_a_phone_that_cannot_be_reached_pauses_the_agent_for_the_phone_and_is_tried_again_later():
    r = Router(one_step_config("mandarin>=3", phone_retry_seconds=60))
    r.login(agent("d", mandarin=5), 0)
    assert offers(r.arrive(call("c", at=1), 1)) == [("c", "d")]
    r.unreached("c", "d", 1.01)
    view = r.agent_view("d")
    assert (view.state, view.pause_reason, view.misses) == (AgentState.PAUSED, PauseReason.NO_PHONE, 0)
    assert r.call_view("c", 2).state is CallState.WAITING  # the caller keeps their place
    assert offers(r.tick(60)) == []  # no ring storm: nothing until the back-off has passed
    assert offers(r.tick(61.01)) == [("c", "d")]


def test_a_registration_that_says_the_phone_is_down_outlasts_the_back_off():
    r = Router(one_step_config("mandarin>=3", phone_retry_seconds=60))
    r.login(agent("d", mandarin=5), 0)
    r.arrive(call("c", at=1), 1)
    r.unreached("c", "d", 1.01)
    r.phone("d", False, 10)  # the registration's word from now on
    assert offers(r.tick(100)) == [] and r.agent_view("d").pause_reason is PauseReason.NO_PHONE
    assert offers(r.phone("d", True, 101)) == [("c", "d")]
