"""Skills-based routing: the pure core (no I/O, clock passed in). The Asterisk adapter sits on top.

How a shell drives it (every command returns an Outcome of decisions + events):

    router = Router(RouterConfig.from_data(yaml_section))   # or routing.guangxi.default_config()
    router.login(agent, now) / logout / pause(agent_id, reason, now) / unpause
    router.arrive(call, now)                 # caller leaves the IVR for the holding context
    router.answered(call_id, agent_id, now)  # agent leg answered and bridged
    router.ring_no_answer(call_id, agent_id, now, reason="no_answer" | "rejected" | "busy" ...)
    router.hangup(call_id, now, by=Party.CALLER | Party.AGENT)
    router.leave(call_id, now)               # shell took a waiting caller out (message, transfer)
    router.keep_place(call_id, now)          # the caller took a callback and hangs up
    router.callback_unanswered(call_id, agent_id, now)  # agent took it, caller did not pick up
    router.tick(now)                         # every second or so: ladders, wrap-ups, retries

Decisions to carry out: Offer (ring endpoint, bridge with channel or, for a callback, dial the
caller back), CancelOffer, Announce (prompt id to a waiting caller), OfferCallback. Events are for metrics and audit; caller numbers in them
are masked. After a restart: routing.snapshot.restore(config, RouterSnapshot(...), now).
"""

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
