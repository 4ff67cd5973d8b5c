"""Callback tasks remember the caller's place in line (virtual hold).

Revision ID: 0003_callback_place
Revises: 0002_call_records
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_callback_place"
down_revision = "0002_call_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch: SQLite cannot ALTER a table's columns in place
    with op.batch_alter_table("callback_tasks") as batch:
        batch.add_column(sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("callback_tasks") as batch:
        batch.drop_column("queued_at")
