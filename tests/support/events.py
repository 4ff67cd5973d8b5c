"""Record every AMI event a test sees, and wait for the ones it expects (no sleeping)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from panoramisk.message import Message

from ivr.ami import AmiClient


class EventLog:
    def __init__(self, ami: AmiClient) -> None:
        self.events: list[Message] = []
        self._changed = asyncio.Condition()
        self._subscription = ami.subscribe("*", self._record)

    async def _record(self, message: Message) -> None:
        async with self._changed:
            self.events.append(message)
            self._changed.notify_all()

    def matching(self, event: str, **headers: str) -> list[Message]:
        return [
            m for m in self.events
            if m.get("Event") == event and all(m.get(k) == v for k, v in headers.items())
        ]

    async def wait(self, event: str, timeout: float = 10.0, **headers: str) -> Message:
        """The first event of that name whose headers match, recorded before or after now."""
        found = await self.wait_until(lambda: self.matching(event, **headers), timeout,
                                      f"{event} {headers}")
        return found[0]

    async def wait_until(self, condition: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
        async with self._changed:
            try:
                async with asyncio.timeout(timeout):
                    while not (result := condition()):
                        await self._changed.wait()
            except TimeoutError:
                seen = sorted({m.get("Event", "?") for m in self.events})
                raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}; "
                                     f"events seen: {seen}") from None
            return result

    def close(self) -> None:
        self._subscription.cancel()

    def __enter__(self) -> EventLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
