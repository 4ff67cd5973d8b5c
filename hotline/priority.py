"""Who waits a little less: the router's priority bonuses, from the hotline's own records.

An elderly caller (the dialplan sets HOTLINE_ELDERLY=1 where the caller was identified as 60
or older) and a caller who already called this business line today (a withheld number never
counts) get extra effective wait;
the router caps the sum (RouterConfig.max_bonus_seconds) so nobody starves.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hotline.db import records_store
from hotline.db.records_store import RecordStore
from hotline.records.model import known_number
from ivr.userevents import QueueJoin
from routing.asterisk.adapter import BonusPolicy, Bonuses

ELDERLY_SECONDS = 60.0
REPEAT_SECONDS = 30.0
CENTRE_TZ = ZoneInfo("Asia/Shanghai")


def local_day(now: datetime) -> tuple[datetime, datetime]:
    """The centre's calendar day around `now`, as an aware [start, end) pair."""
    start = datetime.combine(now.astimezone(CENTRE_TZ).date(), time(0), CENTRE_TZ)
    return start, start + timedelta(days=1)


def bonus_policy(store: RecordStore, clock: Callable[[], datetime], *, elderly_s: float = ELDERLY_SECONDS,
                 repeat_s: float = REPEAT_SECONDS) -> BonusPolicy:
    """`elderly_s`, `repeat_s`: hotline.yaml's routing.elderly_bonus_s and repeat_bonus_s."""
    async def bonuses(join: QueueJoin) -> Bonuses:
        elderly = elderly_s if join.elderly == "1" else 0.0
        number, business = known_number(join.origin.caller_number), join.business
        if not number:  # withheld: every such caller shares it, so it says nothing
            return Bonuses(elderly=elderly)
        start, end = local_day(clock())
        again = await store.call(lambda s: records_store.called_about_between(s, number, business, start, end))
        return Bonuses(elderly=elderly, repeat=repeat_s if again else 0.0)

    return bonuses
