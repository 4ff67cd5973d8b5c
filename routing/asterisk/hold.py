"""What a waiting caller hears between stretches of music: the FastAGI script `hold`.

AGI(${HOTLINE_AGI}/hold,<call id>[,announce]): pending announcements from the router (e.g.
that a Mandarin-speaking agent will answer), then position and estimated wait, in the
caller's language. `announce` plays only the announcements (the router redirected the
caller to hear one at once).
"""

from __future__ import annotations

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


def hold_handler(adapter: RouterAdapter) -> AgiHandler:
    async def hold(session: AgiSession) -> None:
        args = session.args
        call_id = args[0] if args else ""
        speech = hold_speech(adapter, call_id, announce_only=len(args) > 1 and args[1] == "announce")
        if speech:
            await Voice(session, session.env.get("language", "zh")).say(*speech)

    return hold
