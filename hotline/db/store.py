"""The self-service operations on the embedded database, one transaction each (blocking).

Each function takes an open Session inside a transaction, applies the pure rules from
ivr.selfservice, writes its audit entry in the same transaction, and returns the domain
records the flows see. `hotline.db.backend` runs them off the event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from hotline.db.models import (
    AccountKind,
    AuditEvent,
    CardLossReport,
    InsuranceAccount,
    Lockout,
    Person,
    PinFailure,
    SocialSecurityCard,
)
from ivr.selfservice.audit import AuditEntry, audit_entry
from ivr.selfservice.lockout import (
    LockoutPolicy,
    PinAccepted,
    PinLocked,
    PinOutcome,
    PinRejected,
    after_wrong_pin,
    lock_in_force,
)
from ivr.selfservice.records import (
    AccountBalance,
    Balances,
    Card,
    CardStatus,
    InsuredPerson,
    LossReport,
    YearMonth,
)


class StaleKey(LookupError):
    """A person or card key from earlier in the call no longer exists."""


@dataclass(frozen=True)
class PinUpgrade:
    """Replace a legacy PIN hash, once its PIN is accepted, by the keyed form of that PIN."""

    old: str
    new: str = field(repr=False)


# A Core insert on the table, built once: the trail is write-only here, no need for the ORM's
# unit of work, and building `.values(...)` per row cost about as much CPU as the rest of a
# balance lookup (measured with bench.selfservice).
_AUDIT_INSERT = insert(AuditEvent.__table__)


def append_audit(session: Session, entry: AuditEntry) -> None:
    session.execute(
        _AUDIT_INSERT,
        {
            "at": entry.at,
            "action": entry.action,
            "outcome": entry.outcome,
            "person": entry.person,
            "card": entry.card,
            "caller": entry.caller,
            "channel": entry.channel,
            "detail": entry.detail,
        },
    )


# The reads every caller's call makes (identify, the PIN hash, the balances) are Core
# statements on the tables, built once: selected through the mapped classes, the ORM's
# compile and row handling cost about 0.23 ms of CPU a transaction, a fifth of a balance
# lookup's (measured, issue #5). They return plain values, so the ORM adds nothing here.
_PERSONS, _ACCOUNTS = Person.__table__, InsuranceAccount.__table__
_PERSON_BY_DIGEST = select(_PERSONS.c.id).where(_PERSONS.c.id_digest == bindparam("digest"))
_PIN_HASH = select(_PERSONS.c.pin_hash).where(_PERSONS.c.id == bindparam("person"))
_BALANCES = select(_ACCOUNTS.c.kind, _ACCOUNTS.c.balance_fen, _ACCOUNTS.c.last_contribution_month).where(
    _ACCOUNTS.c.person_id == bindparam("person"))


def identify(session: Session, digest: str, masked_id: str, now: datetime) -> InsuredPerson | None:
    person_id = session.scalar(_PERSON_BY_DIGEST, {"digest": digest})
    outcome = "found" if person_id is not None else "not_found"
    append_audit(session, audit_entry("identify", outcome, now, masked_id=masked_id))
    return InsuredPerson(str(person_id), masked_id) if person_id is not None else None


def pin_hash_of(session: Session, person: InsuredPerson) -> str:
    stored = session.scalar(_PIN_HASH, {"person": int(person.key)})
    if stored is None:
        raise StaleKey("person")
    return stored


def check_pin(
    session: Session,
    person: InsuredPerson,
    matches: Callable[[str], bool | None],
    now: datetime,
    policy: LockoutPolicy,
) -> PinOutcome | None:
    """A PIN check in one transaction: one statement locks the person's row and reads the
    stored hash, `matches` compares (the keyed hash: microseconds), then the lockout rule as
    in record_pin_check. None: `matches` would not judge the stored hash here (a legacy scrypt
    hash, tens of milliseconds of CPU): nothing but the check's time is written, and the
    caller goes the three-step way (pin_hash_of, compare, record_pin_check)."""
    stored = session.scalar(
        update(Person).where(Person.id == int(person.key)).values(pin_checked_at=now).returning(Person.pin_hash)
    )
    if stored is None:
        raise StaleKey("person")
    matched = matches(stored)
    if matched is None:
        return None
    return _apply_pin_rule(session, person, matched, now, policy, None)


def record_pin_check(
    session: Session,
    person: InsuredPerson,
    matched: bool,
    now: datetime,
    policy: LockoutPolicy,
    upgrade: PinUpgrade | None = None,
) -> PinOutcome:
    """Apply the lockout rule to a PIN already compared (the hash runs outside the
    transaction), and upgrade a legacy hash if the PIN is accepted. The first statement
    updates the person's row, which serialises concurrent checks for that person on
    PostgreSQL (row lock) and SQLite (write lock) alike."""
    touched = session.scalar(
        update(Person).where(Person.id == int(person.key)).values(pin_checked_at=now).returning(Person.id)
    )
    if touched is None:
        raise StaleKey("person")
    return _apply_pin_rule(session, person, matched, now, policy, upgrade)


def _apply_pin_rule(
    session: Session,
    person: InsuredPerson,
    matched: bool,
    now: datetime,
    policy: LockoutPolicy,
    upgrade: PinUpgrade | None,
) -> PinOutcome:
    """The lockout rule and the check's audit row, the person's row already locked."""
    person_id = int(person.key)
    outcome: PinOutcome
    lock_ends = session.scalars(
        select(Lockout.locked_until).where(
            Lockout.person_id == person_id, Lockout.locked_until > now
        )
    )
    held = lock_in_force(lock_ends, now)
    if held is not None:
        outcome = held
    elif matched:
        session.execute(delete(PinFailure).where(PinFailure.person_id == person_id))
        outcome = PinAccepted()
        if upgrade is not None:
            # Only over the hash the PIN was checked against: a PIN changed meanwhile stays.
            session.execute(
                update(Person)
                .where(Person.id == person_id, Person.pin_hash == upgrade.old)
                .values(pin_hash=upgrade.new)
            )
    else:
        session.add(PinFailure(person_id=person_id, failed_at=now))
        session.flush()
        failures = session.scalars(
            select(PinFailure.failed_at).where(
                PinFailure.person_id == person_id, PinFailure.failed_at > now - policy.window
            )
        )
        outcome = after_wrong_pin(policy, failures, now)
        if isinstance(outcome, PinLocked):
            session.add(Lockout(person_id=person_id, locked_at=now, locked_until=outcome.until))
            # The count starts afresh once the lock runs out.
            session.execute(delete(PinFailure).where(PinFailure.person_id == person_id))
    detail = "lock in force" if held is not None else None
    append_audit(
        session,
        audit_entry("verify_pin", _label(outcome), now, person=person, detail=detail),
    )
    return outcome


def _label(outcome: PinOutcome) -> str:
    match outcome:
        case PinAccepted():
            return "accepted"
        case PinRejected():
            return "rejected"
        case PinLocked():
            return "locked"


def balances(session: Session, person: InsuredPerson, now: datetime) -> Balances:
    rows = session.execute(_BALANCES, {"person": int(person.key)})
    accounts = {
        kind: AccountBalance(balance, YearMonth.of(month) if month is not None else None)
        for kind, balance, month in rows
    }
    found = Balances(accounts.get(AccountKind.PENSION), accounts.get(AccountKind.MEDICAL))
    append_audit(session, audit_entry("get_balances", "read", now, person=person))
    return found


def current_card(session: Session, person: InsuredPerson, now: datetime) -> Card | None:
    cards = session.scalars(
        select(SocialSecurityCard)
        .where(SocialSecurityCard.person_id == int(person.key))
        .order_by(SocialSecurityCard.issued_on.desc(), SocialSecurityCard.id.desc())
    ).all()
    # The latest card still in use; only if every card is cancelled, the latest of those.
    row = next(
        (c for c in cards if c.status is not CardStatus.CANCELLED), cards[0] if cards else None
    )
    card = _card_record(session, row) if row is not None else None
    outcome = card.status.value if card is not None else "no_card"
    append_audit(session, audit_entry("get_card", outcome, now, person=person, card=card))
    return card


def report_card_lost(
    session: Session,
    card: Card,
    caller_number: str,
    channel: str,
    now: datetime,
    new_reference: Callable[[datetime], str],
) -> LossReport | None:
    """The new or earlier report; None if the card cannot be reported by phone (the caller
    raises then, after this transaction has committed its audit entry)."""
    card_id = int(card.key)
    # Conditional update first: of two racing reports exactly one sees the card active.
    blocked = session.scalar(
        update(SocialSecurityCard)
        .where(SocialSecurityCard.id == card_id, SocialSecurityCard.status == CardStatus.ACTIVE)
        .values(status=CardStatus.TEMPORARILY_LOST, status_changed_at=now)
        .returning(SocialSecurityCard.id)
    )

    def audit(outcome: str) -> None:
        entry = audit_entry(
            "report_card_lost",
            outcome,
            now,
            card=card,
            caller_number=caller_number,
            channel=channel,
        )
        append_audit(session, entry)

    if blocked is not None:
        reference = _unused_reference(session, now, new_reference)
        session.add(
            CardLossReport(
                card_id=card_id,
                reference=reference,
                reported_at=now,
                caller_number=caller_number,
                channel=channel,
            )
        )
        audit("blocked")
        return LossReport(reference, now, already_reported=False)
    earlier = _latest_report(session, card_id)
    if earlier is None:
        if session.get(SocialSecurityCard, card_id) is None:
            raise StaleKey("card")
        audit("not_reportable")
        return None
    audit("already_reported")
    return LossReport(earlier.reference, earlier.reported_at, already_reported=True)


def _unused_reference(
    session: Session, now: datetime, new_reference: Callable[[datetime], str]
) -> str:
    # Five random digits a day: collisions are rare but possible, so look before using one.
    # (The unique constraint still guards the race between the look and the insert.)
    for _ in range(20):
        candidate = new_reference(now)
        taken = session.scalar(
            select(CardLossReport.id).where(CardLossReport.reference == candidate)
        )
        if taken is None:
            return candidate
    raise RuntimeError("no unused loss-report reference found")


def _latest_report(session: Session, card_id: int) -> CardLossReport | None:
    return session.scalars(
        select(CardLossReport)
        .where(CardLossReport.card_id == card_id)
        .order_by(CardLossReport.reported_at.desc(), CardLossReport.id.desc())
        .limit(1)
    ).first()


def _card_record(session: Session, row: SocialSecurityCard) -> Card:
    report = _latest_report(session, row.id)
    return Card(
        key=str(row.id),
        masked_number=row.masked_number,
        last_digits=row.card_number[-4:],
        status=row.status,
        loss_reference=report.reference if report is not None else None,
    )
