"""One call's record, folded from the dialplan's UserEvents and Asterisk's Hangup (pure).

    record = fold(record_or_None, event_fields, at)   # one AMI event's headers, received at `at`

Each Hotline* UserEvent carries CallID; AMI adds the channel's fields (Uniqueid, CallerIDNum).
The fold never raises on an event it does not know and never loses what it already has, so
events replayed after a restart, or arriving out of order, do no harm. The router adds its
own events (queue, agent, callbacks) as entries of `FOLDS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

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


Event = Mapping[str, str]
Fold = Callable[[CallRecord, Event, datetime], CallRecord]


def _call_start(r: CallRecord, e: Event, at: datetime) -> CallRecord:
    return replace(r, dialect=e.get("Dialect", r.dialect), config_version=e.get("Version", r.config_version))


def _menu(r: CallRecord, e: Event, at: datetime) -> CallRecord:
    menu = e.get("Menu", "")
    return replace(r, menus=r.menus + (menu,) if menu else r.menus,
                   dialect=e.get("Dialect") or r.dialect, business=e.get("Business") or r.business)


def _key(r: CallRecord, e: Event, at: datetime) -> CallRecord:
    return replace(r, keys=r.keys + e.get("Key", ""))


def _self_service(r: CallRecord, e: Event, at: datetime) -> CallRecord:
    step = f"{e.get('Flow', '?')}:{e.get('Result') or 'failed'}"
    return replace(r, self_service=r.self_service + (step,))


def _self_service_hangup(r: CallRecord, e: Event, at: datetime) -> CallRecord:
    """The flow's own report; only a hang-up adds to the record, since the dialplan reports
    every other end (HotlineSelfService) and has no line left to run after a hang-up."""
    if e.get("Result") != "hangup":
        return r
    step = f"{e.get('Flow', '?')}:hangup:{e.get('Outcome') or 'nothing'}"  # what the caller completed
    return replace(r, self_service=r.self_service + (step,))


def _to_agent(r: CallRecord, e: Event, at: datetime) -> CallRecord:
    return replace(r, to_agent=True, agent_reason=e.get("Reason", ""),
                   dialect=e.get("Dialect") or r.dialect, business=e.get("Business") or r.business)


def _hours(r: CallRecord, e: Event, at: datetime) -> CallRecord:
    answer = {"1": True, "0": False}.get(e.get("Open", ""))
    return replace(r, line_open=answer, hours_reason=e.get("Reason", ""),
                   dialect=e.get("Dialect") or r.dialect, business=e.get("Business") or r.business)


def _message(r: CallRecord, e: Event, at: datetime) -> CallRecord:
    return replace(r, message_file=e.get("File", ""))


def _survey(r: CallRecord, e: Event, at: datetime) -> CallRecord:
    rating = e.get("Rating", "")
    return replace(r, survey_offered=True, agent=r.agent or e.get("Agent", ""),
                   rating=int(rating) if rating in {"1", "2", "3", "4", "5"} else r.rating)


def _callback_connected(r: CallRecord, e: Event, at: datetime) -> CallRecord:
    """A call back reached the caller: a callback with no menus behind it (a message, two
    failed calls) takes its line from the task; a virtual-hold call keeps its own."""
    return replace(r, dialect=r.dialect or e.get("Dialect", ""), business=r.business or e.get("Business", ""))


def _callback(r: CallRecord, e: Event, at: datetime) -> CallRecord:
    task = e.get("Task", "")
    return replace(r, callback_task_id=int(task)) if task.isdigit() else r


def _agent_connect(r: CallRecord, e: Event, at: datetime) -> CallRecord:
    return replace(r, agent=e.get("Agent") or r.agent, queue_wait_s=float(e.get("Wait", 0)))


def _agent_complete(r: CallRecord, e: Event, at: datetime) -> CallRecord:
    return replace(r, talk_s=float(e.get("Talk", 0)))


def _abandon(r: CallRecord, e: Event, at: datetime) -> CallRecord:
    return replace(r, queue_wait_s=float(e.get("Wait", 0)))


def _call_end(r: CallRecord, e: Event, at: datetime) -> CallRecord:
    return replace(r, ended_in=e.get("Menu", r.ended_in))


def _hangup(r: CallRecord, e: Event, at: datetime) -> CallRecord:
    cause = e.get("Cause-txt") or e.get("Cause", "")
    return replace(r, hangup_cause=cause, ended_at=r.ended_at or at)


# UserEvent name (or "Hangup") -> how it changes the record. Features add theirs here.
FOLDS: dict[str, Fold] = {
    "HotlineCallStart": _call_start,
    "HotlineMenu": _menu,
    "HotlineKey": _key,
    "HotlineSelfService": _self_service,
    "HotlineSelfServiceOutcome": _self_service_hangup,
    "HotlineToAgent": _to_agent,
    "HotlineHours": _hours,
    "HotlineMessage": _message,
    "HotlineSurvey": _survey,
    "HotlineCallback": _callback,
    "HotlineCallbackConnected": _callback_connected,
    "HotlineCallEnd": _call_end,
    "Hangup": _hangup,
    # the router's events (router_fields)
    "RouterAgentConnect": _agent_connect,
    "RouterAgentComplete": _agent_complete,
    "RouterCallerAbandon": _abandon,
}
ROUTER_EVENTS = frozenset({"RouterAgentConnect", "RouterAgentComplete", "RouterCallerAbandon"})


def router_fields(event: object) -> Event | None:
    """A router event (routing.events) as the fields the fold reads, or None if it adds nothing."""
    match event:
        case AgentConnect():
            return {"UserEvent": "RouterAgentConnect", "CallID": event.call_id, "Agent": event.agent_id,
                    "Wait": f"{event.hold_time:.3f}"}
        case AgentComplete():
            return {"UserEvent": "RouterAgentComplete", "CallID": event.call_id, "Talk": f"{event.talk_time:.3f}"}
        case QueueCallerAbandon():
            return {"UserEvent": "RouterCallerAbandon", "CallID": event.call_id, "Wait": f"{event.wait:.3f}"}
    return None


def event_name(event: Event) -> str:
    return event.get("UserEvent") or event.get("Event", "")


def fold(record: CallRecord | None, event: Event, at: datetime) -> CallRecord:
    """The record after one event. A first event opens the record."""
    if record is None:
        record = CallRecord(call_id=event.get("CallID") or event.get("Uniqueid", ""), started_at=at)
    if not record.caller_number and known_number(event.get("CallerIDNum", "")):
        record = replace(record, caller_number=event["CallerIDNum"])
    if not record.uniqueid and event.get("Uniqueid"):
        record = replace(record, uniqueid=event["Uniqueid"])
    step = FOLDS.get(event_name(event))
    return step(record, event, at) if step else record
