"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 19:17:15.164152
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# The elements of good service (CONTEXT.md): the default kudos values, written out here so the
# migration stays frozen even when the application code changes later.
DEFAULT_VALUES = [
    (
        "knowledgeable",
        ":bulb:",
        "Knowledgeable",
        "Conocedor",
        [
            "knowledgeable",
            "knowledge",
            "expert",
            "conocedor",
            "conocedora",
            "conocimiento",
            "experto",
            "experta",
        ],
    ),
    (
        "empowered",
        ":zap:",
        "Empowered",
        "Resolutivo",
        [
            "empowered",
            "empowerment",
            "resolutivo",
            "resolutiva",
            "empoderado",
            "empoderada",
            "autonomia",
        ],
    ),
    (
        "helpful",
        ":handshake:",
        "Helpful",
        "Servicial",
        ["helpful", "kind", "servicial", "amable", "util", "atento", "atenta"],
    ),
    (
        "honest",
        ":ballot_box_with_check:",
        "Honest",
        "Honesto",
        ["honest", "honesty", "honesto", "honesta", "honestidad", "transparente"],
    ),
    (
        "convenient",
        ":sparkles:",
        "Convenient",
        "Fácil de tratar",
        ["convenient", "easy", "facil", "comodo", "conveniente", "practico", "practica"],
    ),
    (
        "timely",
        ":stopwatch:",
        "Timely",
        "Oportuno",
        ["timely", "quick", "fast", "oportuno", "oportuna", "rapido", "rapida", "agil"],
    ),
    (
        "reliable",
        ":anchor:",
        "Reliable",
        "Confiable",
        ["reliable", "dependable", "confiable", "fiable", "cumplidor", "cumplidora"],
    ),
    (
        "personal_touch",
        ":heart:",
        "Personal touch",
        "Trato personal",
        [
            "personaltouch",
            "personal_touch",
            "personal",
            "tratopersonal",
            "trato_personal",
            "cercano",
            "cercana",
        ],
    ),
]


revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("real_name", sa.String(length=200), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=True),
        sa.Column("tz", sa.String(length=64), nullable=True),
        sa.Column("is_bot", sa.Boolean(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_table(
        "service_values",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("emoji", sa.String(length=60), nullable=False),
        sa.Column("name_en", sa.String(length=60), nullable=False),
        sa.Column("name_es", sa.String(length=60), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "workspace_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("default_language", sa.String(length=5), nullable=False),
        sa.Column("kudos_daily_limit", sa.Integer(), nullable=False),
        sa.Column("kudos_reactions", sa.JSON(), nullable=False),
        sa.Column("show_leaderboard", sa.Boolean(), nullable=False),
        sa.Column("pulse_weekday", sa.Integer(), nullable=False),
        sa.Column("pulse_hour", sa.Integer(), nullable=False),
        sa.Column("reminder_delay_days", sa.Integer(), nullable=False),
        sa.Column("digest_weekday", sa.Integer(), nullable=False),
        sa.Column("digest_hour", sa.Integer(), nullable=False),
        sa.Column("anonymity_k", sa.Integer(), nullable=False),
        sa.Column("feedback_daily_limit", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "admins",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["people.user_id"],
        ),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("manager_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("usergroup_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["people.user_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "team_members",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["people.user_id"],
        ),
        sa.PrimaryKeyConstraint("team_id", "user_id"),
    )
    op.create_table(
        "team_suppliers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("supplier_team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["supplier_team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "supplier_team_id"),
    )

    op.bulk_insert(
        sa.table(
            "workspace_settings",
            sa.column("id", sa.Integer()),
            sa.column("default_language", sa.String()),
            sa.column("kudos_daily_limit", sa.Integer()),
            sa.column("kudos_reactions", sa.JSON()),
            sa.column("show_leaderboard", sa.Boolean()),
            sa.column("pulse_weekday", sa.Integer()),
            sa.column("pulse_hour", sa.Integer()),
            sa.column("reminder_delay_days", sa.Integer()),
            sa.column("digest_weekday", sa.Integer()),
            sa.column("digest_hour", sa.Integer()),
            sa.column("anonymity_k", sa.Integer()),
            sa.column("feedback_daily_limit", sa.Integer()),
        ),
        [
            {
                "id": 1,
                "default_language": "en",
                "kudos_daily_limit": 5,
                "kudos_reactions": ["clap", "aplauso"],
                "show_leaderboard": True,
                "pulse_weekday": 1,
                "pulse_hour": 10,
                "reminder_delay_days": 2,
                "digest_weekday": 0,
                "digest_hour": 9,
                "anonymity_k": 5,
                "feedback_daily_limit": 10,
            }
        ],
    )
    values_table = sa.table(
        "service_values",
        sa.column("key", sa.String()),
        sa.column("emoji", sa.String()),
        sa.column("name_en", sa.String()),
        sa.column("name_es", sa.String()),
        sa.column("aliases", sa.JSON()),
        sa.column("position", sa.Integer()),
        sa.column("retired", sa.Boolean()),
    )
    op.bulk_insert(
        values_table,
        [
            {
                "key": key,
                "emoji": emoji,
                "name_en": en,
                "name_es": es,
                "aliases": aliases,
                "position": position,
                "retired": False,
            }
            for position, (key, emoji, en, es, aliases) in enumerate(DEFAULT_VALUES)
        ],
    )


def downgrade() -> None:
    op.drop_table("team_suppliers")
    op.drop_table("team_members")
    op.drop_table("teams")
    op.drop_table("admins")
    op.drop_table("workspace_settings")
    op.drop_table("service_values")
    op.drop_table("processed_events")
    op.drop_table("people")
