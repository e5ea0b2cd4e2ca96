"""The pulse tests' shared moves: teams, the jobs at a moment, the DMs and their buttons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from bot.views.pulse import SCORE_ACTION_PREFIX, score_value
from engagement.local_time import monday_of
from engagement.teams import TeamSpec
from schedules.jobs import JOBS
from tests.support.app_harness import RunningApp

# Madrid, Los Angeles, New York, Mexico City, Madrid
LUIS, NOAH, EMMA, ANA, CARMEN = "U03LUIS", "U10NOAH", "U04EMMA", "U02ANA", "U01CARMEN"
TUESDAY = datetime(2026, 11, 24, tzinfo=UTC)
WEEK = monday_of(TUESDAY.date())
ENPS_TUESDAY = datetime(2026, 12, 8, 20, 0, tzinfo=UTC)  # the week of the first Monday of December


def make_team(
    app: RunningApp, name: str, manager: str, members: list[str], served_by: Sequence[str] = ()
) -> int:
    spec = TeamSpec(name, manager, members, served_by=served_by)
    return app.runtime.services.teams.set_team(spec).team.id


def run(app: RunningApp, job: str, at: datetime) -> str:
    app.clock.set(at)
    return JOBS[job].run(app.runtime.services, at).summary(job)


def pulses_to(app: RunningApp, user_id: str) -> list[dict[str, Any]]:
    app.settle()
    return [m for m in app.fake.dm_messages(user_id) if m.get("bot_id")]


def question_keys(message: dict[str, Any]) -> list[str]:
    return [b["block_id"][2:] for b in message["blocks"] if b.get("block_id", "").startswith("a_")]


def press(
    app: RunningApp, user_id: str, action_id: str, value: str, message: dict[str, Any]
) -> Any:
    """A button of the DM `message`, pressed by `user_id` as a signed request."""
    response = app.slack.block_action(
        action_id, user_id=user_id, value=value, message=message, channel_id=f"D{user_id}"
    )
    app.settle()
    return response


def click_score(
    app: RunningApp, user_id: str, message: dict[str, Any], key: str, score: int
) -> Any:
    week = monday_of(app.clock().date()).isoformat()
    return press(
        app, user_id, f"{SCORE_ACTION_PREFIX}{score}", score_value(week, key, score), message
    )


def rows(app: RunningApp, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Straight from the tables, as someone with a database dump would read them."""
    with app.database.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]
