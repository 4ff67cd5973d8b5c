"""Audit entries: what happened in self-service, with masked identifiers only.

Build entries with `audit_entry`, which masks the caller number itself; `detail` is free
text for the flow's own notes and must not carry an ID number, a PIN or a card number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ivr.selfservice.records import Card, InsuredPerson

MAX_DETAIL = 200


def mask_phone(number: str) -> str:
    """138****5678 for a mobile number; shorter numbers keep only their last four."""
    if len(number) >= 11:
        return number[:3] + "*" * (len(number) - 7) + number[-4:]
    if len(number) > 4:
        return "*" * (len(number) - 4) + number[-4:]
    return "*" * len(number)


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    action: str
    outcome: str
    person: str | None = None  # masked ID number
    card: str | None = None  # masked card number
    caller: str | None = None  # masked caller number
    channel: str | None = None
    detail: str | None = None


def audit_entry(
    action: str,
    outcome: str,
    at: datetime,
    *,
    person: InsuredPerson | None = None,
    masked_id: str | None = None,
    card: Card | None = None,
    caller_number: str | None = None,
    channel: str | None = None,
    detail: str | None = None,
) -> AuditEntry:
    if at.tzinfo is None:
        raise ValueError("audit times are timezone-aware")
    return AuditEntry(
        at=at,
        action=action,
        outcome=outcome,
        person=person.masked_id if person is not None else masked_id,
        card=card.masked_number if card is not None else None,
        caller=mask_phone(caller_number) if caller_number else None,
        channel=channel,
        detail=detail[:MAX_DETAIL] if detail else None,
    )
