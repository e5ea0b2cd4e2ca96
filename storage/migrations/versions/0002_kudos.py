"""kudos

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 19:35:34.349177
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kudos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("giver_id", sa.String(length=32), nullable=False),
        sa.Column("value_key", sa.String(length=40), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("source_kind", sa.String(length=32), nullable=False),
        sa.Column("source_key", sa.String(length=255), nullable=False),
        sa.Column("limit_units", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("permalink", sa.String(length=500), nullable=True),
        sa.Column("celebrate", sa.Boolean(), nullable=False),
        sa.Column("celebration_channel", sa.String(length=32), nullable=True),
        sa.Column("celebration_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["giver_id"],
            ["people.user_id"],
        ),
        sa.ForeignKeyConstraint(
            ["value_key"],
            ["service_values.key"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_key"),
    )
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kudos_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_kudos_giver_id"), ["giver_id"], unique=False)

    op.create_table(
        "kudos_receivers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kudos_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["kudos_id"], ["kudos.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["receiver_id"],
            ["people.user_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kudos_id", "receiver_id"),
    )
    with op.batch_alter_table("kudos_receivers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kudos_receivers_kudos_id"), ["kudos_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_kudos_receivers_receiver_id"), ["receiver_id"], unique=False
        )

    op.create_table(
        "kudos_team_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kudos_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["kudos_id"], ["kudos.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("kudos_team_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kudos_team_links_kudos_id"), ["kudos_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_kudos_team_links_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kudos_team_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kudos_team_links_team_id"))
        batch_op.drop_index(batch_op.f("ix_kudos_team_links_kudos_id"))

    op.drop_table("kudos_team_links")
    with op.batch_alter_table("kudos_receivers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kudos_receivers_receiver_id"))
        batch_op.drop_index(batch_op.f("ix_kudos_receivers_kudos_id"))

    op.drop_table("kudos_receivers")
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kudos_giver_id"))
        batch_op.drop_index(batch_op.f("ix_kudos_created_at"))

    op.drop_table("kudos")
