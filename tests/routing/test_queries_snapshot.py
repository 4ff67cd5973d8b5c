"""Views for the API and hold announcements; rebuilding the books after a restart."""

from routing import AgentSnapshot, AgentState, CallSnapshot, CallState, CancelOffer, Router, RouterSnapshot
from routing.snapshot import restore, take
from tests.routing.world import agent, call, guangxi, offers


def loaded_router() -> Router:
    r = Router(guangxi())
    r.login(agent("z", zhuang=5, pension=5), 0)
    r.login(agent("m", mandarin=5, pension=5), 0)
    r.login(agent("m2", mandarin=4, medical=4), 0)
    r.pause("m2", "break", 0)
    r.arrive(call("zb", "zhuang", "pension", at=0), 0)
    r.arrive(call("mb", "mandarin", "pension", at=0), 0)
    r.answered("zb", "z", 1)
    r.answered("mb", "m", 1)
    r.arrive(call("c1", "zhuang", "pension", at=10), 10)
    r.arrive(call("c2", "zhuang", "pension", at=20, elderly=30), 20)
    r.arrive(call("c3", "mandarin", "pension", at=30), 30)
    return r


def test_line_stats_count_waiting_calls_and_their_longest_wait():
    stats = {(s.dialect, s.business): s for s in loaded_router().line_stats(now=50)}
    zhuang = stats[("zhuang", "pension")]
    assert (zhuang.waiting, zhuang.offered, zhuang.longest_wait) == (2, 0, 40)
    assert stats[("mandarin", "pension")].waiting == 1
    assert stats[("hakka", "ss_card")].waiting == 0 and stats[("hakka", "ss_card")].longest_wait is None


def test_waiting_calls_show_their_ladder_step_in_serving_order():
    r = loaded_router()
    r.tick(50)  # queries read the books as of the last command; they do not move the clock
    views = r.waiting_calls(50, dialect="zhuang")
    assert [v.call_id for v in views] == ["c2", "c1"]  # c2's elderly bonus puts it first
    assert [v.step for v in views] == [1, 1]
    assert views[0].requirement == "zhuang>=2" and views[0].effective_wait == 60
    assert r.position("c2") == 1 and r.position("c1") == 2 and r.position("zb") is None


def test_eligible_and_available_agents():
    r = loaded_router()
    assert {a.agent_id for a in r.eligible_agents("mandarin", "medical")} == {"m2"}
    assert {a.agent_id for a in r.eligible_agents("mandarin", "medical", step=2)} == {"m", "m2"}
    assert r.available_agents("mandarin", "medical") == []
    r.unpause("m2", 60)
    assert [a.agent_id for a in r.available_agents("mandarin", "medical")] == ["m2"]


def test_estimated_wait_follows_recent_handle_times_and_queue_length():
    r = Router(guangxi(default_handle_seconds=100))
    r.login(agent("m", mandarin=5, pension=5), 0)
    assert r.estimated_wait("mandarin", "pension") == 100  # one agent, nobody ahead
    assert r.estimated_wait("zhuang", "medical") is not None  # Mandarin steps can take it
    r.arrive(call("a", at=0), 0)
    r.answered("a", "m", 0)
    r.hangup("a", 155)  # 155 s talk + 45 s wrap-up
    r.arrive(call("b", at=156), 156)
    r.arrive(call("c", at=157), 157)
    assert r.estimated_wait("mandarin", "pension") == 3 * 200
    assert r.estimated_wait_for("b", 160) == 200 and r.estimated_wait_for("c", 160) == 400
    empty = Router(guangxi())
    assert empty.estimated_wait("zhuang", "pension") is None


def test_snapshot_round_trip_keeps_states_places_and_steps():
    r = loaded_router()
    r.tick(50)
    copy, outcome = restore(r.config, take(r), now=50)
    assert outcome.offers == ()
    assert [(v.call_id, v.step) for v in copy.waiting_calls(50)] == [(v.call_id, v.step) for v in r.waiting_calls(50)]
    assert {a.agent_id: a.state for a in copy.agent_views()} == {a.agent_id: a.state for a in r.agent_views()}
    # Both carry on identically.
    r.hangup("zb", 60)
    copy.hangup("zb", 60)
    assert offers(r.tick(110)) == offers(copy.tick(110)) == [("c2", "z")]


def test_restore_from_asterisk_channels_serves_the_longest_waiting_first():
    # What the adapter can see after a restart: agents, and callers with their channel variables.
    waiting = [call(f"c{i}", "mandarin", "pension", at=100.0 - 10 * i) for i in range(3)]
    snapshot = RouterSnapshot(
        agents=(
            AgentSnapshot(agent("m", mandarin=5, pension=5), AgentState.AVAILABLE, since=90),
            AgentSnapshot(agent("z", zhuang=5, pension=5), AgentState.ON_CALL, since=95),
            AgentSnapshot(agent("r", mandarin=5, pension=2), AgentState.OFFERED, since=99),
        ),
        calls=(
            CallSnapshot(waiting[0]),
            CallSnapshot(waiting[1], CallState.OFFERED, agent_id="r"),
            CallSnapshot(waiting[2], step=1),
            CallSnapshot(call("talk", "zhuang", "pension", at=50), CallState.CONNECTED, agent_id="z", connected_at=95),
        ),
    )
    router, outcome = restore(guangxi(), snapshot, now=120)
    assert CancelOffer("c1", "r", "PJSIP/r") in outcome.decisions
    assert sorted(offers(outcome)) == [("c1", "r"), ("c2", "m")]  # the two longest waiting
    assert router.call_view("c0", 120).step == 0  # 20 s waited at the first step
    assert router.call_view("c2", 120).step >= 1  # recorded step kept, never lowered
    assert router.agent_view("z").call_id == "talk"


def test_agent_counts_agree_with_the_lists_on_every_line_and_step():
    r = loaded_router()
    r.unpause("m2", 60)
    r.logout("m2", 61)
    r.login(agent("h", hakka=4, ss_card=3, mandarin=3), 62)
    for (dialect, business), ladder in r.config.ladders.items():
        for step in range(len(ladder.steps)):
            expected = (len(r.eligible_agents(dialect, business, step)), len(r.available_agents(dialect, business, step)))
            assert r.agent_counts(dialect, business, step) == expected, (dialect, business, step)
    assert r.agent_counts("hakka", "ss_card") == (1, 1)
