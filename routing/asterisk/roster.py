"""The agents a centre has, from config/agents.yaml (who they are, not whether they are in)."""

from __future__ import annotations

from pathlib import Path

import yaml

from routing import Agent


class RosterError(ValueError):
    pass


def load_roster(path: Path) -> dict[str, Agent]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RosterError(f"{path}: {exc}") from exc
    agents: dict[str, Agent] = {}
    for i, item in enumerate(data.get("agents", [])):
        try:
            agent = Agent(id=str(item["id"]), name=str(item["name"]), endpoint=str(item["endpoint"]),
                          proficiencies={k: int(v) for k, v in (item.get("proficiencies") or {}).items()})
        except (KeyError, TypeError, ValueError) as exc:
            raise RosterError(f"{path}: agents[{i}]: {exc}") from exc
        if agent.id in agents:
            raise RosterError(f"{path}: agents[{i}]: duplicate agent id {agent.id!r}")
        agents[agent.id] = agent
    return agents
