"""feedback

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 20:24:08.422508
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedback_daily_counts",
        sa.Column("writer_key", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("writer_key"),
    )
    with op.batch_alter_table("feedback_daily_counts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_daily_counts_day"), ["day"], unique=False)

    op.create_table(
        "feedback_threads",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("writer_id", sa.String(length=32), nullable=True),
        sa.Column("writer_token", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("source_key", sa.String(length=255), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("deliver_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.Column("manager_channel", sa.String(length=32), nullable=True),
        sa.Column("manager_ts", sa.String(length=32), nullable=True),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_key"),
    )
    op.create_table(
        "feedback_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.String(length=32), nullable=False),
        sa.Column("author", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source_key", sa.String(length=255), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["thread_id"], ["feedback_threads.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_key"),
    )
    with op.batch_alter_table("feedback_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_messages_thread_id"), ["thread_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("feedback_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_messages_thread_id"))

    op.drop_table("feedback_messages")
    op.drop_table("feedback_threads")
    with op.batch_alter_table("feedback_daily_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_daily_counts_day"))

    op.drop_table("feedback_daily_counts")
