"""Small builders for router tests: agents, calls and configs with readable defaults."""

from __future__ import annotations

from routing import Agent, Call, Ladder, LadderStep, Requirement, RouterConfig
from routing.guangxi import default_config
from routing.skills import BUSINESS_LINES, DIALECTS

RAW_NUMBER = "13812345678"


def agent(agent_id: str, **levels: int) -> Agent:
    return Agent(agent_id, f"Agent {agent_id}", f"PJSIP/{agent_id}", levels)


def call(call_id: str, dialect: str = "mandarin", business: str = "pension", at: float = 0.0,
         elderly: float = 0.0, repeat: float = 0.0, number: str = RAW_NUMBER) -> Call:
    return Call(call_id, f"PJSIP/trunk-{call_id}", dialect, business, number, at, elderly, repeat)


def one_step_config(requirement: str = "", **overrides) -> RouterConfig:
    """Every line has a single step with the same requirement (default: anyone)."""
    ladder = Ladder((LadderStep(0, Requirement.parse(requirement)),))
    ladders = {(d, b): ladder for d in DIALECTS for b in BUSINESS_LINES}
    return RouterConfig(ladders=ladders, **{"default_wrap_up_seconds": 0.0, **overrides})


def guangxi(**overrides) -> RouterConfig:
    return default_config(**overrides)


def offers(outcome) -> list[tuple[str, str]]:
    return [(o.call_id, o.agent_id) for o in outcome.offers]


def events_of(outcome, kind) -> list:
    return [e for e in outcome.events if isinstance(e, kind)]
