"""SQLModel tables. Alembic migrations in `storage/migrations` must agree with these (a test checks).

Only the people directory holds Slack user ids next to names; tables added for pulse answers
and anonymous feedback must never hold a person id (see DESIGN.md, Anonymity).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

DEFAULT_REACTIONS = ["clap", "aplauso"]


class WorkspaceSettings(SQLModel, table=True):
    """The single row of settings admins may change from Slack; defaults live here and in the migration."""

    __tablename__ = "workspace_settings"

    id: int = Field(default=1, primary_key=True)
    default_language: str = Field(default="en", max_length=5)
    kudos_daily_limit: int = Field(default=5)
    kudos_reactions: list[str] = Field(
        default_factory=lambda: list(DEFAULT_REACTIONS), sa_column=Column(JSON, nullable=False)
    )
    show_leaderboard: bool = Field(default=True)
    pulse_weekday: int = Field(default=1)  # Monday is 0, as in datetime.weekday()
    pulse_hour: int = Field(default=10)
    reminder_delay_days: int = Field(default=2)
    digest_weekday: int = Field(default=0)
    digest_hour: int = Field(default=9)
    anonymity_k: int = Field(default=5)
    feedback_daily_limit: int = Field(default=10)


class ServiceValue(SQLModel, table=True):
    """A value kudos can be tagged with; retired values stay on old kudos but cannot be chosen."""

    __tablename__ = "service_values"

    key: str = Field(primary_key=True, max_length=40)
    emoji: str = Field(max_length=60)
    name_en: str = Field(max_length=60)
    name_es: str = Field(max_length=60)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    position: int = Field(default=0)
    retired: bool = Field(default=False)


class Person(SQLModel, table=True):
    """The people directory, a cache of Slack's users refreshed at most daily."""

    __tablename__ = "people"

    user_id: str = Field(primary_key=True, max_length=32)
    name: str = Field(default="", max_length=120)
    display_name: str = Field(default="", max_length=120)
    real_name: str = Field(default="", max_length=200)
    locale: str | None = Field(default=None, max_length=16)
    tz: str | None = Field(default=None, max_length=64)
    is_bot: bool = Field(default=False)
    deleted: bool = Field(default=False)
    synced_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Team(SQLModel, table=True):
    """A group of people with one manager; may mirror a Slack user group."""

    __tablename__ = "teams"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    manager_id: str = Field(
        sa_column=Column(String(32), ForeignKey("people.user_id"), nullable=False)
    )
    channel_id: str | None = Field(default=None, max_length=32)
    usergroup_id: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class TeamMember(SQLModel, table=True):
    """Membership; a person may belong to several teams."""

    __tablename__ = "team_members"

    team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    )
    user_id: str = Field(
        sa_column=Column(String(32), ForeignKey("people.user_id"), primary_key=True)
    )


class TeamSupplier(SQLModel, table=True):
    """The teams whose service a team rates (its internal suppliers)."""

    __tablename__ = "team_suppliers"
    __table_args__ = (UniqueConstraint("team_id", "supplier_team_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False)
    )
    supplier_team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False)
    )


class Admin(SQLModel, table=True):
    """People who may change workspace settings from Slack."""

    __tablename__ = "admins"

    user_id: str = Field(
        sa_column=Column(String(32), ForeignKey("people.user_id"), primary_key=True)
    )
    added_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ProcessedEvent(SQLModel, table=True):
    """Slack event ids already handled: Bolt does not deduplicate retried events, this table does."""

    __tablename__ = "processed_events"

    event_id: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=64)
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Kudos(SQLModel, table=True):
    """One act of thanks. `source_key` is unique per Slack source: retries never count twice."""

    __tablename__ = "kudos"

    id: int | None = Field(default=None, primary_key=True)
    giver_id: str = Field(
        sa_column=Column(String(32), ForeignKey("people.user_id"), nullable=False, index=True)
    )
    value_key: str | None = Field(
        default=None, sa_column=Column(String(40), ForeignKey("service_values.key"), nullable=True)
    )
    message: str = Field(sa_column=Column(Text, nullable=False))
    source_kind: str = Field(max_length=32)
    source_key: str = Field(sa_column=Column(String(255), nullable=False, unique=True))
    limit_units: int = Field(default=1)
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    permalink: str | None = Field(default=None, max_length=500)
    celebrate: bool = Field(default=True)
    celebration_channel: str | None = Field(default=None, max_length=32)
    celebration_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    withdrawn_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class KudosReceiver(SQLModel, table=True):
    __tablename__ = "kudos_receivers"
    __table_args__ = (UniqueConstraint("kudos_id", "receiver_id"),)

    id: int | None = Field(default=None, primary_key=True)
    kudos_id: int = Field(
        sa_column=Column(ForeignKey("kudos.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    receiver_id: str = Field(
        sa_column=Column(String(32), ForeignKey("people.user_id"), nullable=False, index=True)
    )


class KudosTeamLink(SQLModel, table=True):
    """The teams giver and receivers belonged to when the kudos was given: the internal-service map."""

    __tablename__ = "kudos_team_links"

    id: int | None = Field(default=None, primary_key=True)
    kudos_id: int = Field(
        sa_column=Column(ForeignKey("kudos.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    role: str = Field(max_length=8)  # "giver" or "receiver"
    user_id: str = Field(max_length=32)


class PulseQuestion(SQLModel, table=True):
    """The question bank: defaults are seeded from engagement.pulse_bank; admins add custom ones."""

    __tablename__ = "pulse_questions"

    key: str = Field(primary_key=True, max_length=40)
    driver: str = Field(max_length=32)
    scale: str = Field(max_length=16)
    text_en: str = Field(max_length=300)
    text_es: str = Field(max_length=300)
    low_en: str = Field(max_length=60)
    high_en: str = Field(max_length=60)
    low_es: str = Field(max_length=60)
    high_es: str = Field(max_length=60)
    custom: bool = Field(default=False)
    retired: bool = Field(default=False)


class PulseWeek(SQLModel, table=True):
    """The questions of one week, fixed the first time the week is needed: everyone gets the same."""

    __tablename__ = "pulse_weeks"

    week_start: date = Field(primary_key=True)
    question_keys: list[str] = Field(sa_column=Column(JSON, nullable=False))
    shuffled: bool = Field(default=False)  # answers rewritten in random order once it closed


class PulseDelivery(SQLModel, table=True):
    """Who was sent the week's pulse: the per person-week claim that makes sending exactly once.

    It records the invitation only; nothing here says whether or how the person answered.
    """

    __tablename__ = "pulse_deliveries"
    __table_args__ = (UniqueConstraint("user_id", "week_start"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(sa_column=Column(String(32), ForeignKey("people.user_id"), nullable=False))
    week_start: date = Field(index=True)
    status: str = Field(max_length=16)  # claimed | sent | failed
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    error: str | None = Field(default=None, max_length=64)
    claimed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    reminded: bool = Field(default=False)


class PulsePending(SQLModel, table=True):
    """A question sent and not yet answered. Written at send time, in send order, and deleted
    in the same transaction that stores the answer: the delete is the exactly-once guard, and
    what remains says who has not answered, never what anyone answered."""

    __tablename__ = "pulse_pending"

    user_id: str = Field(sa_column=Column(String(32), primary_key=True))
    week_start: date = Field(primary_key=True)
    question_key: str = Field(primary_key=True, max_length=40)


class PulseAnswer(SQLModel, table=True):
    """An anonymous answer: no person, no time finer than the week, one row per team.

    A random id as key and no rowid (SQLite) keep storage order from following answer order.
    """

    __tablename__ = "pulse_answers"
    __table_args__ = {"sqlite_with_rowid": False}

    id: str = Field(primary_key=True, max_length=32)
    week_start: date = Field(index=True)
    question_key: str = Field(max_length=40)
    team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False)
    )
    score: int | None = Field(default=None)  # None: skipped
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class PulseOptOut(SQLModel, table=True):
    __tablename__ = "pulse_optouts"

    user_id: str = Field(
        sa_column=Column(String(32), ForeignKey("people.user_id"), primary_key=True)
    )
    since: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ServiceRating(SQLModel, table=True):
    """How one team rated the service of a team it depends on, for one month. Like answers:
    a random id, no person, no time finer than the month, no rowid on SQLite."""

    __tablename__ = "service_ratings"
    __table_args__ = {"sqlite_with_rowid": False}

    id: str = Field(primary_key=True, max_length=32)
    month: date = Field(index=True)
    rating_team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False)
    )
    rated_team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False)
    )
    score: int
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class FeedbackThread(SQLModel, table=True):
    """A feedback conversation. For anonymous feedback no column says who wrote it: the way
    back to the writer (their id and DM thread) exists only inside `writer_token`, encrypted
    with APLAUSO_SECRET_KEY, which never enters the database."""

    __tablename__ = "feedback_threads"

    id: str = Field(primary_key=True, max_length=32)
    team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False)
    )
    manager_id: str = Field(max_length=32)  # the recipient: the team's manager, or an admin
    kind: str = Field(max_length=16)
    anonymous: bool = Field(default=True)
    writer_id: str | None = Field(default=None, max_length=32)  # only for signed feedback
    writer_token: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(default="open", max_length=16)
    flagged: bool = Field(default=False)
    source_key: str = Field(sa_column=Column(String(255), nullable=False, unique=True))
    created_on: date
    deliver_after: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    delivered: bool = Field(default=False)
    manager_channel: str | None = Field(default=None, max_length=32)
    manager_ts: str | None = Field(default=None, max_length=32)
    resolved_on: date | None = Field(default=None)


class FeedbackMessage(SQLModel, table=True):
    __tablename__ = "feedback_messages"

    id: int | None = Field(default=None, primary_key=True)
    thread_id: str = Field(
        sa_column=Column(
            String(32),
            ForeignKey("feedback_threads.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    author: str = Field(max_length=8)  # writer | manager
    text: str = Field(sa_column=Column(Text, nullable=False))
    source_key: str = Field(sa_column=Column(String(255), nullable=False, unique=True))
    created_on: date


class FeedbackDailyCount(SQLModel, table=True):
    """How much someone wrote today, under a keyed hash of the person that changes every day."""

    __tablename__ = "feedback_daily_counts"

    writer_key: str = Field(primary_key=True, max_length=64)
    day: date = Field(index=True)
    count: int = Field(default=0)


class DigestClaim(SQLModel, table=True):
    """One digest per team and week: claimed before sending, marked sent with Slack's ts after.

    A claim left 'claimed' by a crash is retried after a timeout, and the retry first looks for
    the digest's message metadata in the manager's DM, so nothing is sent twice.
    """

    __tablename__ = "digest_claims"
    __table_args__ = (UniqueConstraint("team_id", "week_start"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False)
    )
    week_start: date = Field(index=True)
    status: str = Field(max_length=16)  # claimed | sent | failed
    claimed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    message_ts: str | None = Field(default=None, max_length=32)
