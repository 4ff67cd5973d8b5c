"""Card loss reports: the card is blocked, a reference comes back, a second report is idempotent."""

import asyncio
from datetime import UTC, datetime

import pytest

from hotline.db.models import AuditEvent, CardLossReport, SocialSecurityCard
from ivr.selfservice import CardNotReportable, CardStatus, parse_id_number
from ivr.selfservice.reference import is_well_formed

from .support import rows

NOW = datetime(2026, 11, 22, 19, 5, tzinfo=UTC)  # 03:05 on 23 November in Beijing


async def card_of(backend, id_number):
    return await backend.get_card(await backend.identify(parse_id_number(id_number)))


async def test_report_blocks_the_card_and_returns_a_reference(backend, seeded_url):
    card = await card_of(backend, "450102199003071238")
    report = await backend.report_card_lost(card, "13812345678", "ivr", NOW)
    assert not report.already_reported and report.reported_at == NOW
    assert report.reference.startswith("261123") and is_well_formed(report.reference)

    stored = next(r for r in rows(seeded_url, SocialSecurityCard) if r.card_number == "G20190011")
    assert (stored.status, stored.status_changed_at) == (CardStatus.TEMPORARILY_LOST, NOW)
    loss = next(r for r in rows(seeded_url, CardLossReport) if r.reference == report.reference)
    assert (loss.caller_number, loss.channel, loss.reported_at) == ("13812345678", "ivr", NOW)
    audit = rows(seeded_url, AuditEvent)[-1]
    assert (audit.action, audit.outcome, audit.card, audit.caller) == (
        "report_card_lost",
        "blocked",
        "*****0011",
        "138****5678",
    )

    status = await card_of(backend, "450102199003071238")
    assert (status.status, status.loss_reference) == (CardStatus.TEMPORARILY_LOST, report.reference)


async def test_second_report_returns_the_first_reference(backend, seeded_url):
    card = await card_of(backend, "45010219780615103X")
    first = await backend.report_card_lost(card, "13812345678", "ivr", NOW)
    again = await backend.report_card_lost(card, "13900001111", "ivr", NOW.replace(hour=20))
    assert (again.reference, again.reported_at, again.already_reported) == (
        first.reference,
        NOW,
        True,
    )
    assert len([r for r in rows(seeded_url, CardLossReport) if r.reference == first.reference]) == 1
    assert rows(seeded_url, AuditEvent)[-1].outcome == "already_reported"


async def test_a_card_lost_before_the_call_gives_its_existing_reference(backend):
    card = await card_of(backend, "450305200108153673")
    report = await backend.report_card_lost(card, "13812345678", "ivr", NOW)
    assert (report.reference, report.already_reported) == ("261101000014", True)


async def test_racing_reports_block_once(backend, seeded_url):
    card = await card_of(backend, "450203197202294533")
    reports = await asyncio.gather(
        *(backend.report_card_lost(card, "13812345678", "ivr", NOW) for _ in range(4))
    )
    assert len({r.reference for r in reports}) == 1
    assert sorted(r.already_reported for r in reports) == [False, True, True, True]


async def test_a_cancelled_card_without_a_phone_report_is_not_reportable(backend, seeded_url):
    card = await card_of(backend, "450203197202294533")
    cancelled = next(
        r for r in rows(seeded_url, SocialSecurityCard) if r.card_number == "G20120229"
    )
    with pytest.raises(CardNotReportable):
        await backend.report_card_lost(
            card.__class__(str(cancelled.id), "*****0229", "0229", CardStatus.CANCELLED, None),
            "13812345678",
            "ivr",
            NOW,
        )
    assert rows(seeded_url, AuditEvent)[-1].outcome == "not_reportable"
