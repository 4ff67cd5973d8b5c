"""The service's one way to talk to Asterisk's Manager Interface.

Wraps panoramisk 1.4 rather than forking it: its protocol parses and correlates, while this
client owns what panoramisk's Manager gets wrong (each checked here against Asterisk 22): connecting with
backoff, a wrong secret as a final error, a timeout on every action, a watchdog that notices
a stalled Asterisk, signals on (re)connection, and a close() that stops every task it started.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from panoramisk.message import Message

from ivr.ami.errors import ActionFailed, ActionTimeout, AmiError, AuthenticationError, NotConnected
from ivr.ami.events import TypedEvent
from ivr.ami.protocol import AmiAction, AmiProtocol, LinkCallbacks
from ivr.ami.settings import AmiSettings
from ivr.ami.signal import Signal

log = logging.getLogger("ivr.ami")

E = TypeVar("E", bound=TypedEvent)
Handler = Callable[[Any], Awaitable[None] | None]
ActionFields = Mapping[str, str | int | list[str]]


@dataclass(frozen=True)
class ListResult:
    """A list action's answer (EventList: start ... <X>Complete) as one value."""

    response: Message
    events: list[Message]
    complete: Message


class Subscription:
    def __init__(self, table: dict[Any, tuple[Any, ...]], key: Any, handler: Any):
        self._table, self._key, self._handler = table, key, handler

    def cancel(self) -> None:
        handlers = self._table.get(self._key, ())
        if self._handler in handlers:
            # a new tuple (copy on write): a dispatch in progress goes on over the old one
            kept = list(handlers)
            kept.remove(self._handler)
            self._table[self._key] = tuple(kept)


class AmiClient:
    def __init__(self, settings: AmiSettings) -> None:
        self.settings = settings
        self.connected = Signal("connected")  # handlers get no argument
        self.disconnected = Signal("disconnected")  # handlers get the reason (str)
        self.state = "idle"  # idle, connecting, connected, failed, closed
        self.reconnects = 0
        self.last_error: str | None = None
        self.asterisk_version: str | None = None
        # Handlers per event name as tuples, replaced whole on (un)subscribe: a dispatch
        # iterates them as they are, with no copy per event.
        self._by_name: dict[str, tuple[Handler, ...]] = {}
        self._by_type: dict[str, tuple[tuple[type[TypedEvent], Handler], ...]] = {}
        self._protocol: AmiProtocol | None = None
        self._lost: asyncio.Future[str] | None = None
        self._up = asyncio.Event()
        self._outcome: asyncio.Future[None] | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._pending: set[asyncio.Future[Any]] = set()
        # Events reach subscribers only while this says yes (a standby service of a pair acts
        # on nothing Asterisk reports; it reads the state back when it becomes active).
        self.event_gate: Callable[[], bool] | None = None

    # lifecycle -------------------------------------------------------------------------
    async def connect(self, timeout: float | None = None) -> None:
        """Start and wait for the first login. A wrong secret raises AuthenticationError at
        once; no Asterisk within `timeout` raises NotConnected and stops trying."""
        self.start()
        try:
            await self.wait_connected(timeout if timeout is not None else self.settings.connect_timeout * 3)
        except BaseException:
            await self.close()
            raise

    def start(self) -> None:
        """Keep a connection up in the background from now until close()."""
        if self._supervisor is None:
            self.state = "connecting"
            self._outcome = asyncio.get_running_loop().create_future()
            self._supervisor = asyncio.create_task(self._supervise(), name="ami-supervisor")

    async def wait_connected(self, timeout: float) -> None:
        if self.state == "failed" and self._outcome is not None and self._outcome.done():
            self._outcome.result()
        waiter = asyncio.ensure_future(self._up.wait())
        assert self._outcome is not None, "start() first"
        done, _ = await asyncio.wait({waiter, self._outcome}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        if self._up.is_set():
            return
        if self._outcome in done:
            self._outcome.result()  # raises the final error
        raise NotConnected(f"no AMI connection to {self.settings.host}:{self.settings.port} within {timeout} s"
                           + (f" (last error: {self.last_error})" if self.last_error else ""))

    @property
    def is_connected(self) -> bool:
        return self._up.is_set()

    async def close(self) -> None:
        was_up = self._up.is_set()
        self.state = "closed"
        if self._supervisor is not None:
            self._supervisor.cancel()
            await asyncio.gather(self._supervisor, return_exceptions=True)
        self._drop_connection("closed")
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._outcome is not None and not self._outcome.done():
            self._outcome.set_exception(NotConnected("client closed"))
            self._outcome.exception()  # retrieved: nobody need await it
        if was_up:
            await self.disconnected.emit_and_wait("closed")

    async def _supervise(self) -> None:
        backoff = self.settings.backoff_initial
        while self.state != "closed":
            self.state = "connecting"
            try:
                await self._connect_once()
            except AuthenticationError as exc:
                self.state, self.last_error = "failed", str(exc)
                log.error("AMI: %s; not retrying", exc)
                if self._outcome is not None and not self._outcome.done():
                    self._outcome.set_exception(exc)
                return
            except (TimeoutError, OSError, AmiError) as exc:
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.info("AMI: connect to %s:%s failed (%s); retrying in %.1f s",
                         self.settings.host, self.settings.port, self.last_error, backoff)
                await asyncio.sleep(backoff * random.uniform(0.8, 1.2))
                backoff = min(backoff * 2, self.settings.backoff_max)
                continue
            backoff = self.settings.backoff_initial
            self.state = "connected"
            self._up.set()
            log.info("AMI: connected to %s:%s (AMI %s)", self.settings.host, self.settings.port, self.asterisk_version)
            self._spawn(self.connected.emit_and_wait())
            reason = await self._watch()
            self._drop_connection(reason)
            self.reconnects += 1
            log.warning("AMI: connection lost (%s); reconnecting", reason)
            self._spawn(self.disconnected.emit_and_wait(reason))

    async def _connect_once(self) -> None:
        loop = asyncio.get_running_loop()
        lost: asyncio.Future[str] = loop.create_future()

        def on_lost(exc: Exception | None) -> None:
            if not lost.done():
                lost.set_result(f"connection lost: {exc}" if exc else "connection closed by Asterisk")

        callbacks = LinkCallbacks(self._dispatch, on_lost)
        timeout = self.settings.connect_timeout
        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
        # lands while the connect fails, and close() would then never stop this loop.
        async with asyncio.timeout(timeout):
            _, protocol = await loop.create_connection(
                lambda: AmiProtocol(callbacks), self.settings.host, self.settings.port
            )
        self._protocol, self._lost = protocol, lost
        try:
            login = protocol.send(AmiAction({"Action": "Login", "Username": self.settings.username,
                                          "Secret": self.settings.secret, "Events": "on"}), as_list=None)
            async with asyncio.timeout(timeout):
                reply = await asyncio.shield(login)
        except BaseException:
            self._drop_connection("login did not complete")
            raise
        if reply.get("Response") != "Success":
            self._drop_connection("login refused")
            message = reply.get("Message", "login refused")
            if "authentication" in message.lower():
                raise AuthenticationError(
                    f"Asterisk refused AMI user {self.settings.username!r} at "
                    f"{self.settings.host}:{self.settings.port}: {message}. Check the AMI secret.")
            raise AmiError(f"login failed: {message}")
        self.asterisk_version = protocol.version

    async def _watch(self) -> str:
        """Wait until the connection is lost or stalls; ping when the line is quiet."""
        assert self._protocol is not None and self._lost is not None
        interval = self.settings.ping_interval
        check = min(interval, 0.5)
        while True:
            done, _ = await asyncio.wait({self._lost}, timeout=check)
            if done:
                return self._lost.result()
            quiet = time.monotonic() - self._protocol.last_received
            if quiet >= self.settings.stall_timeout:
                log.error("AMI: Asterisk stalled: nothing received for %.1f s", quiet)
                return f"stalled: no answer for {quiet:.1f} s"
            if quiet >= interval:
                self._send_and_forget({"Action": "Ping"})

    def _drop_connection(self, reason: str) -> None:
        self._up.clear()
        protocol, self._protocol = self._protocol, None
        if protocol is not None and not protocol.closed:
            protocol.closed = True
            protocol.transport.abort()
        for future in list(self._pending):
            if not future.done():
                future.set_exception(NotConnected(f"AMI connection dropped before the answer ({reason})"))
        self._pending.clear()

    # actions ---------------------------------------------------------------------------
    async def send(self, action: ActionFields, *, timeout: float | None = None, check: bool = True) -> Message:
        """Send one action and return its response. `check` raises ActionFailed on an Error."""
        result = await self._request(action, timeout)
        response = result[0] if isinstance(result, list) else result
        if check and response.get("Response") in ("Error", "Fail", "Failure"):
            raise ActionFailed(str(action.get("Action")), response.get("Message", ""))
        return response

    async def send_list(self, action: ActionFields, *, timeout: float | None = None) -> ListResult:
        """Send a list action (CoreShowChannels, QueueStatus, ShowDialPlan, ...): one result."""
        result = await self._request(action, timeout)
        if not isinstance(result, list):
            if result.get("Response") == "Success":  # a list with no items and no Complete
                return ListResult(result, [], result)
            raise ActionFailed(str(action.get("Action")), result.get("Message", ""))
        return ListResult(result[0], list(result[1:-1]), result[-1])

    async def send_all(self, action: ActionFields, *, timeout: float | None = None) -> list[Message]:
        """Every message Asterisk correlates with the action (e.g. an async Originate's
        response and its OriginateResponse event), in order."""
        result = await self._request(action, timeout)
        return result if isinstance(result, list) else [result]

    async def command(self, command: str, *, timeout: float | None = None) -> str:
        """Run a CLI command; AMI 11 returns its output as Output: headers."""
        response = await self.send({"Action": "Command", "Command": command}, timeout=timeout)
        output = response.get("Output", [])
        return "\n".join(output if isinstance(output, list) else [output])

    async def _request(self, action: ActionFields, timeout: float | None) -> Any:
        timeout = self.settings.action_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        name = str(action.get("Action"))
        if not self._up.is_set():
            if self.state in ("closed", "failed", "idle"):
                raise NotConnected(f"cannot send {name}: AMI client is {self.state}")
            try:  # a reconnect may be moments away; wait for it within the action's timeout
                await asyncio.wait_for(self._up.wait(), timeout)
            except TimeoutError:
                raise NotConnected(f"cannot send {name}: no AMI connection ({self.last_error})") from None
        protocol = self._protocol
        assert protocol is not None
        packet = AmiAction(dict(action))
        future = protocol.send(packet, as_list=None)  # None: let the reply say if it is a list
        self._pending.add(future)
        try:
            return await asyncio.wait_for(asyncio.shield(future), max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            raise ActionTimeout(f"{name}: no answer from Asterisk within {timeout} s") from None
        finally:
            self._pending.discard(future)
            protocol.responses.pop(packet.id, None)
            protocol.responses.pop(packet.action_id, None)

    def _send_and_forget(self, action: ActionFields) -> None:
        protocol = self._protocol
        if protocol is None:
            return
        packet = AmiAction(dict(action))
        protocol.send(packet, as_list=None)
        # nobody awaits this answer; drop the bookkeeping when it comes
        packet.future.add_done_callback(lambda f: f.exception() if not f.cancelled() else None)
        asyncio.get_running_loop().call_later(self.settings.stall_timeout, self._forget, protocol, packet)

    @staticmethod
    def _forget(protocol: AmiProtocol, packet: AmiAction) -> None:
        protocol.responses.pop(packet.id, None)
        if not packet.future.done():
            packet.future.cancel()

    # events ----------------------------------------------------------------------------
    def subscribe(self, event: str | type[E], handler: Callable[[Any], Awaitable[None] | None]) -> Subscription:
        """Call `handler` for every event of that name ("*" for all), or typed: pass a class
        from ivr.ami.events or ivr.userevents and receive instances of it (a class whose
        from_message gives None for a message, another UserEvent say, is not called for it).
        Async handlers run as tasks."""
        if isinstance(event, str):
            self._by_name[event] = (*self._by_name.get(event, ()), handler)
            return Subscription(self._by_name, event, handler)
        entry: tuple[type[TypedEvent], Handler] = (event, handler)
        self._by_type[event.EVENT] = (*self._by_type.get(event.EVENT, ()), entry)
        return Subscription(self._by_type, event.EVENT, entry)

    def subscribed_events(self) -> frozenset[str]:
        """The names of the events someone is subscribed to now ("*" if to all)."""
        return frozenset(name for table in (self._by_name, self._by_type) for name, handlers in table.items()
                         if handlers)

    async def wait_for(self, event: str | type[E], predicate: Callable[[Any], bool] = lambda _: True,
                       timeout: float = 10.0) -> Any:
        """The next matching event, or asyncio.TimeoutError."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def check(item: Any) -> None:
            if not future.done() and predicate(item):
                future.set_result(item)

        subscription = self.subscribe(event, check)
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            subscription.cancel()

    def _dispatch(self, message: Message) -> None:
        if self.event_gate is not None and not self.event_gate():
            return
        # Every event the filter lets through comes here: nothing is allocated for an event
        # nobody handles, and a typed event is decoded once per class that wants it.
        name = message.get("Event", "")
        handlers = self._by_name.get(name)
        if handlers:
            for handler in handlers:
                self._call(handler, message)
        handlers = self._by_name.get("*")
        if handlers:
            for handler in handlers:
                self._call(handler, message)
        typed = self._by_type.get(name)
        if typed:
            decoded_as: type[TypedEvent] | None = None
            item: TypedEvent | None = None
            for cls, handler in typed:
                if cls is not decoded_as:
                    try:
                        item = cls.from_message(message)
                    except (KeyError, ValueError) as exc:
                        log.warning("AMI: cannot read %s event (%s); skipped", name, exc)
                        continue
                    decoded_as = cls
                if item is not None:  # None: not this class's event (another UserEvent, say)
                    self._call(handler, item)

    def _call(self, handler: Handler, item: Any) -> None:
        try:
            result = handler(item)
        except Exception:
            log.exception("AMI: event handler %r failed", handler)
            return
        if asyncio.iscoroutine(result):
            self._spawn(result)

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("AMI: handler task failed", exc_info=task.exception())

    @property
    def background_tasks(self) -> int:
        """Tasks this client runs now (0 after close(): nothing is left behind)."""
        supervisor = self._supervisor is not None and not self._supervisor.done()
        return len(self._tasks) + int(supervisor)

