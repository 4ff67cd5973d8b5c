"""The self-service tables (SQLAlchemy 2 typed models).

No column holds a full ID number or a PIN: persons are found by `id_digest` (keyed hash) and
shown by `masked_id`; PINs are scrypt hashes. Money is integer fen. Times are aware UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Enum, ForeignKey, Index, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from hotline.db.types import UtcDateTime
from ivr.selfservice.records import CardStatus


class AccountKind(StrEnum):
    PENSION = "pension"  # 基本养老保险个人账户
    MEDICAL = "medical"  # 基本医疗保险个人账户


def _values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


class Base(DeclarativeBase):
    # Named constraints so later migrations can drop or alter them on every database.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {datetime: UtcDateTime()}


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_digest: Mapped[str] = mapped_column(String(64), unique=True)
    masked_id: Mapped[str] = mapped_column(String(18))
    pin_hash: Mapped[str] = mapped_column(String(255))
    # Touched by every PIN check; the update doubles as the per-person lock for the check.
    pin_checked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    accounts: Mapped[list[InsuranceAccount]] = relationship(cascade="all, delete-orphan")
    cards: Mapped[list[SocialSecurityCard]] = relationship(cascade="all, delete-orphan")


class InsuranceAccount(Base):
    __tablename__ = "insurance_accounts"
    __table_args__ = (CheckConstraint("balance_fen >= 0", name="balance_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    kind: Mapped[AccountKind] = mapped_column(
        Enum(
            AccountKind,
            name="account_kind",
            native_enum=False,
            create_constraint=True,
            length=16,
            values_callable=_values,
        )
    )
    balance_fen: Mapped[int] = mapped_column(BigInteger)
    last_contribution_month: Mapped[date | None]  # first day of that month
    updated_at: Mapped[datetime]


Index(
    "uq_insurance_accounts_person_kind",
    InsuranceAccount.person_id,
    InsuranceAccount.kind,
    unique=True,
)


class SocialSecurityCard(Base):
    __tablename__ = "cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    card_number: Mapped[str] = mapped_column(String(32), unique=True)
    masked_number: Mapped[str] = mapped_column(String(32))
    status: Mapped[CardStatus] = mapped_column(
        Enum(
            CardStatus,
            name="card_status",
            native_enum=False,
            create_constraint=True,
            length=20,
            values_callable=_values,
        )
    )
    issued_on: Mapped[date]
    status_changed_at: Mapped[datetime]

    loss_reports: Mapped[list[CardLossReport]] = relationship(cascade="all, delete-orphan")


class CardLossReport(Base):
    __tablename__ = "loss_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    reported_at: Mapped[datetime]
    caller_number: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(64))


class PinFailure(Base):
    __tablename__ = "pin_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    failed_at: Mapped[datetime]


Index("ix_pin_failures_person_time", PinFailure.person_id, PinFailure.failed_at)


class Lockout(Base):
    __tablename__ = "lockouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    locked_at: Mapped[datetime]
    locked_until: Mapped[datetime]


Index("ix_lockouts_person_until", Lockout.person_id, Lockout.locked_until)


class AuditEvent(Base):
    """Append-only trail; identifiers are masked before they get here."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(40))
    person: Mapped[str | None] = mapped_column(String(18))
    card: Mapped[str | None] = mapped_column(String(32))
    caller: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(200))


# Call records, messages and callback tasks have their own module; importing it here puts
# their tables in Base.metadata wherever the models are loaded (migrations, schema checks).
from hotline.db import records as _records  # noqa: E402,F401
from hotline.db import lease as _lease  # noqa: E402,F401
