"""The router on Asterisk: the adapter (AMI), hold announcements (FastAGI), the agent desk."""

from routing.asterisk.adapter import RouterAdapter
from routing.asterisk.desk import AgentDesk, UnknownAgent
from routing.asterisk.hold import hold_handler
from routing.asterisk.roster import RosterError, load_roster

__all__ = ["AgentDesk", "RosterError", "RouterAdapter", "UnknownAgent", "hold_handler", "load_roster"]
