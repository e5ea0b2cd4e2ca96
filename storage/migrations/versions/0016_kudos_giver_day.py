"""kudos by giver and time: a giver's units today without reading their whole history

Every kudos reads how many units its giver spent since the start of their day. With an index
on the giver alone that reads every kudos they ever gave (a year of a generous giver is a
thousand rows, each recorded kudos paying for it inside the write transaction).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 20:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.create_index(
            "ix_kudos_giver_id_created_at", ["giver_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("kudos", schema=None) as batch_op:
        batch_op.drop_index("ix_kudos_giver_id_created_at")
