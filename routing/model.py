"""Agents and calls as the router sees them, and their states."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from routing.skills import check_level


class AgentState(StrEnum):
    LOGGED_OUT = "logged_out"
    AVAILABLE = "available"
    OFFERED = "offered"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    PAUSED = "paused"


class PauseReason(StrEnum):
    BREAK = "break"
    TRAINING = "training"
    NO_ANSWER = "no_answer"
    # The router's own: the agent's phone is not registered or stopped answering; lifted by
    # itself when the phone is back (agents cannot choose it).
    NO_PHONE = "no_phone"


class CallState(StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"
    CONNECTED = "connected"
    GONE = "gone"


class GoneReason(StrEnum):
    ABANDONED = "abandoned"  # caller hung up before talking to an agent
    COMPLETED = "completed"  # talked to an agent, then someone hung up
    LEFT = "left"  # taken out of the queue by the shell (a message instead, a callback cancelled)
    UNANSWERED = "unanswered"  # a callback the caller did not pick up (the shell may try again)
    LOST = "lost"  # the PBX went away with the call (the AMI connection dropped): not the caller's doing


class Party(StrEnum):
    CALLER = "caller"
    AGENT = "agent"


@dataclass(frozen=True)
class Agent:
    id: str
    name: str
    endpoint: str  # "PJSIP/1001" in production, a Local channel in tests
    proficiencies: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for skill, level in self.proficiencies.items():
            check_level(skill, level)
        # Read-only so a profile shared with the router cannot change under its indexes.
        object.__setattr__(self, "proficiencies", MappingProxyType(dict(self.proficiencies)))

    def level(self, skill: str) -> int:
        return self.proficiencies.get(skill, 0)


def mask_number(number: str) -> str:
    """Keep only the last four digits: enough for an agent or auditor to tell callers apart."""
    if len(number) <= 4:
        return "*" * len(number)
    return "*" * (len(number) - 4) + number[-4:]


@dataclass(frozen=True)
class Call:
    id: str
    channel: str  # the caller's Asterisk channel name
    dialect: str
    business: str
    caller_number: str = field(repr=False)  # raw: never copied into events, decisions or views
    enqueue_time: float = 0.0
    elderly_bonus: float = 0.0  # seconds of extra effective wait
    repeat_bonus: float = 0.0  # seconds, for a caller already on this line today
    # The caller hung up to be called back (virtual hold): no channel; the place in line is
    # kept, and so is the requirement that the agent speaks the caller's dialect.
    callback: bool = False

    def __post_init__(self) -> None:
        # Whether the dialect and line exist is the router's configuration's to say (arrive).
        if self.elderly_bonus < 0 or self.repeat_bonus < 0:
            raise ValueError("priority bonuses are non-negative seconds")

    @property
    def masked_number(self) -> str:
        return mask_number(self.caller_number)

    def bonus(self, cap: float) -> float:
        """Bounded so a caller without bonuses is overtaken only by calls arriving < cap s later."""
        return min(cap, self.elderly_bonus + self.repeat_bonus)
