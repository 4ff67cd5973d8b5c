"""manager.conf `eventfilter` lines that cut a user's events to the ones it consumes (pure).

Without a filter a user with `read = all` gets every Newexten and VarSet of every call, and
parses them all. Asterisk 22's advanced filters match on the event name by hash, with no
regular expression:

    eventfilter(name(Hangup)) =
    eventfilter(name(UserEvent),header(UserEvent),method(starts_with)) = Hotline

Include filters only: an event matching any line is sent, every other event is not. Responses
to actions, and the items of list actions (CoreShowChannel, QueueMember, ...), are not events
in this sense and are never filtered; an async Originate's OriginateResponse is, so a client
that originates must list it.
"""

from __future__ import annotations

from collections.abc import Iterable

_NAME = "eventfilter(name({event})) ="
_USER_EVENTS = "eventfilter(name(UserEvent),header(UserEvent),method(starts_with)) = {prefix}"


def eventfilter_lines(events: Iterable[str], *, user_event_prefix: str = "") -> list[str]:
    """One include line per event name, sorted; UserEvents only with names starting with
    `user_event_prefix` when one is given."""
    names = sorted(set(events))
    if not names:
        raise ValueError("an event filter needs at least one event, or every event is dropped")
    lines = []
    for name in names:
        if name == "UserEvent" and user_event_prefix:
            lines.append(_USER_EVENTS.format(prefix=user_event_prefix))
        else:
            lines.append(_NAME.format(event=name))
    return lines
