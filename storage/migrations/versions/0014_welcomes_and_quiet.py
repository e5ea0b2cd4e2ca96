"""welcomes and quieter kudos: welcome claims, kudos DM preferences, daily summaries, threads

`welcomes` makes each welcome DM go out once per person and role; `kudos_dm_preferences` says
who hears of kudos daily or not at all; `kudos_summary_claims` sends each daily summary once;
`celebration_threads` keeps the day's parent post when celebrations go in one daily thread
(`workspace_settings.celebrations`).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 14:00:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _person() -> sa.Column[str]:
    return sa.Column(
        "user_id", sa.String(length=32), sa.ForeignKey("people.user_id"), primary_key=True
    )


def upgrade() -> None:
    op.add_column(
        "workspace_settings",
        sa.Column("celebrations", sa.String(length=16), nullable=False, server_default="each"),
    )
    op.create_table(
        "welcomes",
        _person(),
        sa.Column("role", sa.String(length=16), primary_key=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    _mark_existing_teams_welcomed()
    op.create_table(
        "kudos_dm_preferences",
        _person(),
        sa.Column("mode", sa.String(length=16), nullable=False),
    )
    op.create_table(
        "kudos_summary_claims",
        _person(),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "celebration_threads",
        sa.Column("channel_id", sa.String(length=32), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
    )


def _mark_existing_teams_welcomed() -> None:
    """People already on a team when welcomes arrive are not welcomed out of the blue the next
    time an admin touches their team: they count as welcomed (sent, with no `sent_at`)."""
    now = datetime.now(UTC)
    op.execute(
        sa.text(
            "INSERT INTO welcomes (user_id, role, status, attempts, created_at) "
            "SELECT DISTINCT user_id, 'member', 'sent', 0, :now FROM team_members"
        ).bindparams(sa.bindparam("now", now, type_=sa.DateTime(timezone=True)))
    )
    op.execute(
        sa.text(
            "INSERT INTO welcomes (user_id, role, status, attempts, created_at) "
            "SELECT DISTINCT manager_id, 'manager', 'sent', 0, :now FROM teams "
            "WHERE removed_at IS NULL"
        ).bindparams(sa.bindparam("now", now, type_=sa.DateTime(timezone=True)))
    )


def downgrade() -> None:
    for table in ("celebration_threads", "kudos_summary_claims", "kudos_dm_preferences"):
        op.drop_table(table)
    op.drop_table("welcomes")
    op.drop_column("workspace_settings", "celebrations")
