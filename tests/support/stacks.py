"""Router stacks on the real sandbox for a test: made by a factory fixture, started as made,
stopped after the test in the order they were made, and no test call left in Asterisk."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Protocol, TypeVar

from ivr.ami import AmiClient


class Stack(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


S = TypeVar("S", bound=Stack)


async def hang_up_test_calls(ami: AmiClient, contexts: Sequence[str]) -> None:
    """Hang up every Local channel into the test-<context>- dialplan contexts: the next test's
    router resyncs from Asterisk, so leave it no caller of ours."""
    await ami.send({"Action": "Hangup", "Channel": f"/^Local\\/[^@]+@test-({'|'.join(contexts)})-/"},
                   check=False)


@asynccontextmanager
async def started_stacks(ami: AmiClient, build: Callable[..., S],
                         hang_up: Sequence[str]) -> AsyncIterator[Callable[..., Awaitable[S]]]:
    """Yields `make(**options)`: a stack from `build(**options)`, started. On leaving, every
    stack made is stopped, then the calls into the `hang_up` contexts are hung up."""
    stacks: list[S] = []

    async def make(**options: object) -> S:
        stack = build(**options)
        await stack.start()
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        await stack.stop()
    await hang_up_test_calls(ami, hang_up)
