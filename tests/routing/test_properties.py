"""Property tests of the router's invariants over random histories (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from routing import AgentState, CallState, Party, PauseReason, Router
from routing.events import CallEnded, QueueCallerStepChanged
from routing.placement import is_protected
from tests.routing.world import RAW_NUMBER, agent, call, guangxi, offers, one_step_config

DIALECTS = ("mandarin", "zhuang", "cantonese")
LINES = ("pension", "medical")
levels = st.integers(min_value=0, max_value=5)
profiles = st.fixed_dictionaries({skill: levels for skill in DIALECTS + LINES}).map(
    lambda p: {skill: level for skill, level in p.items() if level}
)
# Agents who can take Mandarin callers and may also speak a dialect, not well enough to take its
# waiting callers' first step: the situations where the guard has a choice to make.
line_agents = st.builds(
    lambda mandarin, pension, medical, extra: {"mandarin": mandarin, "pension": pension, "medical": medical, **extra},
    st.integers(3, 5), st.integers(3, 5), st.integers(3, 5),
    st.one_of(st.just({}), st.builds(lambda d, level: {d: level}, st.sampled_from(DIALECTS[1:]), st.integers(2, 3))),
)
fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

OPS = ("arrive", "arrive", "arrive", "answer", "answer", "rona", "hangup", "hangup", "leave",
       "login", "logout", "pause", "unpause", "tick", "callback", "unanswered", "unreached", "lost")


class Books:
    """What the test has seen: every call ever arrived, ended calls, highest steps."""

    def __init__(self) -> None:
        self.arrived: set[str] = set()
        self.ended: dict[str, int] = {}
        self.step: dict[str, int] = {}

    def absorb(self, outcome) -> None:
        for ev in outcome.events:
            call_id = getattr(ev, "call_id", None)
            assert call_id not in self.ended, f"event after the end of {call_id}: {ev}"
            if isinstance(ev, CallEnded):
                self.ended[call_id] = 1
            if isinstance(ev, QueueCallerStepChanged):
                # down only once, when a caller takes a callback
                assert ev.to_step > ev.from_step or ev.reason == "callback"
                if ev.reason == "callback":
                    self.step[call_id] = ev.to_step
        assert RAW_NUMBER not in repr(outcome)


def check_books(r: Router, books: Books) -> None:
    holders: dict[str, str] = {}
    for agent_id, seat in r.seats.items():
        holding = seat.state in (AgentState.OFFERED, AgentState.ON_CALL)
        assert holding == (seat.call_id is not None), seat
        if holding:
            assert seat.call_id not in holders, "two agents hold one call"
            holders[seat.call_id] = agent_id
            entry = r.calls[seat.call_id]
            assert entry.agent_id == agent_id
            expected = CallState.OFFERED if seat.state is AgentState.OFFERED else CallState.CONNECTED
            assert entry.state is expected
        assert (agent_id in r.idle) == (seat.state is AgentState.AVAILABLE)
    waiting = 0
    for call_id, entry in r.calls.items():
        assert entry.state in (CallState.WAITING, CallState.OFFERED, CallState.CONNECTED)
        assert call_id not in books.ended
        if entry.state is CallState.WAITING:
            waiting += 1
            assert entry.agent_id is None and entry.place in r.queues.places(entry.bucket)
        else:
            assert holders.get(call_id) == entry.agent_id
        assert entry.step >= books.step.get(call_id, 0), "a caller moved back down its ladder"
        if entry.call.callback:
            assert entry.step <= r.callback_top[(entry.call.dialect, entry.call.business)]
        books.step[call_id] = entry.step
    assert r.queues.total == waiting
    assert books.arrived == set(r.calls) | set(books.ended)


@fast
@given(
    profiles_=st.lists(profiles, min_size=1, max_size=6),
    ops=st.lists(
        st.tuples(st.sampled_from(OPS), st.integers(0, 50), st.floats(0, 40), st.integers(0, 1000)),
        min_size=1, max_size=60,
    ),
)
def test_random_histories_keep_the_books_consistent(profiles_, ops):
    r = Router(guangxi(max_consecutive_misses=2, retry_seconds=5, scarce_horizon_seconds=60))
    books, now, serial = Books(), 0.0, 0
    for index, profile in enumerate(profiles_):
        books.absorb(r.login(agent(f"a{index}", **profile), now))
    for op, pick, dt, extra in ops:
        now += dt
        calls = sorted(r.calls)
        offered = sorted(c for c, e in r.calls.items() if e.state is CallState.OFFERED)
        logged_in = sorted(r.seats)
        logged_out = [f"a{i}" for i in range(len(profiles_)) if f"a{i}" not in r.seats]
        outcome = None
        if op == "arrive":
            serial += 1
            c = call(f"c{serial}", DIALECTS[extra % 3], LINES[extra % 2], at=now,
                     elderly=(extra % 7) * 20, repeat=(extra % 5) * 30)
            books.arrived.add(c.id)
            outcome = r.arrive(c, now)
        elif op in ("answer", "rona", "unreached") and offered:
            call_id = offered[pick % len(offered)]
            agent_id = r.calls[call_id].agent_id
            if op == "answer":
                outcome = r.answered(call_id, agent_id, now)
            elif op == "rona":
                outcome = r.ring_no_answer(call_id, agent_id, now)
            else:  # the phone could not be reached: paused for it, tried again after the back-off
                outcome = r.unreached(call_id, agent_id, now)
        elif op == "hangup" and calls:
            outcome = r.hangup(calls[pick % len(calls)], now, by=Party.AGENT if extra % 2 else Party.CALLER)
        elif op == "leave" and calls:
            call_id = calls[pick % len(calls)]
            if r.calls[call_id].state is not CallState.CONNECTED:
                outcome = r.leave(call_id, now)
        elif op == "lost" and calls:  # Asterisk went away with the call
            outcome = r.lost(calls[pick % len(calls)], now)
        elif op == "callback" and calls:
            call_id = calls[pick % len(calls)]
            if r.calls[call_id].state is not CallState.CONNECTED:
                outcome = r.keep_place(call_id, now)
        elif op == "unanswered" and calls:
            call_id = calls[pick % len(calls)]
            agent_id = r.calls[call_id].agent_id
            if agent_id is not None:
                outcome = r.callback_unanswered(call_id, agent_id, now)
        elif op == "login" and logged_out:
            agent_id = logged_out[pick % len(logged_out)]
            outcome = r.login(agent(agent_id, **profiles_[int(agent_id[1:])]), now)
        elif op == "logout" and logged_in:
            agent_id = logged_in[pick % len(logged_in)]
            if r.seats[agent_id].state is not AgentState.ON_CALL:
                outcome = r.logout(agent_id, now)
        elif op == "pause" and logged_in:
            outcome = r.pause(logged_in[pick % len(logged_in)], list(PauseReason)[extra % 3], now)
        elif op == "unpause" and logged_in:
            outcome = r.unpause(logged_in[pick % len(logged_in)], now)
        if outcome is None:
            outcome = r.tick(now)
        books.absorb(outcome)
        check_books(r, books)


@fast
@given(
    arrivals=st.lists(
        st.tuples(st.floats(0, 600), st.sampled_from([0, 0, 30, 60, 200]), st.sampled_from([0, 0, 45, 90])),
        min_size=2, max_size=40,
    ),
    cap=st.sampled_from([0.0, 60.0, 120.0]),
)
def test_one_agent_serves_by_effective_wait_then_fcfs_and_nobody_starves(arrivals, cap):
    r = Router(one_step_config(max_bonus_seconds=cap))
    r.login(agent("a", mandarin=3), 0)
    r.arrive(call("first", at=0), 0)
    r.answered("first", "a", 0)  # the agent is busy while everyone else arrives
    order = sorted(range(len(arrivals)), key=lambda i: arrivals[i][0])
    for i in order:
        at, elderly, repeat = arrivals[i]
        r.arrive(call(f"c{i}", at=at, elderly=elderly, repeat=repeat), at)
    served, now, current = [], 700.0, "first"
    while True:
        outcome = r.hangup(current, now)
        if not outcome.offers:
            break
        [(current, _)] = offers(outcome)
        served.append(int(current[1:]))
        r.answered(current, "a", now)
        now += 10
    assert sorted(served) == sorted(order)  # everyone is served

    def key(i):
        at, elderly, repeat = arrivals[i]
        return (at - min(cap, elderly + repeat), at, order.index(i))

    assert served == sorted(served, key=key)  # highest effective wait first, ties FCFS
    for earlier_pos, x in enumerate(served):
        for y in served[earlier_pos + 1:]:
            # Bounded overtaking: no one who arrived more than `cap` s after y is served before y.
            assert arrivals[x][0] <= arrivals[y][0] + cap


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    idle_profiles=st.lists(st.one_of(line_agents, line_agents, line_agents, profiles), min_size=1, max_size=6),
    waiting_dialects=st.lists(st.sampled_from(DIALECTS[1:]), max_size=3),  # Mandarin ones get taken
    new_call=st.tuples(st.sampled_from(("mandarin", "mandarin") + DIALECTS[1:]), st.sampled_from(LINES)),
)
def test_the_scarce_skill_guard_holds(idle_profiles, waiting_dialects, new_call):
    config = guangxi(scarce_horizon_seconds=0)  # guard by waiting callers only, observable here
    r = Router(config)
    # Waiting callers first, with nobody logged in who could take them quickly: a busy agent
    # meeting every step keeps their ladders (and so the "waiting" demand) in place.
    blocker = agent("blocker", **{s: 5 for s in DIALECTS + LINES})
    r.login(blocker, 0)
    r.arrive(call("b", at=0), 0)
    r.answered("b", "blocker", 0)
    for i, dialect in enumerate(waiting_dialects):
        r.arrive(call(f"w{i}", dialect, "medical", at=1), 1)
    for i, profile in enumerate(idle_profiles):
        r.login(agent(f"a{i}", **profile), 2)
    # Snapshot of what the guard sees, taken from public views before the decision.
    idle = {v.agent_id: v.proficiencies for v in r.agent_views() if v.state is AgentState.AVAILABLE}
    demand = {v.dialect for v in r.waiting_calls(2) if v.state is CallState.WAITING}
    speakers = {d: [a for a, p in idle.items() if p.get(d, 0) >= config.scarce_min_level] for d in DIALECTS}
    scarce = {d for d in DIALECTS if len(speakers[d]) <= config.scarce_idle_speakers and d in demand}
    dialect, business = new_call
    out = r.arrive(call("new", dialect, business, at=3), 3)
    chosen = [agent_id for call_id, agent_id in offers(out) if call_id == "new"]
    if not chosen:
        return
    guarded = lambda a: any(idle[a].get(d, 0) >= config.scarce_min_level and d != dialect for d in scarce)
    scarce_spoken = [a for a in idle if a != chosen[0] and guarded(a)]
    event(f"chosen agent guarded: {guarded(chosen[0])}; another guarded agent idle: {bool(scarce_spoken)}")
    if guarded(chosen[0]):
        # Spending a scarce speaker is allowed only when nobody unguarded could take the call.
        steps = config.ladder(dialect, business).steps[: r.call_view("new", 3).step + 1]
        may_take = lambda a: any(step.requirement.met_by(idle[a]) for step in steps)
        assert not [a for a in idle if a != chosen[0] and may_take(a) and not guarded(a)]
    assert is_protected(r.seats[chosen[0]], dialect, frozenset(scarce)) == guarded(chosen[0])
