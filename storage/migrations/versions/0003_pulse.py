"""pulse

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 20:07:45.235736
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pulse_pending",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("question_key", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "week_start", "question_key"),
    )
    op.create_table(
        "pulse_questions",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("driver", sa.String(length=32), nullable=False),
        sa.Column("scale", sa.String(length=16), nullable=False),
        sa.Column("text_en", sa.String(length=300), nullable=False),
        sa.Column("text_es", sa.String(length=300), nullable=False),
        sa.Column("low_en", sa.String(length=60), nullable=False),
        sa.Column("high_en", sa.String(length=60), nullable=False),
        sa.Column("low_es", sa.String(length=60), nullable=False),
        sa.Column("high_es", sa.String(length=60), nullable=False),
        sa.Column("custom", sa.Boolean(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "pulse_weeks",
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("question_keys", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("week_start"),
    )
    op.create_table(
        "pulse_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("error", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["people.user_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "week_start"),
    )
    with op.batch_alter_table("pulse_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pulse_deliveries_week_start"), ["week_start"], unique=False
        )

    op.create_table(
        "pulse_optouts",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["people.user_id"],
        ),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "pulse_answers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("question_key", sa.String(length=40), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("pulse_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pulse_answers_week_start"), ["week_start"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pulse_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_answers_week_start"))

    op.drop_table("pulse_answers")
    op.drop_table("pulse_optouts")
    with op.batch_alter_table("pulse_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_deliveries_week_start"))

    op.drop_table("pulse_deliveries")
    op.drop_table("pulse_weeks")
    op.drop_table("pulse_questions")
    op.drop_table("pulse_pending")
