"""Call records, after-hours messages and callback tasks.

Revision ID: 0002_call_records
Revises: 0001_initial
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_call_records"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

# Written out rather than imported from the models (see 0001).
UTC_TIME = sa.DateTime(timezone=True)


def _text(name: str, length: int) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=False)


def upgrade() -> None:
    op.create_table(
        "call_records",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("call_id", 64),
        _text("uniqueid", 64),
        _text("caller_number", 32),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("ended_at", UTC_TIME, nullable=True),
        _text("dialect", 32),
        _text("business", 32),
        _text("config_version", 32),
        sa.Column("menus", sa.JSON(), nullable=False),
        _text("keys", 255),
        sa.Column("self_service", sa.JSON(), nullable=False),
        sa.Column("to_agent", sa.Boolean(), nullable=False),
        _text("agent_reason", 32),
        sa.Column("line_open", sa.Boolean(), nullable=True),
        _text("hours_reason", 32),
        _text("message_file", 128),
        sa.Column("queue_wait_s", sa.Float(), nullable=True),
        _text("agent", 64),
        sa.Column("talk_s", sa.Float(), nullable=True),
        sa.Column("callback_task_id", sa.Integer(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("survey_offered", sa.Boolean(), nullable=False),
        _text("ended_in", 64),
        _text("hangup_cause", 64),
        _text("outcome", 16),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_records")),
        sa.UniqueConstraint("call_id", name=op.f("uq_call_records_call_id")),
    )
    op.create_index("ix_call_records_agent_started", "call_records", ["agent", "started_at"])
    op.create_index("ix_call_records_caller_started", "call_records", ["caller_number", "started_at"])

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("call_id", 64),
        _text("caller_number", 32),
        _text("dialect", 32),
        _text("line", 32),
        _text("business", 32),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        _text("file_name", 128),
        sa.Column("handled_at", UTC_TIME, nullable=True),
        _text("handled_by", 64),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("call_id", name=op.f("uq_messages_call_id")),
    )
    op.create_index(op.f("ix_messages_received_at"), "messages", ["received_at"])

    op.create_table(
        "callback_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("caller_number", 32),
        _text("dialect", 32),
        _text("business", 32),
        _text("reason", 32),
        _text("status", 16),
        sa.Column("due_at", UTC_TIME, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", UTC_TIME, nullable=True),
        _text("outcome", 64),
        _text("call_id", 64),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="SET NULL",
                                name=op.f("fk_callback_tasks_message_id_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_tasks")),
    )
    op.create_index(op.f("ix_callback_tasks_caller_number"), "callback_tasks", ["caller_number"])
    op.create_index("ix_callback_tasks_status_due", "callback_tasks", ["status", "due_at"])


def downgrade() -> None:
    op.drop_table("callback_tasks")
    op.drop_table("messages")
    op.drop_table("call_records")
