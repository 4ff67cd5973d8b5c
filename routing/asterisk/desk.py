"""Agents' own controls (log in, log out, pause, unpause): the service interface the API and
`ivrctl agent` use. Each is one router command, carried out through the adapter."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from routing import Agent, Outcome, PauseReason, RouterError
from routing.asterisk.adapter import RouterAdapter
from routing.asterisk.presence import PresenceFile


log = logging.getLogger("routing.asterisk")


class UnknownAgent(LookupError):
    pass


class AgentDesk:
    def __init__(self, adapter: RouterAdapter, roster: Mapping[str, Agent], presence: PresenceFile | None = None) -> None:
        self.adapter = adapter
        self.roster = dict(roster)
        self.presence_file = presence
        self._presence: dict[str, PauseReason | None] = {}

    async def restore(self) -> None:
        """Log back in, as they were, the agents who were in when the service last stopped."""
        if self.presence_file is None:
            return
        for agent_id, reason in self.presence_file.load().items():
            if agent_id not in self.roster:
                continue  # left the roster meanwhile
            try:
                await self.login(agent_id, reason)
            except RouterError as exc:
                log.warning("agent %s not restored: %s", agent_id, exc)

    def _remember(self, agent_id: str, present: bool, reason: PauseReason | None = None) -> None:
        if present:
            self._presence[agent_id] = reason
        else:
            self._presence.pop(agent_id, None)
        if self.presence_file is not None:
            self.presence_file.save(self._presence)

    def _agent(self, agent_id: str) -> Agent:
        try:
            return self.roster[agent_id]
        except KeyError:
            raise UnknownAgent(f"no agent {agent_id!r} in the roster") from None

    async def login(self, agent_id: str, paused: PauseReason | None = None) -> Outcome:
        agent = self._agent(agent_id)
        outcome = await self.adapter.command(lambda now: self.adapter.router.login(agent, now, paused))
        self._remember(agent_id, True, paused)
        return outcome

    async def logout(self, agent_id: str) -> Outcome:
        self._agent(agent_id)
        outcome = await self.adapter.command(lambda now: self.adapter.router.logout(agent_id, now))
        self._remember(agent_id, False)
        return outcome

    async def pause(self, agent_id: str, reason: PauseReason) -> Outcome:
        self._agent(agent_id)
        outcome = await self.adapter.command(lambda now: self.adapter.router.pause(agent_id, reason, now))
        self._remember(agent_id, True, reason)
        return outcome

    async def unpause(self, agent_id: str) -> Outcome:
        self._agent(agent_id)
        outcome = await self.adapter.command(lambda now: self.adapter.router.unpause(agent_id, now))
        self._remember(agent_id, True)
        return outcome


__all__ = ["AgentDesk", "RouterError", "UnknownAgent"]
