"""What the router asks the shell (the Asterisk adapter) to do, and the result of each command."""

from __future__ import annotations

from dataclasses import dataclass

from routing.events import RouterEvent


@dataclass(frozen=True, slots=True)
class Offer:
    """Ring `endpoint` for up to `ring_timeout` s; on answer bridge it with `channel`, or, for a
    callback, dial the caller back and bridge them.

    Report back with Router.answered / Router.ring_no_answer (or hangup if the caller goes); a
    callback the caller does not pick up with Router.callback_unanswered."""

    call_id: str
    agent_id: str
    channel: str
    endpoint: str
    ring_timeout: float
    callback: bool = False


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
    """Offer the waiting caller a callback now (a ladder step says so); Router.keep_place if taken."""

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
