"""The embedded database as a `SelfServiceBackend` (the default backend).

Blocking SQLAlchemy work runs in a small thread pool of its own, one transaction per call, so
the FastAGI event loop never waits on the database. Any database failure or a call slower
than `timeout` surfaces as `BackendUnavailable`.

    backend = SqlBackend.from_settings()                  # HOTLINE_* environment
    backend = SqlBackend.from_url(url, id_hash_key=k1, pin_hash_key=k2)   # explicit
    ...
    backend.close()
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from hotline.db import store
from hotline.db.credentials import hash_pin, id_digest, is_slow, pin_matches
from hotline.db.engine import make_engine, session_factory
from hotline.db.settings import DatabaseSettings
from hotline.db.timings import DbTimings, Stopwatch
from ivr.selfservice.audit import AuditEntry
from ivr.selfservice.backend import BackendUnavailable, CardNotReportable
from ivr.selfservice.id_number import IdNumber
from ivr.selfservice.lockout import LockoutPolicy, PinAccepted, PinOutcome
from ivr.selfservice.pin import Pin
from ivr.selfservice.records import Balances, Card, InsuredPerson, LossReport
from ivr.selfservice.reference import new_reference as make_reference

log = logging.getLogger(__name__)
T = TypeVar("T")
P = ParamSpec("P")
DEFAULT_WORKERS = 8
DEFAULT_POLICY = LockoutPolicy()

# The transactions whose commit need not wait for PostgreSQL to flush its log: the reads,
# whose only write is their own audit row (who looked up what). The project's policy:
# a database crash may lose the last fraction of a second of these rows, never corrupt
# anything, and no caller waits on a flush to hear a balance. Whatever changes what a caller
# can do next (failed-PIN counts, lockouts, card status and loss reports, with their audit
# rows) and the flows' own audit events are not listed, so they commit durably: anything
# added to the store later does too unless it is put here. No-op on SQLite.
RELAXED_COMMIT: frozenset[Callable[..., object]] = frozenset(
    {store.identify, store.pin_hash_of, store.balances, store.current_card}
)
# And the PIN checks that accept: their writes only clear (the failure count, a legacy hash
# replaced by its keyed form) and add the check's audit row, so a crash that loses one leaves
# the stricter state (failures still counted, the old hash kept), never a laxer one. They
# hold the person's row lock to the end (every check for that person waits for it); waiting
# for the log flush under it queued each person's callers behind the disk (the SIP bench,
# all callers one person: PIN # to balance p99 of seconds). A later durable commit flushes
# the log up to itself, so nothing that depends on such a check can outlive it in a crash.
RELAXED_WHEN: dict[Callable[..., object], Callable[[object], bool]] = {
    store.check_pin: lambda outcome: isinstance(outcome, PinAccepted),
    store.record_pin_check: lambda outcome: isinstance(outcome, PinAccepted),
}
_RELAX = "SET LOCAL synchronous_commit TO off"  # this transaction only


def utc_now() -> datetime:
    return datetime.now(UTC)


class SqlBackend:
    def __init__(
        self,
        engine: Engine,
        id_hash_key: bytes,
        pin_hash_key: bytes,
        *,
        policy: LockoutPolicy = DEFAULT_POLICY,
        timeout: float = 3.0,
        clock: Callable[[], datetime] = utc_now,
        new_reference: Callable[[datetime], str] = make_reference,
        workers: int = DEFAULT_WORKERS,
    ) -> None:
        self.engine = engine
        self._sessions = session_factory(engine)
        self._can_relax = engine.dialect.name == "postgresql"
        self._key = id_hash_key
        self._pin_key = pin_hash_key
        self._policy = policy
        self._timeout = timeout
        self._clock = clock
        self._new_reference = new_reference
        self.timings = DbTimings()  # where each transaction's time went (the SIP bench reads it)
        self._pin_turns = Turns()
        self._workers = workers
        self._executor = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="selfservice-db"
        )
        # Legacy scrypt PIN hashes (until each is upgraded on its next successful check) are
        # checked here, holding no database connection, so lookups never queue behind them
        # for a database thread. One thread: it is tens of milliseconds of CPU a check, and
        # the cores it leaves free are where the lookups, the FastAGI loop and the database run.
        self._hashing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pin-hash")

    @classmethod
    def from_url(
        cls,
        url: str | URL,
        *,
        id_hash_key: bytes,
        pin_hash_key: bytes,
        workers: int = DEFAULT_WORKERS,
        **options,
    ) -> SqlBackend:  # type: ignore[no-untyped-def]
        # No pre-ping: _run tries a transaction again when its connection was already gone.
        engine = make_engine(url, pool_size=workers, pre_ping=False)
        return cls(engine, id_hash_key, pin_hash_key, workers=workers, **options)

    @classmethod
    def from_settings(cls, settings: DatabaseSettings, **options) -> SqlBackend:  # type: ignore[no-untyped-def]
        return cls.from_url(
            settings.resolved_url(),
            id_hash_key=settings.id_key(),
            pin_hash_key=settings.pin_key(),
            policy=settings.lockout_policy(),
            timeout=settings.backend_timeout_seconds,
            **options,
        )

    def warm(self) -> Future[int]:
        """Open the pool's connections now, on a database thread, so the first callers after
        a start do not each wait for a new server connection (up to a second on a busy
        machine: the SIP bench's first burst). PostgreSQL only; a database that is down is
        logged and left to the first calls. The future gives how many were opened."""
        def open_all() -> int:
            if self.engine.dialect.name != "postgresql":
                return 0
            connections = []
            try:
                for _ in range(self._workers):
                    connections.append(self.engine.connect())
            except SQLAlchemyError as exc:
                log.warning("self-service backend: could not open its connections at start (%s)", type(exc).__name__)
            finally:
                for connection in connections:
                    connection.close()  # back to the pool, open
            return len(connections)

        return self._executor.submit(open_all)

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        self._hashing.shutdown(wait=True)
        self.engine.dispose()

    # --- SelfServiceBackend -------------------------------------------------------------

    async def identify(self, id_number: IdNumber) -> InsuredPerson | None:
        digest, masked, now = id_digest(self._key, id_number.value), id_number.masked, self._clock()
        return await self._transaction("identify", store.identify, digest, masked, now)

    async def verify_pin(self, person: InsuredPerson, pin: Pin, now: datetime) -> PinOutcome:
        # Checks of one person's PIN take that person's row lock in turn. They wait for it here,
        # on the event loop, not each on a database thread: callers of one person (a shared
        # demo account, a family) must not fill the pool and queue everyone else's look-ups.
        async with self._pin_turns.turn(person.key):
            return await self._verify_pin(person, pin, now)

    async def _verify_pin(self, person: InsuredPerson, pin: Pin, now: datetime) -> PinOutcome:
        # A keyed hash takes microseconds, so it is compared inside the one transaction that
        # locks the person's row and records the outcome. A legacy scrypt hash is compared
        # holding no lock nor connection, on the hashing thread, between reading it and
        # recording the outcome; once its PIN is accepted the record step replaces it with
        # the keyed form.
        def keyed_match(stored: str) -> bool | None:
            return None if is_slow(stored) else pin_matches(self._pin_key, pin.digits, stored)

        outcome = await self._transaction("verify_pin", store.check_pin, person, keyed_match, now, self._policy)
        if outcome is not None:
            return outcome
        stored = await self._transaction("verify_pin", store.pin_hash_of, person)
        upgrade: str | None = None
        if is_slow(stored):
            matched = await self._guarded(
                "verify_pin", self._hashing, lambda: pin_matches(self._pin_key, pin.digits, stored)
            )
            upgrade = hash_pin(self._pin_key, pin.digits) if matched else None
        else:  # upgraded meanwhile by another call
            with _unavailable_on_failure("verify_pin"):
                matched = pin_matches(self._pin_key, pin.digits, stored)
        return await self._transaction(
            "verify_pin",
            store.record_pin_check,
            person,
            matched,
            now,
            self._policy,
            store.PinUpgrade(stored, upgrade) if upgrade is not None else None,
        )

    async def get_balances(self, person: InsuredPerson) -> Balances:
        return await self._transaction("get_balances", store.balances, person, self._clock())

    async def get_card(self, person: InsuredPerson) -> Card | None:
        return await self._transaction("get_card", store.current_card, person, self._clock())

    async def report_card_lost(
        self, card: Card, caller_number: str, channel: str, now: datetime
    ) -> LossReport:
        report = await self._transaction(
            "report_card_lost",
            store.report_card_lost,
            card,
            caller_number,
            channel,
            now,
            self._new_reference,
        )
        if report is None:
            raise CardNotReportable("this card cannot be reported lost by phone")
        return report

    async def audit(self, entry: AuditEntry) -> None:
        await self._transaction("audit", store.append_audit, entry)

    # --- plumbing -----------------------------------------------------------------------

    async def _transaction(
        self,
        operation: str,
        step: Callable[Concatenate[Session, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """One store step in a transaction of its own, on a database thread."""
        submitted = time.perf_counter()
        return await self._guarded(
            operation, self._executor, lambda: self._run(operation, submitted, step, *args, **kwargs)
        )

    async def _guarded(self, operation: str, executor: ThreadPoolExecutor, work: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        with _unavailable_on_failure(operation):
            future = loop.run_in_executor(executor, work)
            return await asyncio.wait_for(future, self._timeout)

    def _run(
        self,
        operation: str,
        submitted: float,
        step: Callable[Concatenate[Session, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        watch = Stopwatch(submitted)
        queued = watch.lap()
        try:
            return self._attempt(operation, queued, watch, step, *args, **kwargs)
        except DBAPIError as exc:
            # The connection was gone (a restarted database, a server that cut it) and the
            # failure came before COMMIT: the server kept nothing of this transaction, and the
            # pool has since dropped every connection as old as this one, so once more, on a
            # fresh one. This is what the pool's pre-ping bought, without a round trip on every
            # checkout. A COMMIT that got no answer is never repeated: whether it took effect
            # is unknown (SQLAlchemy reports no statement for it).
            if not (exc.connection_invalidated and exc.statement is not None):
                raise
            log.info("self-service backend: connection lost before commit, trying once more")
            return self._attempt(operation, queued + watch.lap(), watch, step, *args, **kwargs)

    def _attempt(
        self,
        operation: str,
        queued: float,
        watch: Stopwatch,
        step: Callable[Concatenate[Session, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        with self._sessions.begin() as session:
            connection = session.connection()  # the pool's checkout (a new connection if none is idle)
            checkout = watch.lap()
            if self._can_relax and step in RELAXED_COMMIT:
                connection.exec_driver_sql(_RELAX)
            result = step(session, *args, **kwargs)
            relax_if = RELAXED_WHEN.get(step)
            if self._can_relax and relax_if is not None and relax_if(result):
                connection.exec_driver_sql(_RELAX)  # read at COMMIT: not too late
            statements = watch.lap()
        self.timings.record(operation, queued, checkout, statements, watch.lap())
        return result


class Turns:
    """One at a time per key, in arrival order, on the event loop; a key nobody waits for
    holds nothing."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


@contextmanager
def _unavailable_on_failure(operation: str) -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        # Whatever went wrong, the caller must reach an agent rather than dead air, so
        # every failure becomes BackendUnavailable. Driver messages can quote data (a
        # duplicate key's value), so only the class name is logged; the original stays
        # chained on the exception.
        expected = isinstance(exc, SQLAlchemyError | store.StaleKey | TimeoutError | OSError)
        log.log(
            logging.WARNING if expected else logging.ERROR,
            "self-service backend: %s failed (%s)",
            operation,
            type(exc).__name__,
        )
        raise BackendUnavailable(f"{operation} failed ({type(exc).__name__})") from exc
