"""Agents' own controls (log in, log out, pause, unpause): the service interface the API and
`ivrctl agent` use. Each is one router command, carried out through the adapter."""

from __future__ import annotations

from collections.abc import Mapping

from routing import Agent, Outcome, PauseReason, RouterError
from routing.asterisk.adapter import RouterAdapter


class UnknownAgent(LookupError):
    pass


class AgentDesk:
    def __init__(self, adapter: RouterAdapter, roster: Mapping[str, Agent]) -> None:
        self.adapter = adapter
        self.roster = dict(roster)

    def _agent(self, agent_id: str) -> Agent:
        try:
            return self.roster[agent_id]
        except KeyError:
            raise UnknownAgent(f"no agent {agent_id!r} in the roster") from None

    async def login(self, agent_id: str, paused: PauseReason | None = None) -> Outcome:
        agent = self._agent(agent_id)
        return await self.adapter.command(lambda now: self.adapter.router.login(agent, now, paused))

    async def logout(self, agent_id: str) -> Outcome:
        self._agent(agent_id)
        return await self.adapter.command(lambda now: self.adapter.router.logout(agent_id, now))

    async def pause(self, agent_id: str, reason: PauseReason) -> Outcome:
        self._agent(agent_id)
        return await self.adapter.command(lambda now: self.adapter.router.pause(agent_id, reason, now))

    async def unpause(self, agent_id: str) -> Outcome:
        self._agent(agent_id)
        return await self.adapter.command(lambda now: self.adapter.router.unpause(agent_id, now))


__all__ = ["AgentDesk", "RouterError", "UnknownAgent"]
