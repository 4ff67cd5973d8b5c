"""Call history: a keyed hash of the caller's number, indexes for filtered pages, the timeline table.

Revision ID: 0005_history_call_history
Revises: 0004_capacity_record_indexes
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_history_call_history"
down_revision = "0004_capacity_record_indexes"
branch_labels = None
depends_on = None

# Every filter of GET /calls walks one of these in started_at order (newest first); the id
# tie-break is an incremental sort on PostgreSQL. See bench/history.py for the measured pages.
FILTER_INDEXES = {
    "ix_call_records_started": ["started_at"],
    "ix_call_records_dialect_started": ["dialect", "started_at"],
    "ix_call_records_business_started": ["business", "started_at"],
    "ix_call_records_outcome_started": ["outcome", "started_at"],
    "ix_call_records_digest_started": ["caller_digest", "started_at"],
}


def upgrade() -> None:
    # Rows from before this revision keep an empty digest: they are not findable by number.
    with op.batch_alter_table("call_records") as batch:
        batch.add_column(sa.Column("caller_digest", sa.String(64), nullable=False, server_default=""))
    for name, columns in FILTER_INDEXES.items():
        op.create_index(name, "call_records", columns)

    op.create_table(
        "call_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("call_id", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_events")),
    )
    op.create_index("ix_call_events_call_id", "call_events", ["call_id", "id"])


def downgrade() -> None:
    op.drop_table("call_events")
    for name in FILTER_INDEXES:
        op.drop_index(name, "call_records")
    with op.batch_alter_table("call_records") as batch:
        batch.drop_column("caller_digest")
