"""One self-service call: what every flow shares, and the wrapper that guarantees its end.

Whatever happens inside a flow, the caller leaves it with HOTLINE_FLOW_RESULT set to `done`
(back to the menu) or `agent` (the dialplan routes to that business line's agents), or hangs
up: a normal end, reported (Result `hangup`) with the last step the caller completed. A backend
that fails or does not answer in time, a prompt that cannot be played, or a bug all end in the
service_unavailable apology and `agent`: never dead air, never a hang-up. Every `agent` ending
tells the caller (transfer_agent) before the hold music starts, and is audited when the
backend can take it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from ivr.agi import AgiError, AgiHandler, AgiHangup, AgiSession, AgiTimeout
from ivr.dialplan import names
from ivr.selfservice.audit import audit_entry
from ivr.selfservice.backend import BackendUnavailable, SelfServiceBackend
from ivr.selfservice.flows.settings import FlowSettings
from ivr.selfservice.flows.speech import Prompt, Utterance
from ivr.selfservice.flows.voice import Voice
from ivr.selfservice.records import Card, InsuredPerson
from ivr.userevents import SelfServiceOutcome, encode

log = logging.getLogger("ivr.selfservice.flows")
T = TypeVar("T")
FlowResult = Literal["done", "agent", "hangup"]
# AMI UserEvent a flow emits as it ends (ivr.userevents.SelfServiceOutcome). After a hang-up,
# Outcome is the last step the caller completed.
EVENT_OUTCOME = SelfServiceOutcome.NAME
APOLOGY = (Prompt("service_unavailable"),)
TO_AGENT = (Prompt("transfer_agent"),)
# Endings after which an audit write is not tried: the backend is down, or the service is
# saturated and a new caller must not add work.
BACKEND_DOWN = ("unavailable", "failed", "overloaded")
# Said to a new self-service caller while the service is saturated: hold for an agent (any
# key, or none), or hang up and call back later.
MANY_CALLERS = "many_callers"


@dataclass(frozen=True)
class Ending:
    """How a flow ended: `outcome` names what happened, for logs, events and tests."""

    result: FlowResult
    outcome: str


@dataclass
class FlowCall:
    flow: str
    session: AgiSession
    voice: Voice
    backend: SelfServiceBackend
    settings: FlowSettings
    dialect: str
    business: str
    call_id: str
    caller_number: str
    person: str | None = None  # masked ID number once identified, for logs
    completed: str = "nothing"  # the last step the caller completed (id_number, identified, balance_read, ...)

    async def ask_backend(self, operation: Awaitable[T]) -> T:
        """A backend call under the flow's own time limit: a backend that hangs counts as
        unavailable, whatever its own timeouts do."""
        try:
            async with asyncio.timeout(self.settings.backend_timeout):
                return await operation
        except TimeoutError:
            raise BackendUnavailable(f"no answer within {self.settings.backend_timeout} s") from None

    async def ask_backend_while_saying(self, operation: Awaitable[T], *speech: Utterance) -> T:
        """A backend call started as `speech` begins, so the caller hears no pause after it
        for a backend that answers while it plays (a province's own system may take a second
        or more). If the speech fails (a prompt that cannot be played, Asterisk gone) the
        backend's answer is dropped; work already sent to the backend still completes there.
        The backend's time limit runs from its start, not from the end of the speech."""
        answer = asyncio.ensure_future(self.ask_backend(operation))
        try:
            await self.voice.say(*speech)
        except BaseException:
            answer.cancel()
            answer.add_done_callback(_consume)
            raise
        return await answer

    async def audit(self, action: str, outcome: str, *, person: InsuredPerson | None = None,
                    card: Card | None = None, detail: str | None = None) -> None:
        """One of the flow's own events in the audit trail (masked identifiers only)."""
        entry = audit_entry(action, outcome, self.settings.clock(), person=person, card=card,
                            masked_id=self.person if person is None else None,
                            caller_number=self.caller_number or None,
                            channel=self.settings.report_channel, detail=detail)
        await self.ask_backend(self.backend.audit(entry))


FlowBody = Callable[[FlowCall], Awaitable[Ending]]


def _consume(answer: asyncio.Future[object]) -> None:
    """Retrieve a dropped answer's failure, which nobody is left to hear of (else asyncio
    logs it as never retrieved when the task is collected)."""
    if not answer.cancelled():
        answer.exception()


def flow_handler(flow: str, body: FlowBody, backend: SelfServiceBackend, settings: FlowSettings) -> AgiHandler:
    """The FastAGI handler running `body` for AGI(${HOTLINE_AGI}/<script>,dialect,business,callid)."""

    async def handle(session: AgiSession) -> None:
        args = session.args + ["", "", ""]
        caller_number = session.env.get("callerid", "")
        call = FlowCall(
            flow=flow,
            session=session,
            voice=Voice(session, session.env.get("language", "")),
            backend=backend,
            settings=settings,
            dialect=args[0],
            business=args[1],
            call_id=args[2] or session.uniqueid,
            caller_number="" if caller_number == "unknown" else caller_number,  # Asterisk's "none"
        )
        try:
            ending = await _shed(call) if settings.overloaded() else await _run(call, body)
        except AgiHangup:
            await _hung_up(call)
            return
        if ending.result == "agent":
            await _to_agent(call, ending)
        await session.set_variable(names.FLOW_RESULT, ending.result)
        log.info("self-service %s call %s (%s, %s) person %s: %s -> %s", flow, call.call_id,
                 call.dialect, call.business, call.person or "-", ending.outcome, ending.result)
        await session.command("EXEC", "UserEvent", _event(call, ending))

    return handle


async def _run(call: FlowCall, body: FlowBody) -> Ending:
    try:
        return await body(call)
    except (AgiHangup, AgiTimeout):
        raise  # the caller has gone or Asterisk is not answering: nobody to speak to
    except BackendUnavailable as exc:
        log.warning("self-service %s call %s: backend unavailable (%s)", call.flow, call.call_id, exc)
        outcome = "unavailable"
    except Exception:
        log.exception("self-service %s call %s: flow failed", call.flow, call.call_id)
        outcome = "failed"
    try:
        await call.voice.say(*APOLOGY)
    except (AgiHangup, AgiTimeout):
        raise
    except Exception as exc:  # the apology itself failed: still route to a person
        log.error("self-service %s call %s: apology not played (%s)", call.flow, call.call_id, exc)
    return Ending("agent", outcome)


async def _shed(call: FlowCall) -> Ending:
    """The service is saturated: rather than silence while it catches up, the caller hears
    that many are calling and may hold for an agent or hang up and call back later."""
    try:
        await call.voice.ask(MANY_CALLERS, max_keys=1, timeout_ms=call.settings.option_key_ms)
    except (AgiHangup, AgiTimeout):
        raise
    except Exception as exc:  # the notice failed: the caller still reaches a person
        log.error("self-service %s call %s: %s not played (%s)", call.flow, call.call_id, MANY_CALLERS, exc)
    return Ending("agent", "overloaded")


async def _hung_up(call: FlowCall) -> None:
    """The caller hung up: nothing more to play. EXEC runs on a dead channel, so the flow's
    event still reaches AMI, with what the caller had completed."""
    ending = Ending("hangup", call.completed)
    log.info("self-service %s call %s (%s, %s) person %s: caller hung up after %s", call.flow, call.call_id,
             call.dialect, call.business, call.person or "-", call.completed)
    try:
        await call.session.command("EXEC", "UserEvent", _event(call, ending))
    except AgiError as exc:  # the AGI connection itself is gone: nothing left to tell
        log.info("self-service %s call %s: hang-up not reported (%s)", call.flow, call.call_id, exc)


async def _to_agent(call: FlowCall, ending: Ending) -> None:
    """Say the caller is being put through, and leave the transfer in the audit trail."""
    try:
        await call.voice.say(*TO_AGENT)
    except (AgiHangup, AgiTimeout):
        raise
    except Exception as exc:
        log.error("self-service %s call %s: transfer_agent not played (%s)", call.flow, call.call_id, exc)
    if ending.outcome in BACKEND_DOWN:
        return
    try:
        await call.audit("transfer_agent", ending.outcome, detail=f"{call.flow} for {call.business}")
    except BackendUnavailable as exc:  # the caller still goes to a person
        log.warning("self-service %s call %s: transfer not audited (%s)", call.flow, call.call_id, exc)


def _event(call: FlowCall, ending: Ending) -> str:
    return outcome_event(call.call_id, call.flow, ending)


def outcome_event(call_id: str, flow: str, ending: Ending) -> str:
    """The flow's HotlineSelfServiceOutcome as one AGI argument (the contract's encoding,
    quoted: commas separate UserEvent's arguments)."""
    event = SelfServiceOutcome(call_id=call_id, flow=flow, outcome=ending.outcome, result=ending.result)
    return '"' + encode(event).replace('"', "") + '"'
