"""A one-key question inside a flow (balance options, loss confirmation), with the menus'
rules: an invalid key or silence plays invalid_key / no_input and asks again, `option_tries`
plays in all; after that None, and the flow sends the caller to a person."""

from __future__ import annotations

from ivr.selfservice.flows.call import FlowCall
from ivr.selfservice.flows.speech import Prompt

INVALID_KEY = Prompt("invalid_key")
NO_INPUT = Prompt("no_input")


async def choose(call: FlowCall, prompt: str, keys: str) -> str | None:
    """The key pressed, one of `keys`, or None when the caller chose nothing valid."""
    miss = NO_INPUT
    for attempt in range(call.settings.option_tries):
        if attempt:
            await call.voice.say(miss)
        pressed = await call.voice.ask(prompt, max_keys=1, timeout_ms=call.settings.option_key_ms)
        if pressed is not None and pressed in keys:
            return pressed
        miss = NO_INPUT if pressed is None else INVALID_KEY
    return None
