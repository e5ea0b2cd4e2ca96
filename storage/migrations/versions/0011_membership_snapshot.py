"""membership snapshot: who was in each team per pulse week, and what digests have shown

Answers are filed under the teams as they stood when the week's pulse went out, and results
are judged against those teams; the figures a digest shows are frozen, so later digests,
trends and reports of that week say the same.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 18:00:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _team_week(*columns: sa.Column[Any]) -> list[Any]:
    """week_start and team_id, the team's rows going with it, plus `columns`."""
    return [
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
    ]


def upgrade() -> None:
    op.create_table(
        "team_week_members",
        *_team_week(sa.Column("user_id", sa.String(length=32), nullable=False)),
        sa.ForeignKeyConstraint(["user_id"], ["people.user_id"]),
        sa.PrimaryKeyConstraint("week_start", "team_id", "user_id"),
    )
    op.create_table(
        "digest_weeks",
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("sealed", sa.Boolean(), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("week_start"),
    )
    op.create_table(
        "digest_week_figures",
        *_team_week(
            sa.Column("question_key", sa.String(length=40), nullable=False),
            sa.Column("answers", sa.Integer(), nullable=False),
            sa.Column("score_sum", sa.Integer(), nullable=False),
            sa.Column("promoters", sa.Integer(), nullable=False),
            sa.Column("passives", sa.Integer(), nullable=False),
            sa.Column("detractors", sa.Integer(), nullable=False),
        ),
        sa.PrimaryKeyConstraint("week_start", "team_id", "question_key"),
    )


def downgrade() -> None:
    op.drop_table("digest_week_figures")
    op.drop_table("digest_weeks")
    op.drop_table("team_week_members")
