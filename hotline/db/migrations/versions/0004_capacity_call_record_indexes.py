"""Call records: indexes for the per-call history questions and for records left open.

The repeat-caller bonus and the automatic callback each ask one question of the caller
number's day; these indexes answer it without reading the day's calls (one shared number
can make thousands). Open records (no end time) are found at start to be closed.

Revision ID: 0004_capacity_record_indexes
Revises: 0003_callback_place
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0004_capacity_record_indexes"
down_revision = "0003_callback_place"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_call_records_caller_business_started", "call_records",
                    ["caller_number", "business", "started_at"])
    op.create_index("ix_call_records_caller_outcome_started", "call_records",
                    ["caller_number", "outcome", "started_at"])
    op.create_index("ix_call_records_open", "call_records", ["ended_at"])


def downgrade() -> None:
    op.drop_index("ix_call_records_open", table_name="call_records")
    op.drop_index("ix_call_records_caller_outcome_started", table_name="call_records")
    op.drop_index("ix_call_records_caller_business_started", table_name="call_records")
