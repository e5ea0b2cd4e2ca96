"""Everything stored under one person's Slack id: read out whole, or forgotten in one go.

The forgetting keeps foreign keys valid without a migration: kudos the person gave move to a
placeholder person row (`former_id`, marked deleted), whose rendering is "a former colleague";
their own directory row stays as a tombstone (no name, locale or time zone) because teams they
manage still point at it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, update
from sqlmodel import Session, col, select

from storage.models import (
    Admin,
    FeedbackThread,
    Kudos,
    KudosReceiver,
    KudosTeamLink,
    Person,
    PulseDelivery,
    PulseOptOut,
    PulsePending,
    Team,
    TeamMember,
)
from storage.models.digest import TeamWeekMember
from storage.models.kudos import SelfReaction
from storage.models.welcome import KudosDmPreference, KudosSummaryClaim, Welcome
from storage.repositories._sql import insert_ignoring_duplicates
from storage.repositories.rollups import KUDOS, PULSE, drop_rollups

Row = dict[str, Any]


def _dump(row: Any, *fields: str) -> Row:
    data: Row = row.model_dump()
    return {name: data[name] for name in fields} if fields else data


class PrivacyRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def export(self, user_id: str) -> dict[str, Any]:
        """Rows naming the person, as plain values (dates left for the caller to format)."""
        s = self._session
        person = s.get(Person, user_id)
        admin = s.get(Admin, user_id)
        opt_out = s.get(PulseOptOut, user_id)
        member_of = select(Team.name).join(TeamMember, col(TeamMember.team_id) == col(Team.id))
        return {
            "user_id": user_id,
            "profile": _dump(person) if person else None,
            "teams": list(s.exec(member_of.where(col(TeamMember.user_id) == user_id)).all()),
            "manages": list(s.exec(select(Team.name).where(col(Team.manager_id) == user_id)).all()),
            "admin_since": admin.added_at if admin else None,
            "kudos_given": [self._kudos(k) for k in self._given(user_id)],
            "kudos_received": [self._kudos(k) for k in self._received(user_id)],
            "pulse_sent": [
                _dump(d, "week_start", "claimed_at", "reminded")
                for d in s.exec(select(PulseDelivery).where(col(PulseDelivery.user_id) == user_id))
            ],
            "pulse_unanswered": [
                _dump(p, "week_start", "question_key")
                for p in s.exec(select(PulsePending).where(col(PulsePending.user_id) == user_id))
            ],
            "pulse_opted_out_since": opt_out.since if opt_out else None,
            "pulse_team_weeks": [
                _dump(w, "week_start", "team_id")
                for w in s.exec(
                    select(TeamWeekMember).where(col(TeamWeekMember.user_id) == user_id)
                )
            ],
            "kudos_emoji_on_own_messages": [
                _dump(r, "channel_id", "message_ts", "created_at")
                for r in s.exec(select(SelfReaction).where(col(SelfReaction.user_id) == user_id))
            ],
            "signed_feedback": [
                _dump(f, "id", "kind", "status", "created_on")
                for f in s.exec(
                    select(FeedbackThread).where(col(FeedbackThread.writer_id) == user_id)
                )
            ],
        }

    def _given(self, user_id: str) -> Sequence[Kudos]:
        return self._session.exec(
            select(Kudos).where(col(Kudos.giver_id) == user_id).order_by(col(Kudos.id))
        ).all()

    def _received(self, user_id: str) -> Sequence[Kudos]:
        mine = select(KudosReceiver.kudos_id).where(col(KudosReceiver.receiver_id) == user_id)
        return self._session.exec(
            select(Kudos).where(col(Kudos.id).in_(mine)).order_by(col(Kudos.id))
        ).all()

    def _kudos(self, kudos: Kudos) -> Row:
        row = _dump(kudos, "id", "giver_id", "value_key", "message", "created_at", "withdrawn_at")
        row["receivers"] = list(
            self._session.exec(
                select(KudosReceiver.receiver_id).where(col(KudosReceiver.kudos_id) == kudos.id)
            ).all()
        )
        return row

    def forget(self, user_id: str, former_id: str, now: datetime) -> dict[str, int]:
        """Deletes or pseudonymises every row naming the person; the counts say what changed
        (all zero: it was done before)."""
        insert_ignoring_duplicates(
            self._session,
            Person,
            {
                "user_id": former_id,
                "name": "",
                "display_name": "",
                "real_name": "",
                "is_bot": False,
                "deleted": True,
                "synced_at": now,
            },
        )
        counts = {"kudos_given": self._pseudonymise_given(user_id, former_id)}
        counts["kudos_received"] = self._forget_received(user_id)
        personal = (PulsePending, PulseDelivery, PulseOptOut, TeamWeekMember, TeamMember, Admin)
        quiet = (Welcome, KudosDmPreference, KudosSummaryClaim, SelfReaction)
        for table in (*personal, *quiet):
            counts[table.__tablename__] = self._delete_where(table, user_id)
        counts["signed_feedback"] = self._rowcount(
            update(FeedbackThread)
            .where(col(FeedbackThread.writer_id) == user_id)
            .values(writer_id=former_id)
        )
        counts["profile"] = self._tombstone(user_id, now)
        if counts["kudos_received"]:  # team counts of their weeks changed
            drop_rollups(self._session, KUDOS)
        if counts[TeamWeekMember.__tablename__]:  # weeks judged with them in a team
            drop_rollups(self._session, PULSE)
        return counts

    def _rowcount(self, statement: Any) -> int:
        return int(self._session.execute(statement).rowcount or 0)  # type: ignore[attr-defined]

    def _delete_where(self, table: Any, user_id: str) -> int:
        return self._rowcount(delete(table).where(table.user_id == user_id))

    def _pseudonymise_given(self, user_id: str, former_id: str) -> int:
        self._rowcount(
            update(KudosTeamLink)
            .where(col(KudosTeamLink.user_id) == user_id, col(KudosTeamLink.role) == "giver")
            .values(user_id=former_id)
        )
        return self._rowcount(
            update(Kudos).where(col(Kudos.giver_id) == user_id).values(giver_id=former_id)
        )

    def _forget_received(self, user_id: str) -> int:
        """Their receiving goes; a kudos with nobody else left receiving it goes whole."""
        ids = list(
            self._session.exec(
                select(KudosReceiver.kudos_id).where(col(KudosReceiver.receiver_id) == user_id)
            ).all()
        )
        if not ids:
            return 0
        self._rowcount(delete(KudosReceiver).where(col(KudosReceiver.receiver_id) == user_id))
        self._rowcount(
            delete(KudosTeamLink).where(
                col(KudosTeamLink.user_id) == user_id, col(KudosTeamLink.role) == "receiver"
            )
        )
        others = exists().where(col(KudosReceiver.kudos_id) == col(Kudos.id))
        orphans = list(
            self._session.exec(select(Kudos.id).where(col(Kudos.id).in_(ids), ~others)).all()
        )
        if orphans:
            self._rowcount(delete(KudosTeamLink).where(col(KudosTeamLink.kudos_id).in_(orphans)))
            self._rowcount(delete(Kudos).where(col(Kudos.id).in_(orphans)))
        return len(ids)

    def _tombstone(self, user_id: str, now: datetime) -> int:
        """The row stays (teams they manage point at it) with nothing from their profile."""
        person = self._session.get(Person, user_id)
        if person is None or not (
            person.name or person.display_name or person.real_name or person.locale or person.tz
        ):
            return 0
        return self._rowcount(
            update(Person)
            .where(col(Person.user_id) == user_id)
            .values(name="", display_name="", real_name="", locale=None, tz=None, synced_at=now)
        )
