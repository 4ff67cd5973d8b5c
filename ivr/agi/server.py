"""Our FastAGI server: Asterisk connects per AGI() call, we route by script name.

Written for this project rather than taken from panoramisk 1.4, whose FastAGI crashes on
non-async handlers (Python 3.11), dies on multi-line 520 replies, and reads every reply off
by one after an inline HANGUP (each checked here against Asterisk 22).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from ivr.agi.session import AgiError, AgiHangup, AgiSession, AgiTimeout

log = logging.getLogger("ivr.agi")

AgiHandler = Callable[[AgiSession], Awaitable[None]]


@dataclass
class AgiStats:
    sessions: int = 0
    active: int = 0
    hangups: int = 0
    timeouts: int = 0
    errors: int = 0
    unknown_scripts: int = 0
    durations: list[float] = field(default_factory=list)  # recent session durations, seconds

    def record(self, seconds: float) -> None:
        self.durations.append(seconds)
        del self.durations[:-1000]


class AgiServer:
    def __init__(
        self,
        routes: Mapping[str, AgiHandler],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        read_timeout: float = 10.0,
        on_session_end: Callable[[str, float, str], None] | None = None,
    ) -> None:
        self.routes = dict(routes)
        self.host = host
        self.port = port
        self.read_timeout = read_timeout
        self.stats = AgiStats()
        self._on_session_end = on_session_end
        self._server: asyncio.Server | None = None
        self._sessions: set[asyncio.Task[None]] = set()

    @property
    def serving(self) -> bool:
        return self._server is not None and self._server.is_serving()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("FastAGI listening on %s:%s (%s)", self.host, self.port, ", ".join(sorted(self.routes)))

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._sessions):
            task.cancel()
        await asyncio.gather(*self._sessions, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._sessions.add(task)
        session = AgiSession(reader, writer, self.read_timeout)
        started = time.perf_counter()
        self.stats.sessions += 1
        self.stats.active += 1
        outcome = "ok"
        try:
            await session.read_environment()
            handler = self.routes.get(session.script)
            if handler is None:
                outcome = "unknown_script"
                self.stats.unknown_scripts += 1
                log.error("FastAGI: no handler for script %r (have %s)", session.script, sorted(self.routes))
                await session.set_variable("HOTLINE_AGI_ERROR", "unknown-script")
                return
            await handler(session)
        except AgiHangup:
            outcome = "hangup"
            self.stats.hangups += 1
            log.info("FastAGI %s: caller hung up", session.script)
        except AgiTimeout as exc:
            outcome = "timeout"
            self.stats.timeouts += 1
            log.warning("FastAGI %s: %s", session.script, exc)
        except (AgiError, ConnectionError) as exc:
            outcome = "error"
            self.stats.errors += 1
            log.warning("FastAGI %s: %s", session.script, exc)
        except Exception:
            outcome = "error"
            self.stats.errors += 1
            log.exception("FastAGI %s: handler failed", session.script)
        finally:
            elapsed = time.perf_counter() - started
            self.stats.active -= 1
            self.stats.record(elapsed)
            session.close()
            self._sessions.discard(task)
            if self._on_session_end is not None:
                self._on_session_end(session.script, elapsed, outcome)
