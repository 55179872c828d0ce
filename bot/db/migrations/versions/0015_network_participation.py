"""network participation: consultations (answers, turnout, answers on behalf), proposals
and their supports, and the network's notices to women

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("card_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("card_message_id", sa.BigInteger(), nullable=True),
        sa.Column("card_dirty", sa.Boolean(), nullable=False),
        sa.Column("card_shown_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_consultations_status_closes_at", ["status", "closes_at"], unique=False
        )

    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("organization", sa.String(length=128), nullable=True),
        sa.Column("title", sa.String(length=128), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("community", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=512), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_proposals_community_status", ["community", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_proposals_user_id"), ["user_id"], unique=False)

    op.create_table(
        "consultation_proxy_answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("option", sa.Integer(), nullable=False),
        sa.Column("community", sa.String(length=128), nullable=True),
        sa.Column("entered_by", sa.BigInteger(), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name="fk_consultation_proxy_answers_consultation_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consultation_proxy_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_proxy_answers_consultation_id"),
            ["consultation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_consultation_proxy_answers_entered_by"), ["entered_by"], unique=False
        )

    op.create_table(
        "consultation_turnout",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name="fk_consultation_turnout_consultation_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consultation_id", "user_id"),
    )
    op.create_table(
        "consultation_votes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("voter_key", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("option", sa.Integer(), nullable=False),
        sa.Column("community", sa.String(length=128), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name="fk_consultation_votes_consultation_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("consultation_id", "voter_key", name="uq_consultation_votes_voter"),
    )
    with op.batch_alter_table("consultation_votes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_votes_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "network_notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=True),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=256), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name="fk_network_notices_consultation_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name="fk_network_notices_proposal_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("network_notices", schema=None) as batch_op:
        batch_op.create_index("ix_network_notices_status_id", ["status", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_network_notices_user_id"), ["user_id"], unique=False)

    op.create_table(
        "proposal_supports",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("supported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name="fk_proposal_supports_proposal_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("proposal_id", "user_id"),
    )


def downgrade() -> None:

    op.drop_table("proposal_supports")
    with op.batch_alter_table("network_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_notices_user_id"))
        batch_op.drop_index("ix_network_notices_status_id")

    op.drop_table("network_notices")
    with op.batch_alter_table("consultation_votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_votes_user_id"))

    op.drop_table("consultation_votes")
    op.drop_table("consultation_turnout")
    with op.batch_alter_table("consultation_proxy_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_proxy_answers_entered_by"))
        batch_op.drop_index(batch_op.f("ix_consultation_proxy_answers_consultation_id"))

    op.drop_table("consultation_proxy_answers")
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposals_user_id"))
        batch_op.drop_index("ix_proposals_community_status")

    op.drop_table("proposals")
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_index("ix_consultations_status_closes_at")

    op.drop_table("consultations")
