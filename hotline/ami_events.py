"""The AMI events the hotline service consumes, and the manager.conf filter that sends only
those (for the sandbox of `make run` and the admin bundle).

Each entry is subscribed to somewhere in the service; tests/service/test_eventfilter.py
checks the list against the subscriptions of the assembled service, so it cannot drift.
"""

from __future__ import annotations

from ivr.ami.eventfilter import eventfilter_lines
from ivr.userevents import PREFIX

CONSUMED_EVENTS = frozenset({
    "UserEvent",  # the dialplan's Hotline* events: records, router, callbacks, live views
    "Hangup",  # records and router
    "Newchannel",  # router: a caller's channel before it joins
    "ContactStatus",  # agents' phones registering and going away (availability)
    "Reload",  # pbx_config reloaded: the service sets its dialplan globals again
})
# Awaited only for the length of one action, so not among the standing subscriptions.
AWAITED_EVENTS = frozenset({
    "OriginateResponse",  # an async Originate's outcome (router, callbacks)
})
# The dialplan names every UserEvent the service reads HotlineSomething (the contract's prefix).
USER_EVENT_PREFIX = PREFIX


def service_eventfilter() -> list[str]:
    """The `eventfilter` lines for the service's manager.conf user."""
    return eventfilter_lines(CONSUMED_EVENTS | AWAITED_EVENTS, user_event_prefix=USER_EVENT_PREFIX)
