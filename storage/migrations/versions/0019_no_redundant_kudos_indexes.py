"""drop two kudos indexes that a wider index already serves

`ix_kudos_giver_id` is the first column of `ix_kudos_giver_id_created_at`, and
`ix_kudos_receivers_kudos_id` the first column of the unique (kudos_id, receiver_id)
index: any look-up by giver, or by kudos, is served by the wider one. Each recorded kudos
still wrote all four, two B-tree inserts and two more pages to the log per kudos for nothing.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 17:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_kudos_giver_id", table_name="kudos")
    op.drop_index("ix_kudos_receivers_kudos_id", table_name="kudos_receivers")


def downgrade() -> None:
    op.create_index("ix_kudos_receivers_kudos_id", "kudos_receivers", ["kudos_id"])
    op.create_index("ix_kudos_giver_id", "kudos", ["giver_id"])
