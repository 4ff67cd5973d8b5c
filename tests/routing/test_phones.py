"""Agents whose phone is not registered (or stopped answering) are never offered a call."""

from __future__ import annotations

from routing import AgentState, PauseReason, Router
from routing.events import QueueMemberStatus
from tests.routing.world import agent, call, events_of, offers, one_step_config


def _state(router: Router, agent_id: str) -> tuple[AgentState, PauseReason | None]:
    view = router.agent_view(agent_id)
    assert view is not None
    return view.state, view.pause_reason


def test_an_available_agent_whose_phone_goes_is_paused_and_back_when_it_returns() -> None:
    router = Router(one_step_config())
    router.login(agent("a1"), 0)
    router.phone("a1", False, 1)
    assert _state(router, "a1") == (AgentState.PAUSED, PauseReason.NO_PHONE)
    assert offers(router.arrive(call("c1"), 2)) == []
    back = router.phone("a1", True, 3)
    assert offers(back) == [("c1", "a1")]
    assert router.phone_reachable("a1") and router.phone_reachable("never-reported")


def test_an_agent_logging_in_without_a_phone_is_not_offered_calls() -> None:
    router = Router(one_step_config())
    router.phone("a1", False, 0)  # known before the agent logs in
    router.arrive(call("c1"), 1)
    login = router.login(agent("a1"), 2)
    assert offers(login) == [] and _state(router, "a1") == (AgentState.PAUSED, PauseReason.NO_PHONE)
    assert offers(router.unpause("a1", 3)) == []  # unpausing does not make a phone
    assert _state(router, "a1") == (AgentState.PAUSED, PauseReason.NO_PHONE)
    assert not router.phone_reachable("a1")


def test_a_phone_lost_mid_call_pauses_the_agent_after_the_call() -> None:
    router = Router(one_step_config())
    router.login(agent("a1"), 0)
    router.arrive(call("c1"), 1)
    router.answered("c1", "a1", 2)
    assert events_of(router.phone("a1", False, 3), QueueMemberStatus) == []  # the call goes on
    router.arrive(call("c2"), 4)
    ended = router.hangup("c1", 5)
    assert offers(ended) == [] and _state(router, "a1") == (AgentState.PAUSED, PauseReason.NO_PHONE)


def test_an_agents_own_pause_outlasts_the_phone_coming_back() -> None:
    router = Router(one_step_config())
    router.login(agent("a1"), 0, PauseReason.BREAK)
    router.phone("a1", False, 1)
    router.phone("a1", True, 2)
    assert _state(router, "a1") == (AgentState.PAUSED, PauseReason.BREAK)


def test_repeated_reports_change_nothing() -> None:
    router = Router(one_step_config())
    router.login(agent("a1"), 0)
    assert events_of(router.phone("a1", True, 1), QueueMemberStatus) == []
    router.phone("a1", False, 2)
    assert events_of(router.phone("a1", False, 3), QueueMemberStatus) == []
