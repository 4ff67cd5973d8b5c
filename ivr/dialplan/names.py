"""Names the rendered dialplan shares with hand-written dialplan, AGI scripts, the router
and the service that follows calls through AMI. One home, so no side spells them twice.
"""
from __future__ import annotations

# Contexts rendered from the config.
ENTRY_CONTEXT = "hotline-entry"  # exten s, and each of entry.numbers (12333)
TO_AGENT_CONTEXT = "hotline-to-agent"  # exten = reason; emits HotlineToAgent, then AGENT_CONTEXT
HANGUP_CONTEXT = "hotline-hangup"  # hangup handler: emits HotlineCallEnd
MENU_CONTEXT_PREFIX = "hotline-menu-"  # + menu id
FLOW_CONTEXT_PREFIX = "hotline-flow-"  # + self-service flow id; Gosub, returns HOTLINE_FLOW_RESULT

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
TRIES = "HOTLINE_TRIES"  # invalid keys + silences in the current menu
AGENT_REASON = "HOTLINE_AGENT_REASON"
FLOW_RESULT = "HOTLINE_FLOW_RESULT"  # set by the AGI script: done | agent; anything else = failed
AGI_BASE = "HOTLINE_AGI"  # global defined by hand-written dialplan: agi://host:port

# Why a caller is sent to an agent (extensions of TO_AGENT_CONTEXT).
AGENT_REASONS = ("key", "timeout", "retries", "flow-agent", "flow-failed", "announcement")

# UserEvents (AMI `Event: UserEvent`, `UserEvent: <name>`); every one carries CallID.
EVENT_CALL_START = "HotlineCallStart"  # CallID, Version, Dialect
EVENT_MENU = "HotlineMenu"  # CallID, Menu, Dialect, Business
EVENT_KEY = "HotlineKey"  # CallID, Menu, Key, Action (goto|agent|self_service|back|repeat), Target
EVENT_INVALID_KEY = "HotlineInvalidKey"  # CallID, Menu, Key (one character), Attempt
EVENT_TIMEOUT = "HotlineTimeout"  # CallID, Menu, Attempt (0 when on_timeout acts), Action, Target
EVENT_SELF_SERVICE = "HotlineSelfService"  # CallID, Menu, Flow, Result (done|agent|failed), AgiStatus
EVENT_TO_AGENT = "HotlineToAgent"  # CallID, Menu, Dialect, Business, Reason
EVENT_CALL_END = "HotlineCallEnd"  # CallID, Menu

GENERATED_FILE = "hotline.conf"  # rendered into dialplans/generated/


def menu_context(menu_id: str) -> str:
    return MENU_CONTEXT_PREFIX + menu_id


def flow_context(flow_id: str) -> str:
    return FLOW_CONTEXT_PREFIX + flow_id
