"""service ratings

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 20:18:00.951279
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "service_ratings",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("rating_team_id", sa.Integer(), nullable=False),
        sa.Column("rated_team_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["rated_team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rating_team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("service_ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_ratings_month"), ["month"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("service_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_ratings_month"))

    op.drop_table("service_ratings")
