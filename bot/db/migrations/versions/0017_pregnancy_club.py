"""pregnancy club: her approximate due date and discretion setting, and the invitations
to the club's sessions

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pregnancy_follows",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("discreet", sa.Boolean(), nullable=False),
        sa.Column("invitations", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_pregnancy_follows_user_id", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "club_invitations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("occurrence_key", sa.DateTime(timezone=True), nullable=False),
        sa.Column("postpartum", sa.Boolean(), nullable=False),
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
            name="fk_club_invitations_activity_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_club_invitations_user_id", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "user_id", "activity_id", "occurrence_key", name="uq_club_invitations_user_session"
        ),
    )
    with op.batch_alter_table("club_invitations", schema=None) as batch_op:
        batch_op.create_index("ix_club_invitations_status_id", ["status", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("club_invitations", schema=None) as batch_op:
        batch_op.drop_index("ix_club_invitations_status_id")
    op.drop_table("club_invitations")
    op.drop_table("pregnancy_follows")
