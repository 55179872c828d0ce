"""replicas: each inbox update's chat (processed in order across replicas), the shared
send budget, and jobs that run once across replicas

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbox_updates") as batch:
        batch.add_column(sa.Column("chat_id", sa.BigInteger(), nullable=True))
    op.create_index("ix_inbox_chat_pending", "inbox_updates", ["chat_id", "update_id"])
    op.create_table(
        "send_slots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_send_slots_scope", "send_slots", ["scope", "done_at"])
    op.create_index("ix_send_slots_chat", "send_slots", ["chat_id", "taken_at"])
    op.create_table(
        "job_runs",
        sa.Column("job", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job", "key"),
    )


def downgrade() -> None:
    op.drop_table("job_runs")
    op.drop_index("ix_send_slots_chat", table_name="send_slots")
    op.drop_index("ix_send_slots_scope", table_name="send_slots")
    op.drop_table("send_slots")
    op.drop_index("ix_inbox_chat_pending", table_name="inbox_updates")
    with op.batch_alter_table("inbox_updates") as batch:
        batch.drop_column("chat_id")
