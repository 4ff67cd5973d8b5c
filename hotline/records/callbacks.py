"""Callback tasks and the rule that makes them (pure).

A task is a promise to call a number back: for a message left after hours, for a caller who
failed to reach an agent twice in one day (主动回拨), and for a caller who took the
virtual-hold offer. hotline.callbacks.service puts pending tasks in line with the router when
they fall due, counting `attempts`; the outcome closes the task.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from hotline.records.model import CallRecord

FAILURES_FOR_CALLBACK = 2


class CallbackReason(StrEnum):
    MESSAGE = "message"
    REPEATED_FAILURE = "repeated_failure"
    VIRTUAL_HOLD = "virtual_hold"  # the router's offer while queueing


class CallbackStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"  # reached the caller
    FAILED = "failed"  # attempts used up
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class CallbackTask:
    caller_number: str
    dialect: str
    business: str
    reason: CallbackReason
    due_at: datetime
    created_at: datetime
    status: CallbackStatus = CallbackStatus.PENDING
    attempts: int = 0
    call_id: str = ""  # the call that caused it
    message_id: int | None = None
    id: int | None = None
    queued_at: datetime | None = None  # virtual hold: when the caller joined the queue (their place)
    outcome: str = ""  # the last attempt's result: answered, noanswer, busy, ...
    last_attempt_at: datetime | None = None


def automatic_callback(record: CallRecord, failures_today: int, number_has_pending_task: bool,
                       due_at: datetime, now: datetime) -> CallbackTask | None:
    """The automatic task for a caller who failed to reach an agent twice today, or None.

    `failures_today`: how many of the caller's ended calls of the local day failed to reach an
    agent, this one included (counting up to FAILURES_FOR_CALLBACK is enough). None when the
    number is unknown (withheld), when this call reached someone, or while the number already
    has a pending task of any kind: one promise to call back is enough, and a second would
    ring the caller twice.
    """
    if not record.caller_number or not record.failed_to_reach_agent or number_has_pending_task:
        return None
    if failures_today < FAILURES_FOR_CALLBACK:
        return None
    return CallbackTask(record.caller_number, record.dialect, record.business,
                        CallbackReason.REPEATED_FAILURE, due_at, now, call_id=record.call_id)
