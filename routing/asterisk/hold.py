"""What a waiting caller hears between stretches of music: the FastAGI script `hold`.

AGI(${HOTLINE_AGI}/hold,<call id>[,announce|offer]): pending announcements from the router
(e.g. that a Mandarin-speaking agent will answer), then position and estimated wait, in the
caller's language, then whatever the `after` hook adds (the callback offer, hotline.callbacks).
`announce` plays only the announcements (the router redirected the caller to hear one at
once); `offer`, the announcements and the hook, told that a ladder step asks for the offer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from ivr.agi import AgiHandler, AgiSession
from ivr.selfservice.flows.speech import Number, Prompt, Utterance
from ivr.selfservice.flows.voice import Voice
from routing.asterisk.adapter import RouterAdapter


def hold_speech(adapter: RouterAdapter, call_id: str, *, announce_only: bool) -> list[Utterance]:
    speech: list[Utterance] = [Prompt(p) for p in adapter.take_announcements(call_id)]
    if announce_only:
        return speech
    position = adapter.router.position(call_id)
    if position is not None:  # the prompt counts the callers ahead: "in front of you are ..."
        speech += [Prompt("hold_position"), Number(position - 1)]
    wait = adapter.router.estimated_wait_for(call_id, adapter.clock())
    if wait is not None:
        speech += [Prompt("hold_estimated_wait"), Number(max(1, round(wait / 60))), Prompt("minutes")]
    return speech


# (session, call id, whether a ladder step asked for a callback offer)
HoldHook = Callable[[AgiSession, str, bool], Awaitable[None]]


def hold_handler(adapter: RouterAdapter, after: HoldHook | None = None) -> AgiHandler:
    async def hold(session: AgiSession) -> None:
        args = session.args
        call_id = args[0] if args else ""
        mode = args[1] if len(args) > 1 else ""
        speech = hold_speech(adapter, call_id, announce_only=mode in ("announce", "offer"))
        try:
            if speech:
                await Voice(session, session.env.get("language", "zh")).say(*speech)
        finally:
            adapter.announced(call_id)  # a ring held back for the notice may go ahead
        if after is not None and mode != "announce":
            await after(session, call_id, mode == "offer")

    return hold
