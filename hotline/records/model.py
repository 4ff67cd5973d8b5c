"""One call's record, folded from the dialplan's UserEvents and Asterisk's Hangup (pure).

    record = fold(record_or_None, event, at)   # one typed event, received at `at`

The events are typed: the dialplan's UserEvents (ivr.userevents, each with its call id and
the channel's Uniqueid and caller number), Asterisk's Hangup (ivr.ami.events) and the
router's own (queue wait, agent, talk time; routing.events). The fold never raises on an
event it does not know and never loses what it already has, so events replayed after a
restart, or arriving out of order, do no harm. A feature adds its events to `FOLDS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from ivr import userevents as ue
from ivr.ami.events import Hangup
from routing.events import AgentComplete, AgentConnect, QueueCallerAbandon


class Outcome(StrEnum):
    ANSWERED = "answered"  # an agent took the call
    SELF_SERVICE = "self_service"  # a self-service flow finished and no agent was asked for
    MESSAGE = "message"  # closed line, the caller left a message
    CLOSED = "closed"  # closed line, no message
    ABANDONED = "abandoned"  # asked for an agent, hung up before one answered
    CALLBACK = "callback"  # asked for an agent, took a callback (the task has its outcome)
    IVR = "ivr"  # left in the menus


# A caller who met one of these did not reach a person (two in a day: automatic callback).
FAILED_OUTCOMES = frozenset({Outcome.MESSAGE, Outcome.CLOSED, Outcome.ABANDONED})

# A caller number we can tell callers apart by and call back: digits, maybe a leading +.
# Anything else (empty, "anonymous", "<unknown>", "Restricted", a SIP URI) is a withheld
# number: trunks that withhold give every caller the same one, so it must never group calls.
_DIALABLE = re.compile(r"\+?[0-9]{3,32}")


def known_number(raw: str) -> str:
    """The caller's number, or "" when it is withheld or not a number."""
    return raw if _DIALABLE.fullmatch(raw) else ""


@dataclass(frozen=True)
class CallRecord:
    call_id: str
    started_at: datetime
    caller_number: str = ""
    uniqueid: str = ""
    dialect: str = ""
    business: str = ""
    config_version: str = ""
    menus: tuple[str, ...] = ()  # menus visited, in order (the IVR path)
    keys: str = ""  # keys pressed in menus, in order
    self_service: tuple[str, ...] = ()  # "flow:result" per self-service flow run
    to_agent: bool = False
    agent_reason: str = ""
    line_open: bool | None = None  # the hours answer at the agent route; None: not asked or unknown
    hours_reason: str = ""
    message_file: str = ""
    queue_wait_s: float | None = None  # router
    agent: str = ""
    talk_s: float | None = None  # router
    callback_task_id: int | None = None  # the callback task this call became or was
    rating: int | None = None  # survey key 1-5 (5 = very satisfied)
    survey_offered: bool = False
    ended_in: str = ""  # the menu the caller was in when the call ended
    hangup_cause: str = ""
    ended_at: datetime | None = None

    @property
    def outcome(self) -> Outcome:
        # The survey follows only a talk with an agent, so it counts as an answer too.
        if self.agent and (self.talk_s is not None or self.survey_offered):
            return Outcome.ANSWERED
        if self.message_file:
            return Outcome.MESSAGE
        if self.callback_task_id is not None:
            return Outcome.CALLBACK
        if self.to_agent and self.line_open is False:
            return Outcome.CLOSED
        if self.to_agent:
            return Outcome.ABANDONED
        if self.self_service:
            return Outcome.SELF_SERVICE
        return Outcome.IVR

    @property
    def failed_to_reach_agent(self) -> bool:
        return self.outcome in FAILED_OUTCOMES

    @property
    def ended(self) -> bool:
        return self.ended_at is not None


# What the fold reads: the dialplan's typed UserEvents, Asterisk's Hangup, the router's events.
RouterFact = AgentConnect | AgentComplete | QueueCallerAbandon
ROUTER_EVENTS = (AgentConnect, AgentComplete, QueueCallerAbandon)
Event = ue.HotlineEvent | Hangup | RouterFact
Fold = Callable[[CallRecord, Any, datetime], CallRecord]


def _call_start(r: CallRecord, e: ue.CallStart, at: datetime) -> CallRecord:
    return replace(r, dialect=e.dialect or r.dialect, config_version=e.version or r.config_version)


def _menu(r: CallRecord, e: ue.MenuEntered, at: datetime) -> CallRecord:
    return replace(r, menus=r.menus + (e.menu,) if e.menu else r.menus,
                   dialect=e.dialect or r.dialect, business=e.business or r.business)


def _key(r: CallRecord, e: ue.KeyPressed, at: datetime) -> CallRecord:
    return replace(r, keys=r.keys + e.key)


def _self_service(r: CallRecord, e: ue.SelfService, at: datetime) -> CallRecord:
    step = f"{e.flow or '?'}:{e.result or 'failed'}"
    return replace(r, self_service=r.self_service + (step,))


def _self_service_hangup(r: CallRecord, e: ue.SelfServiceOutcome, at: datetime) -> CallRecord:
    """The flow's own report; only a hang-up adds to the record, since the dialplan reports
    every other end (HotlineSelfService) and has no line left to run after a hang-up."""
    if e.result != "hangup":
        return r
    step = f"{e.flow or '?'}:hangup:{e.outcome or 'nothing'}"  # what the caller completed
    return replace(r, self_service=r.self_service + (step,))


def _to_agent(r: CallRecord, e: ue.ToAgent, at: datetime) -> CallRecord:
    return replace(r, to_agent=True, agent_reason=e.reason,
                   dialect=e.dialect or r.dialect, business=e.business or r.business)


def _hours(r: CallRecord, e: ue.Hours, at: datetime) -> CallRecord:
    answer = {"1": True, "0": False}.get(e.open)
    return replace(r, line_open=answer, hours_reason=e.reason,
                   dialect=e.dialect or r.dialect, business=e.business or r.business)


def _message(r: CallRecord, e: ue.MessageLeft, at: datetime) -> CallRecord:
    return replace(r, message_file=e.file)


def _survey(r: CallRecord, e: ue.Survey, at: datetime) -> CallRecord:
    return replace(r, survey_offered=True, agent=r.agent or e.agent,
                   rating=int(e.rating) if e.rating in {"1", "2", "3", "4", "5"} else r.rating)


def _callback_connected(r: CallRecord, e: ue.CallbackConnected, at: datetime) -> CallRecord:
    """A call back reached the caller: a callback with no menus behind it (a message, two
    failed calls) takes its line from the task; a virtual-hold call keeps its own."""
    return replace(r, dialect=r.dialect or e.dialect, business=r.business or e.business)


def _callback(r: CallRecord, e: ue.CallbackTaken, at: datetime) -> CallRecord:
    return replace(r, callback_task_id=int(e.task)) if e.task.isdigit() else r


def _agent_connect(r: CallRecord, e: AgentConnect, at: datetime) -> CallRecord:
    return replace(r, agent=e.agent_id or r.agent, queue_wait_s=e.hold_time)


def _agent_complete(r: CallRecord, e: AgentComplete, at: datetime) -> CallRecord:
    return replace(r, talk_s=e.talk_time)


def _abandon(r: CallRecord, e: QueueCallerAbandon, at: datetime) -> CallRecord:
    return replace(r, queue_wait_s=e.wait)


def _call_end(r: CallRecord, e: ue.CallEnd, at: datetime) -> CallRecord:
    return replace(r, ended_in=e.menu or r.ended_in)


def _hangup(r: CallRecord, e: Hangup, at: datetime) -> CallRecord:
    cause = e.cause_text or (str(e.cause) if e.cause else "")
    return replace(r, hangup_cause=cause, ended_at=r.ended_at or at)


# Event type -> how it changes the record. Features add theirs here.
FOLDS: dict[type[Any], Fold] = {
    ue.CallStart: _call_start,
    ue.MenuEntered: _menu,
    ue.KeyPressed: _key,
    ue.SelfService: _self_service,
    ue.SelfServiceOutcome: _self_service_hangup,
    ue.ToAgent: _to_agent,
    ue.Hours: _hours,
    ue.MessageLeft: _message,
    ue.Survey: _survey,
    ue.CallbackTaken: _callback,
    ue.CallbackConnected: _callback_connected,
    ue.CallEnd: _call_end,
    Hangup: _hangup,
    AgentConnect: _agent_connect,
    AgentComplete: _agent_complete,
    QueueCallerAbandon: _abandon,
}


def event_name(event: Event) -> str:
    """For logs: the UserEvent's name, or the event's class."""
    return event.NAME if isinstance(event, ue.HotlineEvent) else type(event).__name__


def fold(record: CallRecord | None, event: Event, at: datetime) -> CallRecord:
    """The record after one event. A first event opens the record."""
    if isinstance(event, Hangup):
        call_id, uniqueid, number = event.uniqueid, event.uniqueid, event.caller_number
    elif isinstance(event, ue.HotlineEvent):
        call_id, uniqueid, number = event.call_id, event.origin.uniqueid, event.origin.caller_number
    else:
        call_id, uniqueid, number = event.call_id, "", ""
    if record is None:
        record = CallRecord(call_id=call_id or uniqueid, started_at=at)
    if not record.caller_number and known_number(number):
        record = replace(record, caller_number=number)
    if not record.uniqueid and uniqueid:
        record = replace(record, uniqueid=uniqueid)
    step = FOLDS.get(type(event))
    return step(record, event, at) if step else record
