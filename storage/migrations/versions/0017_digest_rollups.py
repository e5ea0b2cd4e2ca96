"""digest roll-ups: a closed week's figures for the digest's 12-week trend

The digest read twelve weeks of raw pulse answers and kudos links and judged every week's
answers again on every run (minutes for a thousand teams). A closed week's figures are now
kept per team once (counts and sums of shown groups only, kudos counts), with a digest of
what their judgement depended on, so a digest reads the older eleven weeks from small tables.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 22:40:00.000000
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
        "digest_rollups",
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("part", sa.String(length=8), nullable=False),
        sa.Column("basis", sa.String(length=64), nullable=False),
        sa.Column("rolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("week_start", "part"),
    )
    op.create_table(
        "digest_rollup_figures",
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=40), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("shown", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=True),
        sa.Column("score_sum", sa.Integer(), nullable=False),
        sa.Column("promoters", sa.Integer(), nullable=False),
        sa.Column("passives", sa.Integer(), nullable=False),
        sa.Column("detractors", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("week_start", "team_id", "question_key"),
    )
    op.create_table(
        "digest_rollup_kudos",
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("kudos", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("week_start", "team_id", "role"),
    )


def downgrade() -> None:
    op.drop_table("digest_rollup_kudos")
    op.drop_table("digest_rollup_figures")
    op.drop_table("digest_rollups")
