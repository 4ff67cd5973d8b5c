"""Call history: one index in page order that also holds the queue wait, for "waited at least N s".

A page is `... ORDER BY started_at DESC, id DESC LIMIT n`. With "started in the last month and
waited at least 20 minutes" (about 500 of 400,000 calls) PostgreSQL walked ix_call_records_started
backwards and fetched every row to test its wait: 43,500 heap rows for 51 (98 ms on 5 million
records). It misjudges how few match (3,227 estimated for 490: the tail of an exponential wait is
thin in the histogram), so the limit looks cheap and 0008's wait index is not chosen. This index
is in the page's own order (no sort), and its third column is tested inside the index scan (an
Index Cond, not a Filter), so only the matching rows are fetched: 2.4 ms, same plan. It does all
ix_call_records_started did (same leading column), which goes. 0008's index stays: for a wait
almost nobody reaches over a long range it finds the few rows at once where this one would walk.
The plans of every filter the bench asks are in bench/history.py.

Built in the migration's transaction, like 0008 (hotline.db.migrate runs every migration in one):
on 5 million records the build takes about 12 s, during which call records wait to be written.

Revision ID: 0009_history_started_wait_index
Revises: 0008_history_wait_index
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0009_history_started_wait_index"
down_revision = "0008_history_wait_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_call_records_started_id_wait", "call_records", ["started_at", "id", "queue_wait_s"])
    op.drop_index("ix_call_records_started", table_name="call_records")


def downgrade() -> None:
    op.create_index("ix_call_records_started", "call_records", ["started_at"])
    op.drop_index("ix_call_records_started_id_wait", table_name="call_records")
