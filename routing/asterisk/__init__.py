"""The router on Asterisk: the adapter (AMI), hold announcements (FastAGI hold), the agent desk,
agents' phone registrations (phones), who was logged in and paused across restarts
(presence), the waiting callers read back from Asterisk (resync), the roster file (roster)."""

from routing.asterisk.adapter import RouterAdapter
from routing.asterisk.desk import AgentDesk, UnknownAgent
from routing.asterisk.hold import hold_handler
from routing.asterisk.roster import RosterError, load_roster

__all__ = ["AgentDesk", "RosterError", "RouterAdapter", "UnknownAgent", "hold_handler", "load_roster"]
