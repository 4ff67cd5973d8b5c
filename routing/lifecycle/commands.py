"""What the call lifecycle core asks its shells to do. Each names the Asterisk node it is for."""

from __future__ import annotations

from dataclasses import dataclass

from routing.events import RouterEvent


@dataclass(frozen=True, slots=True)
class Publish:
    """A router event for the listeners (records, metrics, the live API)."""

    event: RouterEvent


@dataclass(frozen=True, slots=True)
class Originate:
    """Ring the agent's endpoint into `context`; report with OriginateResult(ring_id, ...).
    `caller_channel`: first tell the caller's channel which agent takes it (the survey rates them)."""

    ring_id: str
    call_id: str
    agent_id: str
    endpoint: str
    context: str
    ring_timeout: float
    caller_id: str
    variables: tuple[tuple[str, str], ...]
    caller_channel: str | None = None
    node: str = ""


@dataclass(frozen=True, slots=True)
class Redirect:
    """Send a waiting caller to hear something at once (hold context, exten announce/offer).
    If it cannot be done, tell the core NoticePlayed(call_id) (nothing waits for it)."""

    call_id: str
    channel: str
    exten: str
    node: str = ""


@dataclass(frozen=True, slots=True)
class Hangup:
    channel: str
    node: str = ""


@dataclass(frozen=True, slots=True)
class RecordCallback:
    """One callback attempt's outcome, reported once however its two reports raced."""

    call_id: str
    task: str
    result: str  # "ANSWER", or DIALSTATUS of an attempt that did not reach the caller


@dataclass(frozen=True, slots=True)
class Speak:
    """Prompts for the hold script to play now (the answer to TakeAnnouncements)."""

    call_id: str
    prompts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Refused:
    """A shell's move could not be made (KeepPlace on a call just answered, or gone)."""

    call_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Note:
    """Something an operator should be able to read in the log."""

    message: str


Command = Publish | Originate | Redirect | Hangup | RecordCallback | Speak | Refused | Note
