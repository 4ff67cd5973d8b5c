"""Recorded takes and their provenance: who, when, which catalog text, reviewed or not (pure).

A take is one recording of one prompt in one language, made on the phone or uploaded on the
review page. It stays `awaiting` review until someone approves it; only then does it become
the prompt's recording and go live. Approving a take replaces the one approved before.

    take = new_take(language="za", prompt_id="welcome", by="8001 韦丽", at=now, source="phone", ...)
    takes = approve(takes, take.id, by="ops alice", at=now)
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from enum import Enum
from typing import Any

TAKE_ID = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{6}$")


class TakeStatus(str, Enum):
    AWAITING = "awaiting"  # kept by its speaker, not yet reviewed
    APPROVED = "approved"  # the prompt's live recording
    REPLACED = "replaced"  # was approved; a later take replaced it
    REJECTED = "rejected"


class TakeError(ValueError):
    """A review action that does not apply (unknown take, already reviewed)."""


@dataclass(frozen=True)
class Take:
    id: str
    language: str
    prompt_id: str
    source: str  # phone or upload
    recorded_by: str
    recorded_at: datetime
    text: str | None  # the catalog text in `language` the speaker read, when it had one
    reference: str | None  # the Mandarin text the speaker heard
    sha256: str  # of the conditioned wav
    duration_ms: int
    check: str  # the quality check's summary
    status: TakeStatus = TakeStatus.AWAITING
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        data["recorded_at"] = self.recorded_at.isoformat()
        data["reviewed_at"] = self.reviewed_at.isoformat() if self.reviewed_at else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Take:
        fields = dict(data)
        fields["status"] = TakeStatus(fields["status"])
        fields["recorded_at"] = datetime.fromisoformat(fields["recorded_at"])
        if fields.get("reviewed_at"):
            fields["reviewed_at"] = datetime.fromisoformat(fields["reviewed_at"])
        return cls(**fields)


def take_id(at: datetime, entropy: str) -> str:
    """Sortable by time; `entropy` (6 hex digits) keeps two takes of one second apart."""
    return f"{at.strftime('%Y%m%dT%H%M%S')}-{entropy}"


def approve(takes: list[Take], take: str, *, by: str, at: datetime) -> list[Take]:
    """`take` becomes its prompt's recording; the one approved before it is replaced."""
    chosen = _find(takes, take)
    if chosen.status is not TakeStatus.AWAITING:
        raise TakeError(f"take {take} is {chosen.status.value}, not awaiting review")
    out = []
    for t in takes:
        if t.id == take:
            t = replace(t, status=TakeStatus.APPROVED, reviewed_by=by, reviewed_at=at)
        elif (t.language, t.prompt_id) == (chosen.language, chosen.prompt_id) and t.status is TakeStatus.APPROVED:
            t = replace(t, status=TakeStatus.REPLACED)
        out.append(t)
    return out


def reject(takes: list[Take], take: str, *, by: str, at: datetime) -> list[Take]:
    chosen = _find(takes, take)
    if chosen.status is not TakeStatus.AWAITING:
        raise TakeError(f"take {take} is {chosen.status.value}, not awaiting review")
    return [replace(t, status=TakeStatus.REJECTED, reviewed_by=by, reviewed_at=at) if t.id == take else t
            for t in takes]


def awaiting(takes: list[Take], language: str) -> set[str]:
    """Prompt ids of `language` with a take awaiting review."""
    return {t.prompt_id for t in takes if t.language == language and t.status is TakeStatus.AWAITING}


def approved(takes: list[Take], language: str, prompt_id: str) -> Take | None:
    return next((t for t in takes if (t.language, t.prompt_id) == (language, prompt_id)
                 and t.status is TakeStatus.APPROVED), None)


def _find(takes: list[Take], take: str) -> Take:
    found = next((t for t in takes if t.id == take), None)
    if found is None:
        raise TakeError(f"no take {take}")
    return found
