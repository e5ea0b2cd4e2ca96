"""team removed_at: a removed team keeps its row, and with it its history

`aplauso team remove` used to delete the team, and its pulse answers, service ratings and
digests went with it (ON DELETE CASCADE). Now the row stays, marked removed: its members and
suppliers are unlinked and its name gets a suffix no active team can have (two spaces), so the
name is free again. A plain ADD COLUMN: rebuilding `teams` on SQLite would run its cascades.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("teams", sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Removed teams go as they did before this revision: with every row that names them."""
    teams = sa.table("teams", sa.column("removed_at", sa.DateTime(timezone=True)))
    op.execute(teams.delete().where(teams.c.removed_at.is_not(None)))
    op.drop_column("teams", "removed_at")
