"""self reactions: kudos emoji people put on their own messages, for the admins' report

A reaction on one's own message gives no kudos; `kudos_self_reactions` keeps who tried and
when (one row per channel, message and person, so Slack's retries count once), so
`/aplauso report` can show it next to the other patterns.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kudos_self_reactions",
        sa.Column("channel_id", sa.String(length=32), primary_key=True),
        sa.Column("message_ts", sa.String(length=32), primary_key=True),
        sa.Column("user_id", sa.String(length=32), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("kudos_self_reactions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kudos_self_reactions_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("kudos_self_reactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kudos_self_reactions_created_at"))
    op.drop_table("kudos_self_reactions")
