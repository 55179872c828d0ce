"""accountability: aid deliveries, her people/language/disability, monthly reports

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("people", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("language", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("disability", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("identity_asked_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "aid_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("plan_line", sa.String(length=32), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("recipient_name", sa.String(length=128), nullable=True),
        sa.Column("community", sa.String(length=128), nullable=True),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("annulled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("annulled_by", sa.BigInteger(), nullable=True),
        sa.Column("annul_reason", sa.String(length=256), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_aid_deliveries_delivered_on", "aid_deliveries", ["delivered_on"])
    op.create_index("ix_aid_deliveries_item_on", "aid_deliveries", ["item", "delivered_on"])
    op.create_index("ix_aid_deliveries_user_id", "aid_deliveries", ["user_id"])
    op.create_index("ix_aid_deliveries_recipient_name", "aid_deliveries", ["recipient_name"])
    op.create_table(
        "monthly_reports",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("month"),
    )


def downgrade() -> None:
    op.drop_table("monthly_reports")
    op.drop_index("ix_aid_deliveries_recipient_name", table_name="aid_deliveries")
    op.drop_index("ix_aid_deliveries_user_id", table_name="aid_deliveries")
    op.drop_index("ix_aid_deliveries_item_on", table_name="aid_deliveries")
    op.drop_index("ix_aid_deliveries_delivered_on", table_name="aid_deliveries")
    op.drop_table("aid_deliveries")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("identity_asked_at")
        batch.drop_column("disability")
        batch.drop_column("language")
        batch.drop_column("people")
