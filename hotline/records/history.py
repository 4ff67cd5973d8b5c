"""Call history: what a search asks for, how a page continues, how a number is looked up (pure).

    query = CallQuery(since=..., dialect="zhuang", outcome=Outcome.ABANDONED, min_wait_s=600,
                      caller_digest=caller_digest(key, "13800138000"))
    cursor = encode_cursor(last_started_at, last_id)      # "<µs since 1970>_<id>"
    decode_cursor(cursor)                                  # -> (started_at, id); ValueError if malformed

Pages are newest first, by (started_at, id): a cursor is the last row's pair, so a page never
repeats or skips a row however many calls arrive while someone pages. A caller's number is
searched by its keyed hash (HMAC-SHA256 under a key derived from the ID-number key), so a
search by number needs no index on the plain number and the key never leaves the service.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from hotline.records.model import Outcome

# Domain separation: the ID-number key also keys this, for another purpose.
_CALLER_KEY_LABEL = b"hotline12333 caller number v1"
MAX_PAGE = 200


class OutcomeFilter(StrEnum):
    """The outcomes a supervisor asks about (after_hours: the line was closed, no message left)."""

    SELF_SERVICE = "self_service"
    ANSWERED = "answered"
    ABANDONED = "abandoned"
    CALLBACK = "callback"
    MESSAGE = "message"
    AFTER_HOURS = "after_hours"
    IVR = "ivr"

    @property
    def stored(self) -> Outcome:
        return Outcome.CLOSED if self is OutcomeFilter.AFTER_HOURS else Outcome(self.value)


def caller_key(id_key: bytes) -> bytes:
    return hmac.new(id_key, _CALLER_KEY_LABEL, hashlib.sha256).digest()


def normalise_number(number: str) -> str:
    """What is compared: the digits (and a leading +) as Asterisk reported them."""
    number = number.strip()
    return ("+" if number.startswith("+") else "") + "".join(c for c in number if c in "0123456789")


def caller_digest(key: bytes, number: str) -> str:
    """Keyed hash of a caller's number; "" for no number (withheld numbers match nothing)."""
    normal = normalise_number(number)
    if not normal.lstrip("+"):
        return ""
    return hmac.new(key, normal.encode("ascii"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class CallQuery:
    since: datetime | None = None  # started at or after
    until: datetime | None = None  # started before
    dialect: str | None = None
    business: str | None = None
    agent: str | None = None
    outcome: OutcomeFilter | None = None
    min_wait_s: float | None = None  # queue wait at least this
    caller_digest: str | None = None
    after: tuple[datetime, int] | None = None  # the cursor: rows strictly older than this
    limit: int = 50

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_PAGE:
            raise ValueError(f"limit must be 1 to {MAX_PAGE}")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{name} needs a UTC offset (ISO 8601, e.g. 2026-12-03T15:00:00+08:00)")


CURSOR_PATTERN = r"^[0-9]{1,16}_[0-9]{1,12}$"  # <started_at in µs since 1970 UTC>_<row id>
EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(9000, 1, 1, tzinfo=UTC)


def encode_cursor(started_at: datetime, row_id: int) -> str:
    """The position after a row: its start (whole microseconds since 1970, UTC) and its id. Plain,
    so that every string of the documented pattern is a position (a page after it, maybe empty)."""
    micros = (started_at.astimezone(UTC) - _EPOCH) // timedelta(microseconds=1)
    return f"{max(micros, 0)}_{row_id}"


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (started_at, id) a cursor stands for; ValueError if it does not match CURSOR_PATTERN."""
    if re.fullmatch(CURSOR_PATTERN, cursor) is None:
        raise ValueError("not a cursor: use next_cursor from the previous page")
    micros, _, row_id = cursor.partition("_")
    return clamp(_EPOCH + timedelta(microseconds=int(micros))), int(row_id)


def clamp(at: datetime) -> datetime:
    """A time within what the databases store (a search from year 1 means from the beginning)."""
    try:
        utc = at.astimezone(UTC)
    except OverflowError:
        return EARLIEST if at.year < 2000 else LATEST
    return min(max(utc, EARLIEST), LATEST)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
