"""The dialplan's UserEvents: the wire contract between Asterisk and the service, defined once.

Each event is a frozen dataclass: `NAME` is the AMI `UserEvent:` value, each field names its
header (`header("CallID")`). The dialplan renderer and the hand-written contexts in
dialplans/ emit exactly these headers (tests/contract checks every `UserEvent(` there); the
service reads them only through `decode`, never by header strings. Values are names, numbers
and channel variables, never caller data. Pure: no I/O, no AMI library.

    event = decode(fields)        # the AMI message's headers -> a typed event, or None
    body = encode(event)          # "Name,Header: value,..." for UserEvent() from an AGI
    ami.subscribe(Survey, handler)       # the AMI client decodes: handler gets Survey events only
    ami.subscribe(HotlineEvent, handler) # ... or every event of the contract
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, TypeVar

# Every UserEvent the service reads is named so (the AMI event filter passes only these).
PREFIX = "Hotline"


def header(name: str, *, optional: bool = False) -> Any:
    """A field carried as the header `name` (all are strings on the wire; "" when absent).
    `optional`: some emitters leave it out (the test allows that, and only that)."""
    return field(default="", metadata={"header": name, "optional": optional})


@dataclass(frozen=True)
class Origin:
    """What AMI adds to every UserEvent from the channel that ran it."""

    channel: str = ""
    uniqueid: str = ""
    caller_number: str = ""  # CallerIDNum; masked before it is logged or shown


@dataclass(frozen=True)
class HotlineEvent:
    NAME: ClassVar[str] = ""
    EVENT: ClassVar[str] = "UserEvent"  # the AMI event it travels in (for typed subscriptions)
    call_id: str = header("CallID")
    origin: Origin = field(default_factory=Origin, compare=False)

    @classmethod
    def headers(cls) -> dict[str, bool]:
        """{header: optional} in wire order (CallID first)."""
        return {f.metadata["header"]: f.metadata["optional"] for f in fields(cls) if "header" in f.metadata}

    @classmethod
    def from_message(cls, headers: Mapping[str, str]) -> Any:
        """This class's event (a subclass's, for HotlineEvent itself) from an AMI UserEvent's
        headers, or None when the message is another event."""
        found = EVENTS.get(headers.get("UserEvent", ""))
        return decode_as(found, headers) if found is not None and issubclass(found, cls) else None

    def items(self) -> list[tuple[str, str, str]]:
        """(field, header, value) of each header field, in wire order."""
        return [(f.name, f.metadata["header"], str(getattr(self, f.name))) for f in fields(self) if "header" in f.metadata]


# --- the menus (rendered by ivr.dialplan) -------------------------------------------------
@dataclass(frozen=True)
class CallStart(HotlineEvent):
    NAME: ClassVar[str] = "HotlineCallStart"
    version: str = header("Version")
    dialect: str = header("Dialect")


@dataclass(frozen=True)
class MenuEntered(HotlineEvent):
    NAME: ClassVar[str] = "HotlineMenu"
    menu: str = header("Menu")
    dialect: str = header("Dialect")
    business: str = header("Business")


@dataclass(frozen=True)
class KeyPressed(HotlineEvent):
    NAME: ClassVar[str] = "HotlineKey"
    menu: str = header("Menu")
    key: str = header("Key")
    action: str = header("Action")  # goto | agent | self_service | back | repeat
    target: str = header("Target")


@dataclass(frozen=True)
class InvalidKey(HotlineEvent):
    NAME: ClassVar[str] = "HotlineInvalidKey"
    menu: str = header("Menu")
    key: str = header("Key")  # one character only
    attempt: str = header("Attempt")


@dataclass(frozen=True)
class MenuTimeout(HotlineEvent):
    NAME: ClassVar[str] = "HotlineTimeout"
    menu: str = header("Menu")
    attempt: str = header("Attempt")  # 0 when the menu's on_timeout acts
    action: str = header("Action")  # replay | agent | what on_timeout does
    target: str = header("Target")


@dataclass(frozen=True)
class SelfService(HotlineEvent):
    """The generated flow context's report after the AGI returns (not after a hang-up)."""

    NAME: ClassVar[str] = "HotlineSelfService"
    menu: str = header("Menu")
    flow: str = header("Flow")
    result: str = header("Result")  # done | agent | failed
    agi_status: str = header("AgiStatus")


@dataclass(frozen=True)
class SelfServiceOutcome(HotlineEvent):
    """The flow's own report (ivr.selfservice.flows), sent as it ends, hang-up included."""

    NAME: ClassVar[str] = "HotlineSelfServiceOutcome"
    flow: str = header("Flow")
    outcome: str = header("Outcome")  # a word from the flow; after a hang-up, the last step completed
    result: str = header("Result")  # done | agent | hangup


@dataclass(frozen=True)
class ToAgent(HotlineEvent):
    NAME: ClassVar[str] = "HotlineToAgent"
    menu: str = header("Menu")
    dialect: str = header("Dialect")
    business: str = header("Business")
    reason: str = header("Reason")  # key | timeout | retries | flow-agent | flow-failed | announcement | speech


@dataclass(frozen=True)
class CallEnd(HotlineEvent):
    NAME: ClassVar[str] = "HotlineCallEnd"
    menu: str = header("Menu")


@dataclass(frozen=True)
class Speech(HotlineEvent):
    NAME: ClassVar[str] = "HotlineSpeech"
    menu: str = header("Menu")
    result: str = header("Result")
    reason: str = header("Reason")
    intent: str = header("Intent")
    agi_status: str = header("AgiStatus")


# --- the agent route, hold and callbacks (dialplans/hotline-agent.conf, -callback.conf) --
@dataclass(frozen=True)
class QueueJoin(HotlineEvent):
    NAME: ClassVar[str] = "HotlineQueueJoin"
    dialect: str = header("Dialect")
    business: str = header("Business")
    enqueued: str = header("Enqueued")  # epoch seconds with milliseconds, kept across a requeue
    elderly: str = header("Elderly")  # "1" when identified as 60 or older

    @property
    def enqueue_time(self) -> float | None:
        return float(self.enqueued) if self.enqueued else None


@dataclass(frozen=True)
class CallbackTaken(HotlineEvent):
    NAME: ClassVar[str] = "HotlineCallback"
    task: str = header("Task")


@dataclass(frozen=True)
class AgentAnswer(HotlineEvent):
    NAME: ClassVar[str] = "HotlineAgentAnswer"
    agent: str = header("Agent")
    task: str = header("Task", optional=True)  # on a callback's agent leg


@dataclass(frozen=True)
class Recording(HotlineEvent):
    """The agent leg started recording the conversation (MixMonitor) into `file`."""

    NAME: ClassVar[str] = "HotlineRecording"
    agent: str = header("Agent")
    business: str = header("Business")
    file: str = header("File")


@dataclass(frozen=True)
class AgentBridgeFailed(HotlineEvent):
    NAME: ClassVar[str] = "HotlineAgentBridgeFailed"
    agent: str = header("Agent")
    result: str = header("Result")


@dataclass(frozen=True)
class CallbackConnected(HotlineEvent):
    NAME: ClassVar[str] = "HotlineCallbackConnected"
    agent: str = header("Agent")
    task: str = header("Task")
    dialect: str = header("Dialect")  # the task's line: a callback may have no menus behind it
    business: str = header("Business")


@dataclass(frozen=True)
class CallbackGreeted(HotlineEvent):
    """The called-back caller heard the greeting: the bridge with the agent starts now."""

    NAME: ClassVar[str] = "HotlineCallbackGreeted"
    agent: str = header("Agent")
    task: str = header("Task")


@dataclass(frozen=True)
class CallbackAttempt(HotlineEvent):
    """One call-back attempt's end, from the agent leg's hangup handler."""

    NAME: ClassVar[str] = "HotlineCallbackAttempt"
    agent: str = header("Agent")
    task: str = header("Task")
    status: str = header("Status")  # Asterisk's DIALSTATUS
    reached: str = header("Reached")  # "1" when the caller picked up


# --- hours, messages, survey (dialplans/hotline-hours.conf) ------------------------------
@dataclass(frozen=True)
class Hours(HotlineEvent):
    NAME: ClassVar[str] = "HotlineHours"
    dialect: str = header("Dialect")
    business: str = header("Business")
    open: str = header("Open")  # 1 | 0 | unknown
    reason: str = header("Reason")
    agi_status: str = header("AgiStatus")


@dataclass(frozen=True)
class MessageStart(HotlineEvent):
    NAME: ClassVar[str] = "HotlineMessageStart"
    file: str = header("File")


@dataclass(frozen=True)
class MessageLeft(HotlineEvent):
    NAME: ClassVar[str] = "HotlineMessage"
    dialect: str = header("Dialect")
    business: str = header("Business")
    file: str = header("File")
    seconds: str = header("Seconds")
    status: str = header("Status")


@dataclass(frozen=True)
class Survey(HotlineEvent):
    NAME: ClassVar[str] = "HotlineSurvey"
    agent: str = header("Agent")
    rating: str = header("Rating")  # a digit, or none


# --- recording prompts by phone (ivr/prompts/phone.py, from its AGI) ----------------------
@dataclass(frozen=True)
class RecorderTake(HotlineEvent):
    """A staff member's take ended (dialplans/hotline-recorder.conf). CallID is empty: a staff
    call is no hotline call, so no call record or timeline takes it in (AMI adds its Uniqueid)."""

    NAME: ClassVar[str] = "HotlineRecorderTake"
    staff: str = header("Staff")  # the staff number, never the name
    language: str = header("Language")
    prompt: str = header("Prompt")
    outcome: str = header("Outcome")  # kept | again | skipped | refused_<reason> | ...


EVENTS: dict[str, type[HotlineEvent]] = {cls.NAME: cls for cls in (
    CallStart, MenuEntered, KeyPressed, InvalidKey, MenuTimeout, SelfService, SelfServiceOutcome, ToAgent,
    CallEnd, Speech, QueueJoin, CallbackTaken, AgentAnswer, Recording, AgentBridgeFailed, CallbackConnected,
    CallbackGreeted, CallbackAttempt, Hours, MessageStart, MessageLeft, Survey, RecorderTake,
)}
E = TypeVar("E", bound=HotlineEvent)


def decode(headers: Mapping[str, str]) -> HotlineEvent | None:
    """The typed event of an AMI UserEvent's headers, or None for a name not in the contract."""
    cls = EVENTS.get(headers.get("UserEvent", ""))
    return None if cls is None else decode_as(cls, headers)


def decode_as(cls: type[E], headers: Mapping[str, str]) -> E:
    values: dict[str, Any] = {f.name: headers.get(f.metadata["header"], "") or ""
                              for f in fields(cls) if "header" in f.metadata}
    origin = Origin(headers.get("Channel", ""), headers.get("Uniqueid", ""), headers.get("CallerIDNum", ""))
    return cls(origin=origin, **values)


def encode(event: HotlineEvent) -> str:
    """The UserEvent() argument for `event` (commas and newlines taken out of values)."""
    parts = [event.NAME]
    for _, name, value in event.items():
        parts.append(f"{name}: " + value.replace(",", " ").replace("\n", " "))
    return ",".join(parts)
