"""Tables for call records, after-hours messages and callback tasks (SQLAlchemy 2 models).

Caller numbers are stored (a callback needs them) but ID numbers and PINs never reach these
tables: the dialplan's events carry none. Times are aware UTC; durations are seconds.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, Float, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from hotline.db.models import Base
from hotline.records.intervals import WAIT_BUCKETS


class CallRecordRow(Base):
    __tablename__ = "call_records"
    __table_args__ = (
        Index("ix_call_records_caller_started", "caller_number", "started_at"),
        # The repeat-caller bonus and the automatic callback ask these (hotline.db.records_store).
        Index("ix_call_records_caller_business_started", "caller_number", "business", "started_at"),
        Index("ix_call_records_caller_outcome_started", "caller_number", "outcome", "started_at"),
        Index("ix_call_records_open", "ended_at"),
        Index("ix_call_records_agent_started", "agent", "started_at"),
        # page order, with the wait tested inside the scan (migration 0009)
        Index("ix_call_records_started_id_wait", "started_at", "id", "queue_wait_s"),
        Index("ix_call_records_dialect_started", "dialect", "started_at"),
        Index("ix_call_records_business_started", "business", "started_at"),
        Index("ix_call_records_outcome_started", "outcome", "started_at"),
        Index("ix_call_records_digest_started", "caller_digest", "started_at"),
        Index("ix_call_records_wait_started", "queue_wait_s", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(String(64), unique=True)
    uniqueid: Mapped[str] = mapped_column(String(64), default="")
    caller_number: Mapped[str] = mapped_column(String(32), default="")
    # keyed hash of caller_number (hotline.records.history.caller_digest): what history searches by
    caller_digest: Mapped[str] = mapped_column(String(64), default="", server_default="")
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    dialect: Mapped[str] = mapped_column(String(32), default="")
    business: Mapped[str] = mapped_column(String(32), default="")
    config_version: Mapped[str] = mapped_column(String(32), default="")
    menus: Mapped[list[str]] = mapped_column(JSON, default=list)
    keys: Mapped[str] = mapped_column(String(255), default="")
    self_service: Mapped[list[str]] = mapped_column(JSON, default=list)
    to_agent: Mapped[bool] = mapped_column(default=False)
    agent_reason: Mapped[str] = mapped_column(String(32), default="")
    line_open: Mapped[bool | None]
    hours_reason: Mapped[str] = mapped_column(String(32), default="")
    message_file: Mapped[str] = mapped_column(String(128), default="")
    queue_wait_s: Mapped[float | None] = mapped_column(Float)
    agent: Mapped[str] = mapped_column(String(64), default="")
    talk_s: Mapped[float | None] = mapped_column(Float)
    callback_task_id: Mapped[int | None] = mapped_column(Integer)
    rating: Mapped[int | None] = mapped_column(Integer)
    survey_offered: Mapped[bool] = mapped_column(default=False)
    ended_in: Mapped[str] = mapped_column(String(64), default="")
    hangup_cause: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(16), default="")
    # The thresholds this record is counted with in call_interval_summary (None: not counted,
    # as it was not offered to a queue); saving it again moves its counts (hotline.db.interval_summary).
    summary_within_s: Mapped[float | None] = mapped_column(Float)
    summary_short_abandon_s: Mapped[float | None] = mapped_column(Float)


class CallbackTaskRow(Base):
    __tablename__ = "callback_tasks"
    __table_args__ = (Index("ix_callback_tasks_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    caller_number: Mapped[str] = mapped_column(String(32), index=True)
    dialect: Mapped[str] = mapped_column(String(32), default="")
    business: Mapped[str] = mapped_column(String(32), default="")
    reason: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime]
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    last_attempt_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(String(64), default="")
    queued_at: Mapped[datetime | None]  # virtual hold: the caller's place in line
    call_id: Mapped[str] = mapped_column(String(64), default="")
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))


class MessageRow(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(String(64), unique=True)
    caller_number: Mapped[str] = mapped_column(String(32), default="")
    dialect: Mapped[str] = mapped_column(String(32), default="")
    line: Mapped[str] = mapped_column(String(32), default="")
    business: Mapped[str] = mapped_column(String(32), default="")
    received_at: Mapped[datetime] = mapped_column(index=True)
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    file_name: Mapped[str] = mapped_column(String(128))
    handled_at: Mapped[datetime | None]
    handled_by: Mapped[str] = mapped_column(String(64), default="")


class CallEventRow(Base):
    """One entry of a call's timeline (a menu step, a ring, a connect...), as the API shows it:
    masked already (routing.events carry masked callers; the menus' fields are whitelisted)."""

    __tablename__ = "call_events"
    __table_args__ = (Index("ix_call_events_call_id", "call_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    call_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, object]] = mapped_column(JSON)


class RecordingRow(Base):
    """A call's recording (hotline.recordings): status recording -> complete -> purged, or missing."""

    __tablename__ = "recordings"
    __table_args__ = (Index("ix_recordings_status_started", "status", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(String(64), unique=True)
    agent: Mapped[str] = mapped_column(String(64))
    business: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    duration_s: Mapped[float | None] = mapped_column(Float)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    purged_at: Mapped[datetime | None]


class AgentStateSpanRow(Base):
    """An agent's state from one router event to the next (hotline.records.agent_spans); the
    interval report's occupancy reads them. ended_at None: the agent is still in that state."""

    __tablename__ = "agent_state_spans"
    __table_args__ = (Index("ix_agent_state_spans_started", "started_at"),
                      Index("ix_agent_state_spans_agent_ended", "agent", "ended_at"))

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    agent: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


# The interval report's sums per 15 minutes (hotline.db.interval_summary keeps them).
SUMMARY_SLOT_S = 900
SUMMARY_COUNTS = ("offered", "answered", "answered_in_time", "abandoned", "short_abandoned", "callbacks", "handled",
                  "waited")
SUMMARY_SUMS = ("answer_wait_s", "wait_s", "talk_s")
SUMMARY_BUCKETS = tuple(f"wait_le_{bound:g}" for bound in WAIT_BUCKETS)  # cumulative, like Prometheus' le

interval_summary = Table(
    "call_interval_summary", Base.metadata,
    Column("slot", BigInteger, nullable=False),  # Unix seconds of the 15-minute interval's start
    Column("dialect", String(32), nullable=False),
    Column("business", String(32), nullable=False),
    Column("within_s", Float, nullable=False),  # the thresholds these counts were computed with
    Column("short_abandon_s", Float, nullable=False),
    *(Column(name, Integer, nullable=False) for name in SUMMARY_COUNTS),
    *(Column(name, Float, nullable=False) for name in SUMMARY_SUMS),
    *(Column(name, Integer, nullable=False) for name in SUMMARY_BUCKETS),
    PrimaryKeyConstraint("slot", "dialect", "business", "within_s", "short_abandon_s"),
)
