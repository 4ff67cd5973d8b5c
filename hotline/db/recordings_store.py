"""Recordings in the database and the audit trail of who listened and what was purged (shell).

Functions take an open Session (one transaction per caller), like records_store's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.db.models import AuditEvent
from hotline.db.records import RecordingRow

RECORDING, COMPLETE, MISSING, PURGED = "recording", "complete", "missing", "purged"


@dataclass(frozen=True)
class Recording:
    call_id: str
    agent: str
    business: str
    file_name: str
    started_at: datetime
    status: str
    duration_s: float | None
    size_bytes: int | None
    sha256: str | None
    purged_at: datetime | None


def _of(row: RecordingRow) -> Recording:
    return Recording(row.call_id, row.agent, row.business, row.file_name, row.started_at, row.status,
                     row.duration_s, row.size_bytes, row.sha256, row.purged_at)


def register(session: Session, call_id: str, agent: str, business: str, file_name: str, at: datetime) -> None:
    """A recording has started (once per call: a second event for the call changes nothing)."""
    if session.scalar(select(RecordingRow.id).where(RecordingRow.call_id == call_id)) is None:
        session.add(RecordingRow(call_id=call_id, agent=agent, business=business, file_name=file_name,
                                 started_at=at, status=RECORDING))


def finish(session: Session, call_id: str, *, duration_s: float | None, size_bytes: int | None,
           sha256: str | None) -> str | None:
    """The status the recording ends with (None: no such recording, or already finished)."""
    row = session.scalar(select(RecordingRow).where(RecordingRow.call_id == call_id))
    if row is None or row.status != RECORDING:
        return None
    if size_bytes is None:
        row.status = MISSING  # Asterisk could not write it (the directory went bad mid-call)
    else:
        row.status, row.duration_s, row.size_bytes, row.sha256 = COMPLETE, duration_s, size_bytes, sha256
    return row.status


def get(session: Session, call_id: str) -> Recording | None:
    row = session.scalar(select(RecordingRow).where(RecordingRow.call_id == call_id))
    return _of(row) if row else None


def unfinished(session: Session) -> list[Recording]:
    return [_of(r) for r in session.scalars(select(RecordingRow).where(RecordingRow.status == RECORDING))]


def kept_before(session: Session, cutoff: datetime) -> list[Recording]:
    """Complete (or missing) recordings started before `cutoff`: candidates for purging."""
    rows = session.scalars(select(RecordingRow).where(RecordingRow.status.in_((COMPLETE, MISSING)),
                                                      RecordingRow.started_at < cutoff))
    return [_of(r) for r in rows]


def mark_purged(session: Session, call_id: str, at: datetime, detail: str) -> None:
    row = session.scalar(select(RecordingRow).where(RecordingRow.call_id == call_id))
    if row is not None and row.status != PURGED:
        row.status, row.purged_at = PURGED, at
        audit(session, at, "recording_purged", "deleted", detail)


def audit(session: Session, at: datetime, action: str, outcome: str, detail: str) -> None:
    session.add(AuditEvent(at=at, action=action, outcome=outcome, detail=detail[:200]))


def audit_trail(session: Session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))
