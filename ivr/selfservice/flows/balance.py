"""Balance lookup: identify, read both personal accounts and the last contribution month in
Chinese, then 1 repeat / * back to the menu / 0 agent (balance_options)."""

from __future__ import annotations

from ivr.selfservice.flows.call import Ending, FlowCall
from ivr.selfservice.flows.choice import choose
from ivr.selfservice.flows.identify import identify
from ivr.selfservice.flows.speech import INTRO, balance_readout

REPEAT, BACK, AGENT = "1", "*", "0"
MAX_REPEATS = 5  # a caller can hear it again; a stuck key cannot keep the line forever


async def balance(call: FlowCall) -> Ending:
    person = await identify(call)
    if isinstance(person, Ending):
        return person
    # The intro answers the PIN at once; the look-up runs while it plays.
    balances = await call.ask_backend_while_saying(call.backend.get_balances(person), INTRO)
    readout = balance_readout(balances, call.business)
    if not readout:  # no personal account on record: a person can look into it
        return Ending("agent", "no_accounts")
    for repeat in range(MAX_REPEATS):
        await call.voice.say(*((INTRO,) if repeat else ()), *readout)
        call.completed = "balance_read"
        key = await choose(call, "balance_options", REPEAT + BACK + AGENT)
        if key == BACK:
            return Ending("done", "balance_read")
        if key != REPEAT:
            return Ending("agent", "agent_requested" if key == AGENT else "no_choice")
    return Ending("done", "balance_read")
