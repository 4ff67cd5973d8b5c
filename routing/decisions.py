"""What the router asks the shell (the Asterisk adapter) to do, and the result of each command."""

from __future__ import annotations

from dataclasses import dataclass

from routing.events import RouterEvent


@dataclass(frozen=True, slots=True)
class Offer:
    """Ring `endpoint` for up to `ring_timeout` s; on answer bridge it with `channel`.

    Report back with Router.answered / Router.ring_no_answer (or hangup if the caller goes)."""

    call_id: str
    agent_id: str
    channel: str
    endpoint: str
    ring_timeout: float


@dataclass(frozen=True, slots=True)
class CancelOffer:
    """Stop ringing the agent: the caller hung up or the agent logged out while ringing."""

    call_id: str
    agent_id: str
    endpoint: str


@dataclass(frozen=True, slots=True)
class Announce:
    """Play a prompt (by id, in the caller's language) to a waiting caller."""

    call_id: str
    channel: str
    prompt: str


@dataclass(frozen=True, slots=True)
class OfferCallback:
    call_id: str
    channel: str


Decision = Offer | CancelOffer | Announce | OfferCallback


@dataclass(frozen=True, slots=True)
class Outcome:
    decisions: tuple[Decision, ...] = ()
    events: tuple[RouterEvent, ...] = ()

    @property
    def offers(self) -> tuple[Offer, ...]:
        return tuple(d for d in self.decisions if isinstance(d, Offer))
