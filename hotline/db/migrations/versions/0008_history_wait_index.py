"""Call history: an index for "waited at least N seconds" (few calls match over a long range).

Revision ID: 0008_history_wait_index
Revises: 0007_cluster_service_lease
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0008_history_wait_index"
down_revision = "0007_cluster_service_lease"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_call_records_wait_started", "call_records", ["queue_wait_s", "started_at"])


def downgrade() -> None:
    op.drop_index("ix_call_records_wait_started", table_name="call_records")
