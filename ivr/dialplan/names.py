"""Names the rendered dialplan shares with hand-written dialplan, AGI scripts, the router
and the service that follows calls through AMI. One home, so no side spells them twice.
"""
from __future__ import annotations

from ivr import userevents

# Contexts rendered from the config. Everything a call runs after entry lives in contexts
# named after the config version (hotline-v<version>-...), in a file of their own: a reload
# loads the new version beside the old one, so a caller already in a menu finishes on the
# menu they started with, and only new calls (through hotline-entry) get the new version.
ENTRY_CONTEXT = "hotline-entry"  # exten s, and each of entry.numbers (12333); stable name
ENTRY_FILE = "hotline-entry.conf"
VERSION_FILE_GLOB = "hotline-v*.conf"

# Hand-written contexts the rendered dialplan calls (dialplans/*.conf).
AGENT_CONTEXT = "hotline-agent"  # Gosub(hotline-agent,s,1(dialect,business))
HOURS_CONTEXT = "hotline-hours"  # Gosub(hotline-hours,s,1(dialect,business)); returns when open

# Channel variables. `__` on Set makes them inherited by channels the call creates
# (queue members, Local agents), so routing and agents see them too.
CALL_ID = "HOTLINE_CALL_ID"  # kept if already set on the channel, else ${UNIQUEID}
CONFIG_VERSION = "HOTLINE_CONFIG_VERSION"
DIALECT = "HOTLINE_DIALECT"  # router skill: mandarin, zhuang, ...
BUSINESS = "HOTLINE_BUSINESS"  # router skill: pension, medical, ...
MENU = "HOTLINE_MENU"  # menu the caller is in
TRIES = "HOTLINE_TRIES"  # invalid keys in the current menu
SILENCES = "HOTLINE_SILENCES"  # silences in the current menu
AGENT_REASON = "HOTLINE_AGENT_REASON"
FLOW_RESULT = "HOTLINE_FLOW_RESULT"  # set by the AGI script: done | agent; anything else = failed
AGI_BASE = "HOTLINE_AGI"  # global defined by hand-written dialplan: agi://host:port

# Why a caller is sent to an agent (extensions of TO_AGENT_CONTEXT).
AGENT_REASONS = ("key", "timeout", "retries", "flow-agent", "flow-failed", "announcement", "speech")

# UserEvents the menus send: names and headers are the contract's (ivr/userevents.py).
EVENT_CALL_START = userevents.CallStart.NAME
EVENT_MENU = userevents.MenuEntered.NAME
EVENT_KEY = userevents.KeyPressed.NAME
EVENT_INVALID_KEY = userevents.InvalidKey.NAME
EVENT_TIMEOUT = userevents.MenuTimeout.NAME
EVENT_SELF_SERVICE = userevents.SelfService.NAME
EVENT_TO_AGENT = userevents.ToAgent.NAME
EVENT_CALL_END = userevents.CallEnd.NAME



def version_prefix(version: str) -> str:
    """Prefix of every context of one config version (match channels' Context against it)."""
    return f"hotline-v{version}-"


def version_file(version: str) -> str:
    return f"hotline-v{version}.conf"


def menu_context(version: str, menu_id: str) -> str:
    return f"{version_prefix(version)}menu-{menu_id}"


def flow_context(version: str, flow_id: str) -> str:
    """Gosub target running one self-service flow; returns with HOTLINE_FLOW_RESULT set."""
    return f"{version_prefix(version)}flow-{flow_id}"


def to_agent_context(version: str) -> str:
    """exten = reason (AGENT_REASONS); emits HotlineToAgent, then hours and AGENT_CONTEXT."""
    return f"{version_prefix(version)}to-agent"


def hangup_context(version: str) -> str:
    """Hangup handler pushed at entry: emits HotlineCallEnd."""
    return f"{version_prefix(version)}hangup"
