"""The service lease row (one per lease name) and the statement that takes or renews it.

One statement, by the database's clock (clock_timestamp(), not the transaction's start): a
lease is granted to its holder, or to anyone once it has expired; the epoch grows when the
holder changes, so it doubles as a fencing token. PostgreSQL only: the embedded SQLite set-up
is one service on one machine and needs no lease.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from hotline.db.models import Base


class ServiceLeaseRow(Base):
    __tablename__ = "service_lease"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    epoch: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime]


TAKE_OR_RENEW = text("""
INSERT INTO service_lease AS lease (name, holder, epoch, expires_at)
VALUES (:name, :holder, 1, clock_timestamp() + make_interval(secs => :ttl))
ON CONFLICT (name) DO UPDATE
   SET holder = EXCLUDED.holder,
       epoch = lease.epoch + CASE WHEN lease.holder = EXCLUDED.holder THEN 0 ELSE 1 END,
       expires_at = EXCLUDED.expires_at
 WHERE lease.holder = EXCLUDED.holder OR lease.expires_at <= clock_timestamp()
RETURNING epoch
""")

RELEASE = text("UPDATE service_lease SET expires_at = clock_timestamp() WHERE name = :name AND holder = :holder")


# A write that could race the other service checks, in its own transaction, that this service
# still holds the lease at the epoch it acts under. No row lock (a writer cut off mid-transaction
# would keep it and stall the takeover); the lease cannot change hands before expires_at, and
# the holder stops acting a margin earlier, so a write that passed the check commits in time.
FENCE = text("""
SELECT 1 FROM service_lease
 WHERE name = :name AND holder = :holder AND epoch = :epoch AND expires_at > clock_timestamp()
""")


class Fenced(Exception):
    """This service no longer holds the lease at the epoch it acted under: the write is dropped."""


def check_fence(session: Session, *, holder: str, epoch: int, name: str = "active") -> None:
    if session.execute(FENCE, {"name": name, "holder": holder, "epoch": epoch}).first() is None:
        raise Fenced(f"lease {name!r} is no longer held by {holder!r} at epoch {epoch}")


class LeaseStore:
    """Takes or renews one named lease for one holder (blocking: call it off the event loop)."""

    def __init__(self, engine: Engine, holder: str, name: str = "active") -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("the service lease needs PostgreSQL (one service on SQLite needs none)")
        # One statement, committed by itself: a holder cut off after PostgreSQL ran it (the answer
        # lost) must not leave the row locked in an open transaction, or the standby's attempts
        # would wait on that lock for as long as the dead connection lingers.
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.holder = holder
        self.name = name

    def attempt(self, ttl_s: float) -> int | None:
        """The lease's epoch if this holder has it now, None if another holds it."""
        with self.engine.connect() as connection:
            epoch = connection.execute(TAKE_OR_RENEW, {"name": self.name, "holder": self.holder, "ttl": ttl_s}).scalar()
        return int(epoch) if epoch is not None else None

    def release(self) -> None:
        """Let the lease go now (a clean stop, after this holder has stopped acting): the standby
        is granted it at its next attempt instead of waiting for it to expire."""
        with self.engine.connect() as connection:
            connection.execute(RELEASE, {"name": self.name, "holder": self.holder})
