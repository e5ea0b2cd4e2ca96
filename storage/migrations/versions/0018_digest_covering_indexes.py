"""covering indexes for the digest's newest week

The digest reads the newest week from its raw rows: the week's answers counted per team and
question, its comments, and its kudos three ways (per team and side, by value, between
teams). Each row was a lookup into the table after the index; these indexes hold what those
queries read, so they are answered from the index alone. Each replaces an index that is its
prefix, so a kudos or a team link maintains no more indexes than before; an answer with a
comment also enters the small partial index of commented answers.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 12:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMMENTED = sa.text("comment IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_pulse_answers_week_team_question_score",
        "pulse_answers",
        ["week_start", "team_id", "question_key", "score"],
    )
    op.create_index(
        "ix_pulse_answers_commented_week",
        "pulse_answers",
        ["week_start"],
        sqlite_where=COMMENTED,
        postgresql_where=COMMENTED,
    )
    op.drop_index("ix_pulse_answers_week_start", table_name="pulse_answers")
    op.create_index(
        "ix_kudos_created_at_withdrawn_at_value_key",
        "kudos",
        ["created_at", "withdrawn_at", "value_key"],
    )
    op.drop_index("ix_kudos_created_at", table_name="kudos")
    op.create_index(
        "ix_kudos_team_links_kudos_id_team_id_role",
        "kudos_team_links",
        ["kudos_id", "team_id", "role"],
    )
    op.drop_index("ix_kudos_team_links_kudos_id", table_name="kudos_team_links")


def downgrade() -> None:
    op.create_index("ix_kudos_team_links_kudos_id", "kudos_team_links", ["kudos_id"])
    op.drop_index("ix_kudos_team_links_kudos_id_team_id_role", table_name="kudos_team_links")
    op.create_index("ix_kudos_created_at", "kudos", ["created_at"])
    op.drop_index("ix_kudos_created_at_withdrawn_at_value_key", table_name="kudos")
    op.create_index("ix_pulse_answers_week_start", "pulse_answers", ["week_start"])
    op.drop_index("ix_pulse_answers_commented_week", table_name="pulse_answers")
    op.drop_index("ix_pulse_answers_week_team_question_score", table_name="pulse_answers")
