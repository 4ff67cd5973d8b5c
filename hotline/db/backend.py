"""The embedded database as a `SelfServiceBackend` (the default backend).

Blocking SQLAlchemy work runs in a small thread pool of its own, one transaction per call, so
the FastAGI event loop never waits on the database. Any database failure or a call slower
than `timeout` surfaces as `BackendUnavailable`.

    backend = SqlBackend.from_settings()                  # HOTLINE_* environment
    backend = SqlBackend.from_url(url, id_hash_key=key)   # explicit
    ...
    backend.close()
"""

from __future__ import annotations

import asyncio
import os
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from hotline.db import store
from hotline.db.credentials import id_digest, pin_matches
from hotline.db.engine import make_engine, session_factory
from hotline.db.settings import DatabaseSettings
from ivr.selfservice.audit import AuditEntry
from ivr.selfservice.backend import BackendUnavailable, CardNotReportable
from ivr.selfservice.id_number import IdNumber
from ivr.selfservice.lockout import LockoutPolicy, PinOutcome
from ivr.selfservice.pin import Pin
from ivr.selfservice.records import Balances, Card, InsuredPerson, LossReport
from ivr.selfservice.reference import new_reference as make_reference

log = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_WORKERS = 8
DEFAULT_POLICY = LockoutPolicy()


def utc_now() -> datetime:
    return datetime.now(UTC)


class SqlBackend:
    def __init__(
        self,
        engine: Engine,
        id_hash_key: bytes,
        *,
        policy: LockoutPolicy = DEFAULT_POLICY,
        timeout: float = 3.0,
        clock: Callable[[], datetime] = utc_now,
        new_reference: Callable[[datetime], str] = make_reference,
        workers: int = DEFAULT_WORKERS,
    ) -> None:
        self.engine = engine
        self._sessions = session_factory(engine)
        self._key = id_hash_key
        self._policy = policy
        self._timeout = timeout
        self._clock = clock
        self._new_reference = new_reference
        self._executor = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="selfservice-db"
        )
        # The slow PIN hash runs here, holding no database connection, so lookups never
        # queue behind PIN checks for a database thread. One thread a core: it is CPU work.
        self._hashing = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="pin-hash")

    @classmethod
    def from_url(
        cls, url: str | URL, *, id_hash_key: bytes, workers: int = DEFAULT_WORKERS, **options
    ) -> SqlBackend:  # type: ignore[no-untyped-def]
        return cls(make_engine(url, pool_size=workers), id_hash_key, workers=workers, **options)

    @classmethod
    def from_settings(cls, settings: DatabaseSettings | None = None, **options) -> SqlBackend:  # type: ignore[no-untyped-def]
        settings = settings or DatabaseSettings()
        return cls.from_url(
            settings.resolved_url(),
            id_hash_key=settings.id_key(),
            policy=settings.lockout_policy(),
            timeout=settings.backend_timeout_seconds,
            **options,
        )

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        self._hashing.shutdown(wait=True)
        self.engine.dispose()

    # --- SelfServiceBackend -------------------------------------------------------------

    async def identify(self, id_number: IdNumber) -> InsuredPerson | None:
        digest, masked, now = id_digest(self._key, id_number.value), id_number.masked, self._clock()
        return await self._transaction("identify", lambda s: store.identify(s, digest, masked, now))

    async def verify_pin(self, person: InsuredPerson, pin: Pin, now: datetime) -> PinOutcome:
        # Three steps: read the stored hash, compare it (slow) holding no lock nor connection,
        # then record the outcome.
        stored = await self._transaction("verify_pin", lambda s: store.pin_hash_of(s, person))
        matched = await self._guarded("verify_pin", self._hashing, lambda: pin_matches(pin.digits, stored))
        return await self._transaction(
            "verify_pin", lambda s: store.record_pin_check(s, person, matched, now, self._policy)
        )

    async def get_balances(self, person: InsuredPerson) -> Balances:
        now = self._clock()
        return await self._transaction("get_balances", lambda s: store.balances(s, person, now))

    async def get_card(self, person: InsuredPerson) -> Card | None:
        now = self._clock()
        return await self._transaction("get_card", lambda s: store.current_card(s, person, now))

    async def report_card_lost(
        self, card: Card, caller_number: str, channel: str, now: datetime
    ) -> LossReport:
        report = await self._transaction(
            "report_card_lost",
            lambda s: store.report_card_lost(
                s, card, caller_number, channel, now, self._new_reference
            ),
        )
        if report is None:
            raise CardNotReportable("this card cannot be reported lost by phone")
        return report

    async def audit(self, entry: AuditEntry) -> None:
        await self._transaction("audit", lambda s: store.append_audit(s, entry))

    # --- plumbing -----------------------------------------------------------------------

    async def _transaction(self, operation: str, work: Callable[[Session], T]) -> T:
        return await self._guarded(operation, self._executor, lambda: self._run(work))

    async def _guarded(self, operation: str, executor: ThreadPoolExecutor, work: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(executor, work)
            return await asyncio.wait_for(future, self._timeout)
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

    def _run(self, work: Callable[[Session], T]) -> T:
        with self._sessions.begin() as session:
            return work(session)
