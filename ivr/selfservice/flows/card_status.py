"""Card status query: identify, then say whether the card is in use or lost (with the loss
report's reference when it has one). No card, or only a cancelled one: an agent helps."""

from __future__ import annotations

from ivr.selfservice.flows.call import Ending, FlowCall
from ivr.selfservice.flows.identify import identify
from ivr.selfservice.flows.speech import Prompt, card_is_lost, card_status_readout
from ivr.selfservice.records import CardStatus


async def card_status(call: FlowCall) -> Ending:
    person = await identify(call)
    if isinstance(person, Ending):
        return person
    card = await call.ask_backend(call.backend.get_card(person))
    if card is None or card.status == CardStatus.CANCELLED:
        await call.voice.say(Prompt("card_not_found"))
        return Ending("agent", "card_not_found")
    await call.voice.say(*card_status_readout(card))
    call.completed = "card_status_read"
    return Ending("done", "card_lost" if card_is_lost(card) else "card_active")
