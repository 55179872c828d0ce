"""network: organisations, their members and leaders, leaders' announcement requests,
women without a phone (and sign-ups naming them)

The free-text organisation a woman gave when joining the network (network_members.
organization) becomes an organisation record (kind "other", community level, the
community of the first woman who named it; names compared trimmed and case-blind), and
she its accepted member. She never agreed to her leaders seeing her, so `share` is
false; a role "leader" she chose herself does not make her one (staff name leaders).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("community", sa.String(length=128), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "organization_members",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("share", sa.Boolean(), nullable=False),
        sa.Column("is_leader", sa.Boolean(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("organization_id", "user_id"),
    )
    op.create_index("ix_organization_members_user_id", "organization_members", ["user_id"])
    op.create_table(
        "leader_announcements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("leader_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("broadcast_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["leader_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcasts.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_leader_announcements_status", "leader_announcements", ["status", "id"])
    op.create_table(
        "network_women",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("community", sa.String(length=128), nullable=False),
        sa.Column("age_group", sa.String(length=16), nullable=True),
        sa.Column("people", sa.String(length=16), nullable=True),
        sa.Column("language", sa.String(length=32), nullable=True),
        sa.Column("disability", sa.String(length=16), nullable=True),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consent_to", sa.String(length=128), nullable=False),
        sa.Column("contact_id", sa.BigInteger(), nullable=True),
        sa.Column("registered_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("join_code_hash", sa.String(length=64), nullable=True),
        sa.Column("join_code_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_network_women_contact_id", "network_women", ["contact_id"])
    op.create_index("ix_network_women_join_code", "network_women", ["join_code_hash"])
    with op.batch_alter_table("signups") as batch:
        batch.alter_column("user_id", existing_type=sa.BigInteger(), nullable=True)
        batch.add_column(sa.Column("woman_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_signups_woman_id", "network_women", ["woman_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_unique_constraint(
            "uq_signups_occurrence_woman", ["activity_id", "occurrence_start", "woman_id"]
        )
        batch.create_index("ix_signups_woman_id", ["woman_id"])
        batch.create_check_constraint(
            "ck_signups_one_person", "(user_id IS NULL) <> (woman_id IS NULL)"
        )
    _organizations_from_free_text()


def _organizations_from_free_text() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT user_id, organization, community FROM network_members "
            "WHERE organization IS NOT NULL ORDER BY joined_at, user_id"
        )
    ).all()
    now = datetime.now(UTC)
    created: dict[str, int] = {}
    for user_id, organization, community in rows:
        name = " ".join(str(organization).split())[:128]
        if not name:
            continue
        key = name.casefold()
        if key not in created:
            bind.execute(
                sa.text(
                    "INSERT INTO organizations (name, kind, level, community, created_at,"
                    " updated_at) VALUES (:name, 'other', 'community', :community, :now, :now)"
                ),
                {"name": name, "community": community or None, "now": now},
            )
            created[key] = bind.execute(
                sa.text("SELECT id FROM organizations WHERE name = :name"), {"name": name}
            ).scalar_one()
        bind.execute(
            sa.text(
                "INSERT INTO organization_members (organization_id, user_id, status, share,"
                " is_leader, requested_at, decided_at) VALUES (:org, :user, 'accepted',"
                " :no, :no, :now, :now)"
            ),
            {"org": created[key], "user": user_id, "no": False, "now": now},
        )


def downgrade() -> None:
    op.execute("DELETE FROM signups WHERE woman_id IS NOT NULL")
    with op.batch_alter_table("signups") as batch:
        batch.drop_constraint("ck_signups_one_person", type_="check")
        batch.drop_index("ix_signups_woman_id")
        batch.drop_constraint("uq_signups_occurrence_woman", type_="unique")
        batch.drop_constraint("fk_signups_woman_id", type_="foreignkey")
        batch.drop_column("woman_id")
        batch.alter_column("user_id", existing_type=sa.BigInteger(), nullable=False)
    op.drop_index("ix_network_women_join_code", table_name="network_women")
    op.drop_index("ix_network_women_contact_id", table_name="network_women")
    op.drop_table("network_women")
    op.drop_index("ix_leader_announcements_status", table_name="leader_announcements")
    op.drop_table("leader_announcements")
    op.drop_index("ix_organization_members_user_id", table_name="organization_members")
    op.drop_table("organization_members")
    op.drop_table("organizations")
