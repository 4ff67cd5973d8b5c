"""The lease keeper (pure): rules, and a simulated pair of services that never act at once.

The simulation plays two keepers against a model of the lease row (the same rule as the SQL:
granted to its holder, or to anyone once expired, by the database's clock), with requests and
answers delayed, lost and timed out at random, and services that crash.
"""

from __future__ import annotations

import heapq
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.cluster.lease import (
    Activate, Failed, Granted, LeaseKeeper, LeaseTerms, Refused, Role, StandDown, TryLease,
)

TERMS = LeaseTerms(ttl_s=5.0, renew_every_s=1.0, margin_s=1.5)


def test_a_grant_makes_a_standby_active_until_ttl_minus_margin_after_it_was_sent() -> None:
    keeper = LeaseKeeper(TERMS)
    assert keeper.tick(0.0) == [TryLease()]
    assert keeper.result(Granted(sent_at=0.0, now=0.2, epoch=7)) == [Activate(7)]
    assert keeper.may_act(3.49) and not keeper.may_act(3.5)


def test_a_renewal_extends_the_time_to_act_without_a_second_activation() -> None:
    keeper = LeaseKeeper(TERMS)
    keeper.tick(0.0)
    keeper.result(Granted(0.0, 0.1, 1))
    assert keeper.tick(1.0) == [TryLease()]
    assert keeper.result(Granted(1.0, 1.1, 1)) == []
    assert keeper.may_act(4.4)


def test_an_active_service_that_cannot_renew_stands_down_on_time() -> None:
    keeper = LeaseKeeper(TERMS)
    keeper.tick(0.0)
    keeper.result(Granted(0.0, 0.1, 1))
    for now in (1.0, 2.0, 3.0):
        assert keeper.tick(now) == [TryLease()]
        assert keeper.result(Failed(now + 0.2, "timeout")) == []
    assert keeper.next_wakeup() == 3.5
    assert keeper.tick(3.5) == [StandDown("the lease was not renewed in time")]
    assert keeper.role is Role.STANDBY and not keeper.may_act(3.5)


def test_a_refusal_stands_an_active_service_down_at_once() -> None:
    keeper = LeaseKeeper(TERMS)
    keeper.tick(0.0)
    keeper.result(Granted(0.0, 0.1, 1))
    keeper.tick(1.0)
    assert keeper.result(Refused(1.1)) == [StandDown("another service holds the lease")]


def test_a_grant_that_arrives_too_late_to_act_on_is_not_acted_on() -> None:
    keeper = LeaseKeeper(TERMS)
    keeper.tick(0.0)
    assert all(not isinstance(c, Activate) for c in keeper.result(Granted(0.0, 3.6, 1)))
    assert not keeper.may_act(3.6)


def test_terms_that_leave_no_time_to_renew_are_refused() -> None:
    with pytest.raises(ValueError, match="renew_every_s"):
        LeaseTerms(ttl_s=3.0, renew_every_s=2.0, margin_s=1.5)


class Row:
    """The lease row, as the database's statement treats it."""

    def __init__(self, terms: LeaseTerms = TERMS) -> None:
        self.terms = terms
        self.holder: str | None = None
        self.epoch = 0
        self.expires_at = float("-inf")

    def attempt(self, who: str, at: float) -> int | None:
        if self.holder == who or at >= self.expires_at:
            if self.holder != who:
                self.epoch += 1
            self.holder, self.expires_at = who, at + self.terms.ttl_s
            return self.epoch
        return None


delay = st.floats(min_value=0.0, max_value=2.5)


@pytest.mark.parametrize("terms", [TERMS, LeaseTerms()], ids=["long", "shipped"])
@settings(max_examples=300, deadline=None)
@given(st.data())
def test_two_services_never_act_at_the_same_time(terms: LeaseTerms, data: st.DataObject) -> None:
    row = Row(terms)
    keepers = {"a": LeaseKeeper(terms), "b": LeaseKeeper(terms)}
    crash = {name: data.draw(st.one_of(st.none(), st.floats(0.0, 30.0)), label=f"crash {name}") for name in keepers}
    queue: list[tuple[float, int, str, str, object]] = []
    order = itertools.count()

    def push(at: float, name: str, kind: str, payload: object = None) -> None:
        heapq.heappush(queue, (at, next(order), name, kind, payload))

    for name in keepers:
        push(data.draw(st.floats(0.0, 2.0), label=f"start {name}"), name, "tick")
    while queue:
        now, _, name, kind, payload = heapq.heappop(queue)
        if now > 40.0:
            break
        if crash[name] is not None and now >= crash[name]:
            continue  # a crashed service does nothing more
        keeper = keepers[name]
        if kind == "tick":
            commands = keeper.tick(now)
        elif kind == "execute":  # the request reaches the database
            sent_at = payload
            epoch = row.attempt(name, now)
            if data.draw(st.booleans(), label="answer lost"):
                push(sent_at + 2.0, name, "result", Failed(sent_at + 2.0, "timeout"))  # type: ignore[operator]
            else:
                answer_at = now + data.draw(delay, label="answer delay")
                result = Granted(sent_at, answer_at, epoch) if epoch is not None else Refused(answer_at)  # type: ignore[arg-type]
                push(answer_at, name, "result", result)
            continue
        else:
            commands = keeper.result(payload)  # type: ignore[arg-type]
        for command in commands:
            if isinstance(command, TryLease):
                if data.draw(st.booleans(), label="request lost"):
                    push(now + 2.0, name, "result", Failed(now + 2.0, "timeout"))
                else:
                    push(now + data.draw(delay, label="request delay"), name, "execute", now)
        if keeper.next_wakeup() > now:
            push(keeper.next_wakeup(), name, "tick")
        acting = [n for n, k in keepers.items() if k.may_act(now) and (crash[n] is None or now < crash[n])]
        assert len(acting) <= 1, (now, acting)


def test_a_slow_answer_does_not_stretch_the_time_to_act_past_the_lease() -> None:
    """The grant's time to act counts from when the request was sent, not when the answer came:
    the database started the lease's clock somewhere in between."""
    row, a, b = Row(), LeaseKeeper(TERMS), LeaseKeeper(TERMS)
    a.tick(0.0)
    epoch = row.attempt("a", 0.1)  # the lease expires at 5.1 by the database's clock
    assert a.result(Granted(sent_at=0.0, now=2.0, epoch=epoch or 0)) == [Activate(1)]
    b.tick(5.2)
    assert b.result(Granted(5.2, 5.3, row.attempt("b", 5.2) or 0)) == [Activate(2)]
    assert not (a.may_act(5.3) and b.may_act(5.3))
