"""delivery retries: claims that survive a Slack hiccup and a dead run

Pulse deliveries and digest claims get the same send-claim state: how many attempts failed,
when the next one is due, which run holds the claim and when that run last showed it was
alive. Digest claims also keep Slack's reason when they fail.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLAIM_TABLES = ("pulse_deliveries", "digest_claims")


def _claim_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=32), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    for table in CLAIM_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in _claim_columns():
                batch_op.add_column(column)
    with op.batch_alter_table("digest_claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("digest_claims", schema=None) as batch_op:
        batch_op.drop_column("error")
    for table in CLAIM_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in reversed(_claim_columns()):
                batch_op.drop_column(str(column.name))
