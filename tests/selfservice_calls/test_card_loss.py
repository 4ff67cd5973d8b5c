"""Card loss report by phone: the card named by its last digits, confirmed with 1, blocked in
the database, the reference read back digit by digit; a second report is idempotent."""

from __future__ import annotations

from sqlalchemy import update

from hotline.db.engine import make_engine
from hotline.db.models import AuditEvent, CardLossReport, SocialSecurityCard
from ivr.agi import AgiServer
from ivr.ami import AmiClient
from ivr.selfservice.records import CardStatus
from tests.db.support import rows
from tests.selfservice_calls.caller import Caller, call_flow, said_digits
from tests.support.events import EventLog

PERSON, PIN, CARD = "450102199003071238", "135790", "G20190011"  # seed person 1
LOST_PERSON, LOST_PIN, LOST_REFERENCE = "450305200108153673", "975310", "261101000014"  # seed person 3
CALLER_ID = "07715551234"


async def _identified(caller: Caller, person: str, pin: str) -> None:
    await caller.on("enter_id_number", person + "#")
    await caller.on("enter_pin", pin + "#")


def _card(url: str, number: str) -> SocialSecurityCard:
    return next(card for card in rows(url, SocialSecurityCard) if card.card_number == number)


async def test_report_blocks_the_card_reads_the_reference_and_a_second_report_is_idempotent(
        clipped_ami: AmiClient, clipped_events: EventLog, flows: AgiServer, seeded_url: str) -> None:
    caller = await call_flow(clipped_ami, clipped_events, "card_loss", business="ss_card", caller_id=CALLER_ID)
    await _identified(caller, PERSON, PIN)
    await caller.on("card_loss_confirm", "1")
    assert (await caller.result())["Result"] == "done"
    assert (await caller.outcome())["Outcome"] == "card_blocked"
    await caller.hang_up()

    card = _card(seeded_url, CARD)
    assert card.status == CardStatus.TEMPORARILY_LOST
    [report] = [r for r in rows(seeded_url, CardLossReport) if r.card_id == card.id]
    assert report.caller_number == CALLER_ID and report.channel == "ivr"
    heard = caller.heard()
    # The card named by its last four digits before the question, the reference after it.
    assert heard[2:8] == ["card_number_intro", *said_digits(CARD[-4:]), "card_loss_confirm"]
    assert heard[8:] == ["card_loss_done", "reference_number_intro", *said_digits(report.reference)]
    reports = [(e.outcome, e.card, e.caller) for e in rows(seeded_url, AuditEvent) if e.action == "report_card_lost"]
    assert reports == [("blocked", "*****0011", "077****1234")]

    again = await call_flow(clipped_ami, clipped_events, "card_loss", business="ss_card", caller_id=CALLER_ID)
    await _identified(again, PERSON, PIN)
    assert (await again.result())["Result"] == "done"
    assert (await again.outcome())["Outcome"] == "card_already_lost"
    await again.hang_up()
    assert again.heard()[2:] == ["card_already_lost", "reference_number_intro", *said_digits(report.reference)]
    assert len([r for r in rows(seeded_url, CardLossReport) if r.card_id == card.id]) == 1


async def test_cancelling_leaves_the_card_active_and_is_audited(
        clipped_ami: AmiClient, clipped_events: EventLog, flows: AgiServer, seeded_url: str) -> None:
    caller = await call_flow(clipped_ami, clipped_events, "card_loss", business="ss_card")
    await _identified(caller, PERSON, PIN)
    await caller.on("card_loss_confirm", "*")
    assert (await caller.result())["Result"] == "done"
    assert (await caller.outcome())["Outcome"] == "cancelled"
    await caller.hang_up()
    assert _card(seeded_url, CARD).status == CardStatus.ACTIVE
    cancelled = [e for e in rows(seeded_url, AuditEvent) if e.outcome == "cancelled_by_caller"]
    assert [(e.person, e.card) for e in cancelled] == [("4501**********1238", "*****0011")]


async def test_a_card_lost_before_gives_its_reference_and_its_status_says_lost(
        clipped_ami: AmiClient, clipped_events: EventLog, flows: AgiServer, seeded_url: str) -> None:
    caller = await call_flow(clipped_ami, clipped_events, "card_loss", business="ss_card")
    await _identified(caller, LOST_PERSON, LOST_PIN)
    assert (await caller.result())["Result"] == "done"
    await caller.hang_up()
    assert caller.heard()[2:] == ["card_already_lost", "reference_number_intro", *said_digits(LOST_REFERENCE)]

    status = await call_flow(clipped_ami, clipped_events, "card_status", business="ss_card")
    await _identified(status, LOST_PERSON, LOST_PIN)
    assert (await status.result())["Result"] == "done"
    assert (await status.outcome())["Outcome"] == "card_lost"
    await status.hang_up()
    assert status.heard()[2:] == ["card_status_lost", "reference_number_intro", *said_digits(LOST_REFERENCE)]


async def test_no_usable_card_sends_the_caller_to_an_agent(
        clipped_ami: AmiClient, clipped_events: EventLog, flows: AgiServer, seeded_url: str) -> None:
    engine = make_engine(seeded_url)
    with engine.begin() as connection:  # the card was replaced at a counter: cancelled
        connection.execute(update(SocialSecurityCard).where(SocialSecurityCard.card_number == CARD)
                           .values(status=CardStatus.CANCELLED))
    engine.dispose()
    for flow in ("card_status", "card_loss"):
        caller = await call_flow(clipped_ami, clipped_events, flow, business="ss_card")
        await _identified(caller, PERSON, PIN)
        assert (await caller.result())["Result"] == "agent"
        assert (await caller.outcome())["Outcome"] == "card_not_found"
        assert caller.heard()[2:] == ["card_not_found", "transfer_agent"]
        await caller.hang_up()
    assert _card(seeded_url, CARD).status == CardStatus.CANCELLED
