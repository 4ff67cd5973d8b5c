"""A tiny signal: parts of the service connect handlers and resynchronise when it fires."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger("ivr.ami")


class Signal:
    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[Callable[..., Awaitable[None] | None]] = []

    def connect(self, handler: Callable[..., Awaitable[None] | None]) -> None:
        self._handlers.append(handler)

    def disconnect(self, handler: Callable[..., Awaitable[None] | None]) -> None:
        self._handlers.remove(handler)

    async def emit_and_wait(self, *args: Any) -> None:
        """Run every handler (async ones awaited); one failing handler does not stop the rest."""
        for handler in list(self._handlers):
            try:
                result = handler(*args)
                if asyncio.iscoroutine(result):
                    await result
            except Exception:
                log.exception("%s handler %r failed", self.name, handler)
