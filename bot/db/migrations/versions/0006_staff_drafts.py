"""staff drafts; attendance on sign-ups; announcements about an activity

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_drafts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("prompt_message_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff_drafts", schema=None) as batch_op:
        batch_op.create_index("ix_staff_drafts_prompt", ["chat_id", "prompt_message_id"])
    with op.batch_alter_table("signups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attended_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("activity_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("occurrence_start", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            "fk_broadcasts_activity_id", "activities", ["activity_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_constraint("fk_broadcasts_activity_id", type_="foreignkey")
        batch_op.drop_column("occurrence_start")
        batch_op.drop_column("activity_id")
    with op.batch_alter_table("signups", schema=None) as batch_op:
        batch_op.drop_column("attended_at")
    with op.batch_alter_table("staff_drafts", schema=None) as batch_op:
        batch_op.drop_index("ix_staff_drafts_prompt")
    op.drop_table("staff_drafts")
