"""activity reminders

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activity_reminders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("signup_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.String(length=12), nullable=False),
        sa.Column("occurrence_day", sa.Date(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["signup_id"],
            ["signups.id"],
            name="fk_activity_reminders_signup_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "signup_id", "slot", "occurrence_day", name="uq_activity_reminders_signup_slot_day"
        ),
    )
    with op.batch_alter_table("activity_reminders", schema=None) as batch_op:
        batch_op.create_index("ix_activity_reminders_status_due", ["status", "due_at"])


def downgrade() -> None:
    with op.batch_alter_table("activity_reminders", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_reminders_status_due")
    op.drop_table("activity_reminders")
