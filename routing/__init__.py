"""Skills-based routing: the pure core (no I/O). The Asterisk adapter lives beside it."""

from routing.books import RouterError
from routing.decisions import Announce, CancelOffer, Decision, Offer, OfferCallback, Outcome
from routing.ladder import Ladder, LadderStep, RouterConfig
from routing.model import Agent, AgentState, Call, CallState, GoneReason, Party, PauseReason, mask_number
from routing.queries import AgentView, CallView, LineStats
from routing.router import Router
from routing.skills import BUSINESS_LINES, DIALECTS, SKILLS, Requirement
from routing.snapshot import AgentSnapshot, CallSnapshot, RouterSnapshot

__all__ = [
    "Agent", "AgentSnapshot", "AgentState", "AgentView", "Announce", "BUSINESS_LINES", "Call", "CallSnapshot",
    "CallState", "CallView", "CancelOffer", "DIALECTS", "Decision", "GoneReason", "Ladder", "LadderStep",
    "LineStats", "Offer", "OfferCallback", "Outcome", "Party", "PauseReason", "Requirement", "Router",
    "RouterConfig", "RouterError", "RouterSnapshot", "SKILLS", "mask_number",
]
