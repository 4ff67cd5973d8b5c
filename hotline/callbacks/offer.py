"""The callback offer on hold: "press 1 to keep your place and be called back" (FastAGI).

The caller confirms the number they are calling from, or keys another (a landline with its
area code, # to end). The number travels only in FastAGI replies and the task row: it is never
logged, and no channel variable holds it.
"""

from __future__ import annotations

from hotline.callbacks.policy import MAX_NUMBER_DIGITS, CallbackPolicy
from ivr.selfservice.flows.speech import Digits, Prompt
from ivr.selfservice.flows.voice import Voice

CONFIRM = "1"  # (2 asks for another number, as does any other key)


def offer_prompt(agents_on_line: bool) -> str:
    """callback_offer says the agents are busy; with none logged in (or all paused) for the
    caller's line, the variant says no agent is available now. Both take the same keys."""
    return "callback_offer" if agents_on_line else "callback_offer_no_agents"


def long_hold_prompt(agents_on_line: bool) -> str:
    """Before the last offer: hold_too_long says the agents are still busy; with none working
    for the caller's line, the variant says no agent is available now."""
    return "hold_too_long" if agents_on_line else "hold_too_long_no_agents"


async def take_callback_number(voice: Voice, policy: CallbackPolicy, number_on_line: str, *,
                               agents_on_line: bool = True) -> str | None:
    """The offer, then the number to call back, read back and confirmed with 1. None: the
    caller keeps waiting (no key, another key, or no number confirmed within the tries).
    `agents_on_line`: the router has an agent working who could take the call (busy or not)."""
    if await voice.ask(offer_prompt(agents_on_line), max_keys=1, timeout_ms=policy.offer_key_ms) != CONFIRM:
        return None
    number = number_on_line if policy.valid_number(number_on_line) else None
    for _ in range(policy.number_tries):
        if number is None:
            keyed = await voice.ask("callback_enter_number", max_keys=MAX_NUMBER_DIGITS,
                                    timeout_ms=policy.offer_key_ms)
            if not policy.valid_number(keyed):
                await voice.say(Prompt("callback_number_invalid"))
                continue
            number = keyed
        await voice.say(Prompt("callback_number_is"), Digits(number))
        if await voice.ask("callback_number_confirm", max_keys=1, timeout_ms=policy.offer_key_ms) == CONFIRM:
            return number
        number = None
    return None
