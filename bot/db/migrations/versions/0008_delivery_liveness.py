"""delivery liveness: claims of dead processes, unknown outcomes, durable activity notices

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 10:00:00

- broadcast_deliveries: an index to find the claims of processes that are gone
  (bot.liveness); the new status "unknown" needs no schema change (statuses are
  strings, checked by the code).
- activity_notices: one row per woman told that an activity changed or was cancelled.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activity_notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=True),
        sa.Column("occurrence_key", sa.DateTime(timezone=True), nullable=True),
        sa.Column("title", sa.String(length=256), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=256), nullable=True),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name="fk_activity_notices_activity_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("activity_notices", schema=None) as batch_op:
        batch_op.create_index("ix_activity_notices_status_id", ["status", "id"])
        batch_op.create_index("ix_activity_notices_user_id", ["user_id"])
    with op.batch_alter_table("broadcast_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_broadcast_deliveries_claims", ["status", "claimed_by"])


def downgrade() -> None:
    with op.batch_alter_table("broadcast_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_broadcast_deliveries_claims")
    with op.batch_alter_table("activity_notices", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_notices_user_id")
        batch_op.drop_index("ix_activity_notices_status_id")
    op.drop_table("activity_notices")
