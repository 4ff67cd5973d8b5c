"""Initial self-service schema: persons, accounts, cards, loss reports, PIN lockout, audit.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

# Written out here rather than imported from the models: a migration must keep describing
# the schema of its day even after the models move on.
UTC_TIME = sa.DateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _person(table: str) -> sa.Column:
    return sa.Column(
        "person_id",
        sa.Integer(),
        sa.ForeignKey("persons.id", ondelete="CASCADE", name=op.f(f"fk_{table}_person_id_persons")),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "persons",
        _id(),
        sa.Column("id_digest", sa.String(64), nullable=False),
        sa.Column("masked_id", sa.String(18), nullable=False),
        sa.Column("pin_hash", sa.String(255), nullable=False),
        sa.Column("pin_checked_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
        sa.UniqueConstraint("id_digest", name=op.f("uq_persons_id_digest")),
    )
    op.create_table(
        "insurance_accounts",
        _id(),
        _person("insurance_accounts"),
        sa.Column(
            "kind",
            sa.Enum(
                "pension",
                "medical",
                name="account_kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("balance_fen", sa.BigInteger(), nullable=False),
        sa.Column("last_contribution_month", sa.Date(), nullable=True),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.CheckConstraint(
            "balance_fen >= 0", name=op.f("ck_insurance_accounts_balance_not_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_accounts")),
    )
    op.create_index(
        "uq_insurance_accounts_person_kind",
        "insurance_accounts",
        ["person_id", "kind"],
        unique=True,
    )
    op.create_table(
        "cards",
        _id(),
        _person("cards"),
        sa.Column("card_number", sa.String(32), nullable=False),
        sa.Column("masked_number", sa.String(32), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "temporarily_lost",
                "lost",
                "cancelled",
                name="card_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("status_changed_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cards")),
        sa.UniqueConstraint("card_number", name=op.f("uq_cards_card_number")),
    )
    op.create_index(op.f("ix_cards_person_id"), "cards", ["person_id"])
    op.create_table(
        "loss_reports",
        _id(),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(20), nullable=False),
        sa.Column("reported_at", UTC_TIME, nullable=False),
        sa.Column("caller_number", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["cards.id"],
            ondelete="CASCADE",
            name=op.f("fk_loss_reports_card_id_cards"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loss_reports")),
        sa.UniqueConstraint("reference", name=op.f("uq_loss_reports_reference")),
    )
    op.create_index(op.f("ix_loss_reports_card_id"), "loss_reports", ["card_id"])
    op.create_table(
        "pin_failures",
        _id(),
        _person("pin_failures"),
        sa.Column("failed_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pin_failures")),
    )
    op.create_index("ix_pin_failures_person_time", "pin_failures", ["person_id", "failed_at"])
    op.create_table(
        "lockouts",
        _id(),
        _person("lockouts"),
        sa.Column("locked_at", UTC_TIME, nullable=False),
        sa.Column("locked_until", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lockouts")),
    )
    op.create_index("ix_lockouts_person_until", "lockouts", ["person_id", "locked_until"])
    op.create_table(
        "audit_events",
        _id(),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("person", sa.String(18), nullable=True),
        sa.Column("card", sa.String(32), nullable=True),
        sa.Column("caller", sa.String(32), nullable=True),
        sa.Column("channel", sa.String(64), nullable=True),
        sa.Column("detail", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"])


def downgrade() -> None:
    for table in (
        "audit_events",
        "lockouts",
        "pin_failures",
        "loss_reports",
        "cards",
        "insurance_accounts",
        "persons",
    ):
        op.drop_table(table)
