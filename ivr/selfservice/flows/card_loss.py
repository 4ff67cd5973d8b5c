"""Card loss report (临时挂失): identify, name the card by its last digits, confirm with 1,
block it and read the reference back digit by digit.

A card already lost says so and gives its existing reference: at once when the card is
already lost, or from the backend's idempotent answer when another report won a race. The
backend writes every report to the audit trail; the flow adds a caller's cancellation.
"""

from __future__ import annotations

from ivr.selfservice.backend import CardNotReportable
from ivr.selfservice.flows.call import Ending, FlowCall
from ivr.selfservice.flows.choice import choose
from ivr.selfservice.flows.identify import identify
from ivr.selfservice.flows.speech import (
    Prompt,
    already_lost,
    card_is_lost,
    card_named,
    loss_report_readout,
)
from ivr.selfservice.records import CardStatus

CONFIRM, CANCEL = "1", "*"


async def card_loss(call: FlowCall) -> Ending:
    person = await identify(call)
    if isinstance(person, Ending):
        return person
    card = await call.ask_backend(call.backend.get_card(person))
    if card is None or card.status == CardStatus.CANCELLED:
        await call.voice.say(Prompt("card_not_found"))
        return Ending("agent", "card_not_found")
    if card_is_lost(card):
        await call.voice.say(*already_lost(card.loss_reference))
        return Ending("done", "card_already_lost")
    await call.voice.say(*card_named(card))
    key = await choose(call, "card_loss_confirm", CONFIRM + CANCEL)
    if key == CANCEL:
        await call.audit("card_loss", "cancelled_by_caller", person=person, card=card)
        return Ending("done", "cancelled")
    if key is None:  # a caller who means to block a card and cannot confirm needs a person
        return Ending("agent", "no_choice")
    try:
        report = await call.ask_backend(call.backend.report_card_lost(
            card, call.caller_number, call.settings.report_channel, call.settings.clock()))
    except CardNotReportable:
        await call.voice.say(Prompt("card_not_found"))
        return Ending("agent", "card_not_reportable")
    call.completed = "card_blocked"  # blocked whether or not the caller hears the reference
    await call.voice.say(*loss_report_readout(report))
    return Ending("done", "card_already_lost" if report.already_reported else "card_blocked")
