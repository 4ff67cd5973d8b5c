"""The identify step every flow starts with: ID number by keypad, then the service PIN.

The ID number's check character is validated as soon as it is keyed; an invalid, unknown or
missing entry is asked for again, `id_tries` times in all, then the caller goes to an agent.
A wrong PIN is asked for again while the lockout rule leaves attempts; a lock (now or from
earlier calls) plays `locked` and sends the caller to an agent.

What the caller keyed stays in local variables of this module: it is never logged, put in a
channel variable or an event. Logs name the problem (wrong_length, bad_check_character, ...).
"""

from __future__ import annotations

import logging

from ivr.selfservice.flows.call import Ending, FlowCall
from ivr.selfservice.flows.speech import Prompt
from ivr.selfservice.id_number import LENGTH as ID_LENGTH
from ivr.selfservice.id_number import InvalidIdNumber, parse_keypad_entry
from ivr.selfservice.lockout import PinAccepted, PinLocked, PinRejected
from ivr.selfservice.pin import PIN_LENGTH, InvalidPin, parse_pin
from ivr.selfservice.records import InsuredPerson
from ivr.selfservice.reference import BEIJING

log = logging.getLogger("ivr.selfservice.flows")

# One more than the entry, so the closing # is read with it and does not spill into the next
# prompt (a # there would end that entry empty).
ID_KEYS = ID_LENGTH + 1
PIN_KEYS = PIN_LENGTH + 1
# Wrong PINs are bounded by the backend's lockout rule; this only stops a backend that never
# locks from keeping a caller in the loop.
MAX_PIN_ENTRIES = 10


async def identify(call: FlowCall) -> InsuredPerson | Ending:
    """The verified person, or how the flow ends (to an agent) if there is none."""
    person = await _id_number(call)
    if isinstance(person, Ending):
        return person
    call.person, call.completed = person.masked_id, "id_number"
    verified = await _pin(call, person)
    if not isinstance(verified, Ending):
        call.completed = "identified"
    return verified


async def _id_number(call: FlowCall) -> InsuredPerson | Ending:
    prompt, tries = "enter_id_number", call.settings.id_tries
    for attempt in range(1, tries + 1):
        keys = await call.voice.ask(prompt, max_keys=ID_KEYS, timeout_ms=call.settings.first_key_ms)
        if keys is None:
            problem, prompt = "no_input", "enter_id_number"
        else:
            problem, prompt = await _look_up(call, keys), "id_number_invalid"
            if isinstance(problem, InsuredPerson):
                return problem
        log.info("self-service %s call %s: ID number entry %d/%d not accepted (%s)",
                 call.flow, call.call_id, attempt, tries, problem)
    await call.audit("identify", "id_number_not_accepted", detail=f"{tries} entries")
    return Ending("agent", "id_number_not_accepted")


async def _look_up(call: FlowCall, keys: str) -> InsuredPerson | str:
    today = call.settings.clock().astimezone(BEIJING).date()
    try:
        number = parse_keypad_entry(keys, today=today)
    except InvalidIdNumber as exc:
        return exc.problem.value
    person = await call.ask_backend(call.backend.identify(number))
    return person if person is not None else "unknown_person"


async def _pin(call: FlowCall, person: InsuredPerson) -> InsuredPerson | Ending:
    prompt, misses = "enter_pin", 0
    for _ in range(MAX_PIN_ENTRIES):
        keys = await call.voice.ask(prompt, max_keys=PIN_KEYS, timeout_ms=call.settings.first_key_ms)
        try:
            pin = parse_pin(keys or "")
        except InvalidPin as exc:
            misses += 1
            log.info("self-service %s call %s person %s: PIN entry not six digits (%s)",
                     call.flow, call.call_id, person.masked_id, "no_input" if keys is None else exc.problem.value)
            if misses >= call.settings.entry_misses:
                return Ending("agent", "pin_not_entered")
            prompt = "enter_pin" if keys is None else "pin_wrong"
            continue
        outcome = await call.ask_backend(call.backend.verify_pin(person, pin, call.settings.clock()))
        match outcome:
            case PinAccepted():
                return person
            case PinRejected(attempts_left=left):
                log.info("self-service %s call %s person %s: wrong PIN, %d attempts left",
                         call.flow, call.call_id, person.masked_id, left)
                prompt = "pin_wrong"
            case PinLocked():
                await call.voice.say(Prompt("locked"))
                return Ending("agent", "locked")
    return Ending("agent", "pin_not_accepted")
