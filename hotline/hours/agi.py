"""FastAGI script `hours`: is the caller's line staffed now? (AGI(${HOTLINE_AGI}/hours,dialect,business))

Sets HOTLINE_LINE_OPEN (1 or 0), HOTLINE_HOURS_REASON (a `Reason` value) and HOTLINE_HOURS_LINE.
When in doubt (unknown dialect, a broken calendar) the answer is open: the caller then goes to
an agent queue, which is never worse than being told wrongly that nobody works today.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from hotline.hours.schedule import HoursConfig
from ivr.agi import AgiHandler
from ivr.agi.session import AgiSession

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


def hours_handler(hours: Callable[[], HoursConfig], clock: Callable[[], datetime] = utc_now) -> AgiHandler:
    """`hours` returns the current configuration (so a reload takes effect on the next call)."""

    async def handle(session: AgiSession) -> None:
        dialect = session.args[0] if session.args else ""
        try:
            status = hours().status(clock(), dialect)
        except Exception as exc:  # a broken config must not strand callers
            log.error("hours: cannot decide for dialect %r (%s); treating the line as open", dialect, exc)
            await session.set_variable("HOTLINE_LINE_OPEN", "1")
            await session.set_variable("HOTLINE_HOURS_REASON", "unknown")
            return
        await session.set_variable("HOTLINE_HOURS_LINE", status.line.line)
        await session.set_variable("HOTLINE_HOURS_REASON", status.reason.value)
        await session.set_variable("HOTLINE_LINE_OPEN", "1" if status.open else "0")

    return handle
