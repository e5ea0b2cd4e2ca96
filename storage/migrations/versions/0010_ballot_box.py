"""ballot box: sealed pulse ballots, feedback delivery slots, activity stamps to the day

Pulse answers wait as sealed ballots until they are counted in shuffled batches; a writer's
later messages and the news for the writer wait for a delivery slot like the first message;
the directory's refresh time and the opt-out time keep only the day.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 16:00:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime, time

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _to_the_day(table: str, key: str, column: str) -> None:
    """Existing stamps keep their day only: a click time must not survive the upgrade."""
    rows = sa.table(table, sa.column(key, sa.String()), sa.column(column, UTCDateTime()))
    connection = op.get_bind()
    for row_key, stamp in connection.execute(sa.select(rows.c[key], rows.c[column])).all():
        if stamp is None:
            continue
        day = datetime.combine(stamp.astimezone(UTC).date(), time(0), UTC)
        connection.execute(rows.update().where(rows.c[key] == row_key).values({column: day}))


def upgrade() -> None:
    op.create_table(
        "pulse_ballots",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=40), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("pulse_ballots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pulse_ballots_week_start"), ["week_start"], unique=False
        )
    with op.batch_alter_table("feedback_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deliver_after", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("delivered", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("feedback_threads", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("writer_news_after", sa.DateTime(timezone=True), nullable=True)
        )
    _to_the_day("people", "user_id", "synced_at")
    _to_the_day("pulse_optouts", "user_id", "since")


def downgrade() -> None:
    with op.batch_alter_table("feedback_threads", schema=None) as batch_op:
        batch_op.drop_column("writer_news_after")
    with op.batch_alter_table("feedback_messages", schema=None) as batch_op:
        batch_op.drop_column("delivered")
        batch_op.drop_column("deliver_after")
    with op.batch_alter_table("pulse_ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_ballots_week_start"))
    op.drop_table("pulse_ballots")
