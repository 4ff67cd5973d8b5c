"""Demo data for the embedded database: `ivrctl db seed-demo`.

These people do not exist. Their ID numbers have valid GB 11643 check characters (one ends in
X, keyed as `*`), and their service PINs are written here because they are demo data:

    ID number            PIN     pension       medical    card
    450102199003071238   135790  12345.60      3456.06    active (G20190011)
    45010219780615103X   246813  87654.32      12.05      active (G20180427)
    450305200108153673   975310  (none)        0.50       temporarily lost, reference 261101000014
    450203197202294533   802467  0.00          1000.00    active (G20210309), old card cancelled

Seeding is idempotent: a person whose ID number is already present is left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.engine import URL

from hotline.db.credentials import hash_pin, id_digest
from hotline.db.engine import make_engine, session_factory
from hotline.db.models import (
    AccountKind,
    CardLossReport,
    InsuranceAccount,
    Person,
    SocialSecurityCard,
)
from ivr.selfservice.id_number import mask, parse_id_number
from ivr.selfservice.records import CardStatus


class SeedConflict(RuntimeError):
    pass


@dataclass(frozen=True)
class DemoCard:
    number: str
    status: CardStatus
    issued_on: date
    loss_reference: str | None = None


@dataclass(frozen=True)
class DemoPerson:
    id_number: str
    pin: str
    pension_fen: int | None
    medical_fen: int | None
    last_contribution: date | None
    cards: tuple[DemoCard, ...]


DEMO_PERSONS = (
    DemoPerson(
        "450102199003071238",
        "135790",
        1234560,
        345606,
        date(2026, 10, 1),
        (DemoCard("G20190011", CardStatus.ACTIVE, date(2019, 5, 20)),),
    ),
    DemoPerson(
        "45010219780615103X",
        "246813",
        8765432,
        1205,
        date(2026, 9, 1),
        (DemoCard("G20180427", CardStatus.ACTIVE, date(2018, 4, 27)),),
    ),
    DemoPerson(
        "450305200108153673",
        "975310",
        None,
        50,
        date(2025, 12, 1),
        (
            DemoCard(
                "G20200815",
                CardStatus.TEMPORARILY_LOST,
                date(2020, 8, 15),
                loss_reference="261101000014",
            ),
        ),
    ),
    DemoPerson(
        "450203197202294533",
        "802467",
        0,
        100000,
        date(2026, 10, 1),
        (
            DemoCard("G20120229", CardStatus.CANCELLED, date(2012, 2, 29)),
            DemoCard("G20210309", CardStatus.ACTIVE, date(2021, 3, 9)),
        ),
    ),
)
# The demo lost card was reported on this date (the reference's date prefix, Beijing time).
DEMO_LOSS_REPORTED_AT = datetime(2026, 11, 1, 1, 30, tzinfo=UTC)


def mask_card_number(number: str) -> str:
    return "*" * (len(number) - 4) + number[-4:]


def seed_demo(
    url: str | URL, id_hash_key: bytes, pin_hash_key: bytes, now: datetime | None = None
) -> int:
    """Insert the demo persons not yet present; returns how many were added."""
    return seed_persons(url, id_hash_key, pin_hash_key, DEMO_PERSONS, now)


def seed_persons(
    url: str | URL,
    id_hash_key: bytes,
    pin_hash_key: bytes,
    persons: Iterable[DemoPerson],
    now: datetime | None = None,
) -> int:
    """Insert these made-up persons where not yet present (the demo's, a benchmark's);
    returns how many were added."""
    now = now or datetime.now(UTC)
    engine = make_engine(url)
    added = 0
    try:
        with session_factory(engine).begin() as session:
            for demo in persons:
                number = parse_id_number(demo.id_number)  # a typo here fails loudly
                digest = id_digest(id_hash_key, number.value)
                if session.scalar(select(Person.id).where(Person.id_digest == digest)) is not None:
                    continue
                numbers = [card.number for card in demo.cards]
                taken = select(SocialSecurityCard.id).where(
                    SocialSecurityCard.card_number.in_(numbers)
                )
                if session.scalar(taken) is not None:
                    raise SeedConflict(
                        "the demo cards exist but their holders do not match: the database was"
                        " seeded under a different ID-hash key (was the key file replaced?)"
                    )
                session.add(_person(demo, digest, hash_pin(pin_hash_key, demo.pin), now))
                added += 1
    finally:
        engine.dispose()
    return added


def _person(demo: DemoPerson, digest: str, pin_hash: str, now: datetime) -> Person:
    person = Person(
        id_digest=digest,
        masked_id=mask(demo.id_number),
        pin_hash=pin_hash,
        created_at=now,
    )
    for kind, balance in (
        (AccountKind.PENSION, demo.pension_fen),
        (AccountKind.MEDICAL, demo.medical_fen),
    ):
        if balance is not None:
            person.accounts.append(
                InsuranceAccount(
                    kind=kind,
                    balance_fen=balance,
                    last_contribution_month=demo.last_contribution,
                    updated_at=now,
                )
            )
    for card in demo.cards:
        row = SocialSecurityCard(
            card_number=card.number,
            masked_number=mask_card_number(card.number),
            status=card.status,
            issued_on=card.issued_on,
            status_changed_at=now,
        )
        if card.loss_reference is not None:
            row.loss_reports.append(
                CardLossReport(
                    reference=card.loss_reference,
                    reported_at=DEMO_LOSS_REPORTED_AT,
                    caller_number="07710000000",
                    channel="ivr",
                )
            )
        person.cards.append(row)
    return person
