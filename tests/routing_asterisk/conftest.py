"""A router on the real sandbox: the adapter on the test's AMI client, short ladders."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import pytest

from ivr.agi import AgiServer
from ivr.ami import AmiClient
from routing import Agent, Ladder, LadderStep, Requirement, Router, RouterConfig
from routing.asterisk import AgentDesk, RouterAdapter, hold_handler
from tests.support.stacks import started_stacks

MANDARIN_AFTER = 2.0  # seconds before a Zhuang pension caller may go to a Mandarin agent


def short_ladders(**overrides: object) -> RouterConfig:
    ladders = {
        ("zhuang", "pension"): Ladder((
            LadderStep(0, Requirement.of(zhuang=4, pension=3)),
            LadderStep(MANDARIN_AFTER, Requirement.of(mandarin=3), announce="mandarin_agent_notice"),
        )),
        ("mandarin", "pension"): Ladder((LadderStep(0, Requirement.of(mandarin=3)),)),
    }
    settings = dict(ring_timeout=1.5, max_consecutive_misses=2, default_wrap_up_seconds=0.2,
                    retry_seconds=0.3, scarce_horizon_seconds=0)
    settings.update(overrides)
    return RouterConfig(ladders=ladders, **settings)  # type: ignore[arg-type]


def agent(agent_id: str, phone: str, **skills: int) -> Agent:
    return Agent(id=agent_id, name=agent_id, endpoint=f"Local/{phone}@test-agents/n", proficiencies=skills)


class RoutingStack:
    def __init__(self, ami: AmiClient, agi: AgiServer, config: RouterConfig, *, node: str = "",
                 others: Mapping[str, AmiClient] | None = None) -> None:
        self.router = Router(config)
        self.adapter = RouterAdapter(self.router, ami, tick_interval=0.1, node=node, others=others)
        self.events: list[object] = []
        self._changed = asyncio.Event()
        self.adapter.listeners.append(self._record)
        agi.routes["hold"] = hold_handler(self.adapter)
        self.roster: dict[str, Agent] = {}
        self.desk = AgentDesk(self.adapter, self.roster)

    async def start(self) -> None:
        await self.adapter.start()

    async def stop(self) -> None:
        await self.adapter.stop()

    async def login(self, *agents: Agent) -> None:
        for a in agents:
            self.roster[a.id] = a
            self.desk.roster[a.id] = a
            await self.desk.login(a.id)

    def _record(self, event: object) -> None:
        self.events.append(event)
        self._changed.set()

    def of(self, kind: str, **fields: object) -> list[Any]:
        return [e for e in self.events if type(e).__name__ == kind
                and all(getattr(e, k) == v for k, v in fields.items())]

    async def wait(self, condition: Callable[[], Any], timeout: float = 15.0) -> Any:
        """Until `condition()` is true, re-checked on every router event (no polling)."""
        async with asyncio.timeout(timeout):
            while not (result := condition()):
                self._changed.clear()
                await self._changed.wait()
        return result


@pytest.fixture
async def make_stack(ami: AmiClient, agi_server: AgiServer) -> AsyncIterator:
    def build(**overrides: object) -> RoutingStack:
        return RoutingStack(ami, agi_server, short_ladders(**overrides))

    async with started_stacks(ami, build, hang_up=("caller", "agents")) as make:
        yield make
