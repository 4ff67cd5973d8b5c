"""Interval reports: the per-15-minute summary of the call records (back-filled), agents' state spans.

Revision ID: 0010_intervals_summary
Revises: 0009_history_started_wait_index
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_intervals_summary"
down_revision = "0009_history_started_wait_index"
branch_labels = None
depends_on = None

COUNTS = ("offered", "answered", "answered_in_time", "abandoned", "short_abandoned", "callbacks", "handled", "waited")
SUMS = ("answer_wait_s", "wait_s", "talk_s")
BUCKETS = tuple(f"wait_le_{b}" for b in (1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 600, 1200))


def upgrade() -> None:
    with op.batch_alter_table("call_records") as batch:
        batch.add_column(sa.Column("summary_within_s", sa.Float(), nullable=True))
        batch.add_column(sa.Column("summary_short_abandon_s", sa.Float(), nullable=True))
    op.create_table(
        "call_interval_summary",
        sa.Column("slot", sa.BigInteger(), nullable=False),
        sa.Column("dialect", sa.String(32), nullable=False),
        sa.Column("business", sa.String(32), nullable=False),
        sa.Column("within_s", sa.Float(), nullable=False),
        sa.Column("short_abandon_s", sa.Float(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        *(sa.Column(name, sa.Float(), nullable=False) for name in SUMS),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in BUCKETS),
        sa.PrimaryKeyConstraint("slot", "dialect", "business", "within_s", "short_abandon_s",
                                name=op.f("pk_call_interval_summary")),
    )
    op.create_table(
        "agent_state_spans",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("agent", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_state_spans")),
    )
    op.create_index("ix_agent_state_spans_started", "agent_state_spans", ["started_at"])
    op.create_index("ix_agent_state_spans_agent_ended", "agent_state_spans", ["agent", "ended_at"])
    # Back-fill: every record counted under the thresholds the upgrade was given (ivrctl db
    # upgrade passes the site's), else the staffing config's defaults (80/20, 5 s); a report
    # asked with others scans the records and says so, until `ivrctl report rebuild-summary`.
    from hotline.db.interval_summary import rebuild
    from hotline.records.intervals import Thresholds

    thresholds = op.get_context().config.attributes.get("interval_thresholds") or Thresholds()
    rebuild(op.get_bind(), thresholds)


def downgrade() -> None:
    op.drop_table("agent_state_spans")
    op.drop_table("call_interval_summary")
    with op.batch_alter_table("call_records") as batch:
        batch.drop_column("summary_short_abandon_s")
        batch.drop_column("summary_within_s")
