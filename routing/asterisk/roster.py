"""The agents a centre has, from config/agents.yaml (who they are, not whether they are in).

Read through the one strict configuration layer: a misspelt `proficiences:` or a top-level
typo is refused with its line, never a service started with skill-less or zero agents. Which
skills exist is hotline.yaml's to say: the cross-file check (hotline.config) holds the two
together.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator

from ivr.menu.issues import ConfigError
from ivr.menu.limits import ReadLimits, read_config_text
from ivr.menu.loader import parse_model
from ivr.menu.models import Sourced, _Strict
from routing import Agent
from routing.skills import MAX_LEVEL, MIN_LEVEL


class RosterError(ConfigError):
    """agents.yaml cannot be used; `issues` says where and why."""


class AgentSpec(_Strict):
    id: str
    name: str
    endpoint: str  # the agent's phone, e.g. PJSIP/1001
    proficiencies: dict[str, int] = Field(default_factory=dict)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: object) -> object:
        # `id: 1001` unquoted is an integer to YAML; an agent id is text.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("proficiencies")
    @classmethod
    def _levels(cls, value: dict[str, int]) -> dict[str, int]:
        for skill, level in value.items():
            if not MIN_LEVEL <= level <= MAX_LEVEL:
                raise ValueError(f"{skill}: level {level} is outside {MIN_LEVEL}-{MAX_LEVEL} (leave a skill out for 0)")
        return value


class RosterSpec(Sourced):
    agents: list[AgentSpec]


def parse_roster(text: str, file: str = "agents.yaml", limits: ReadLimits | None = None) -> dict[str, Agent]:
    try:
        spec = parse_model(text, file, RosterSpec, "config/agents.yaml", limits)
    except ConfigError as error:
        raise RosterError(error.issues) from None
    agents: dict[str, Agent] = {}
    issues = []
    for index, item in enumerate(spec.agents):
        if item.id in agents:
            issues.append(spec.source.issue("duplicate-name", ("agents", index, "id"), f"agent id '{item.id}' is used twice",
                                            "give every agent their own id"))
            continue
        agents[item.id] = Agent(id=item.id, name=item.name, endpoint=item.endpoint, proficiencies=item.proficiencies)
    if issues:
        raise RosterError(issues)
    return agents


def roster_sources(text: str, file: str = "agents.yaml", limits: ReadLimits | None = None) -> RosterSpec:
    """The checked file with its lines, for the cross-file checks."""
    try:
        return parse_model(text, file, RosterSpec, "config/agents.yaml", limits)
    except ConfigError as error:
        raise RosterError(error.issues) from None


def load_roster(path: Path, limits: ReadLimits | None = None) -> dict[str, Agent]:
    try:
        text = read_config_text(path, limits)
    except ConfigError as error:
        raise RosterError(error.issues) from None
    return parse_roster(text, str(path), limits)
