"""Call recordings registered: which call, which agent, when, how long, how big, checksum.

Revision ID: 0006_history_recordings
Revises: 0005_history_call_history
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_history_recordings"
down_revision = "0005_history_call_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(64), nullable=False),
        sa.Column("agent", sa.String(64), nullable=False),
        sa.Column("business", sa.String(32), nullable=False),
        sa.Column("file_name", sa.String(128), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recordings")),
        sa.UniqueConstraint("call_id", name=op.f("uq_recordings_call_id")),
    )
    op.create_index("ix_recordings_status_started", "recordings", ["status", "started_at"])


def downgrade() -> None:
    op.drop_table("recordings")
