"""`aplauso team remove`: the team goes from every list and job, its history stays anonymous
and aggregated, and its name is free for a new team that inherits nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import text

from bot.adapters.digest_messenger import DIGEST_EVENT
from bot.adapters.pulse_messenger import PULSE_EVENT, REMINDER_EVENT
from engagement.errors import DomainError
from engagement.feedback_model import FeedbackKind, FeedbackRequest
from engagement.local_time import monday_of
from engagement.pulse_questions import person_questions
from engagement.service_ratings import suppliers_of
from engagement.teams import TeamChange
from storage.db import make_engine
from storage.migrate import alembic_config, upgrade
from tests.support.app_harness import RunningApp
from tests.support.cli_runner import aplauso, one_line_failure
from tests.support.databases import DatabaseFactory
from tests.support.pulse_app import ANA, CARMEN, LUIS, TUESDAY, make_team, rows, run
from tests.test_cli import ok, teams

SALES = [ANA, LUIS, "U05DIEGO", "U06OLIVIA", "U07SOFIA"]
IT = ["U17PABLO", "U18GRACE"]
PRIYA = "U16PRIYA"


def dms(app: RunningApp, user_id: str, event_type: str) -> int:
    app.settle()
    return sum(
        1
        for m in app.fake.dm_messages(user_id)
        if (m.get("metadata") or {}).get("event_type") == event_type
    )


def send_pulse(app: RunningApp, tuesday: datetime) -> date:
    run(app, "pulse", tuesday.replace(hour=23))
    return monday_of(tuesday.date())


def answer(app: RunningApp, people: Sequence[str], week: date) -> None:
    """Each of `people` answers every question they were sent, through the pulse service."""
    at = app.clock()
    with app.database.unit_of_work() as uow:
        asked = {user: person_questions(uow, user, week, at) for user in people}
    for user in people:
        for question in asked[user]:
            score = 4 if question.scale == "likert5" else 8
            app.runtime.services.pulse.answer(user, week, question.key, score)


def monday_after(week: date, hour: int) -> datetime:
    return datetime.combine(week + timedelta(days=7), datetime.min.time(), UTC).replace(hour=hour)


def close_and_send_digests(app: RunningApp, week: date) -> None:
    """The week closes (its ballots are counted), then the digest job runs."""
    run(app, "reminders", monday_after(week, 15))
    run(app, "digest", monday_after(week, 16))


def count(app: RunningApp, table: str, team_id: int) -> int:
    found = rows(app, f"SELECT count(*) FROM {table} WHERE team_id = :team", team=team_id)  # noqa: S608
    return int(found[0][0])


HISTORY = ("pulse_answers", "digest_claims", "digest_week_figures", "team_week_members")


def test_a_removed_team_keeps_its_history_and_no_job_sends_anything_for_it(
    app: RunningApp,
) -> None:
    sales = make_team(app, "Sales", CARMEN, SALES)
    make_team(app, "IT", PRIYA, IT)
    week = send_pulse(app, TUESDAY)
    answer(app, [*SALES, *IT], week)
    close_and_send_digests(app, week)
    assert dms(app, CARMEN, DIGEST_EVENT) == 1
    read = {x.data.team_name: x.data for x in app.runtime.services.digest.letters(week)}
    assert read["Sales"].drivers
    kept = {table: count(app, table, sales) for table in HISTORY}
    assert all(kept.values()), kept

    removed = app.runtime.services.teams.remove_team("Sales")

    assert (removed.name, removed.member_count, removed.open_feedback) == ("Sales", 5, 0)
    assert {table: count(app, table, sales) for table in HISTORY} == kept
    [(stored_name, removed_at)] = rows(
        app, "SELECT name, removed_at FROM teams WHERE id = :team", team=sales
    )
    assert removed_at is not None
    assert stored_name.startswith("Sales  ")
    assert count(app, "team_members", sales) == 0
    after = app.runtime.services.digest.letters(week)
    assert [x.data.team_name for x in after] == ["IT"]

    next_week = send_pulse(app, TUESDAY + timedelta(weeks=1))
    assert [dms(app, user, PULSE_EVENT) for user in SALES] == [1] * len(SALES)
    assert [dms(app, user, PULSE_EVENT) for user in IT] == [2, 2]
    answer(app, IT, next_week)
    close_and_send_digests(app, next_week)
    assert dms(app, CARMEN, DIGEST_EVENT) == 1
    assert dms(app, PRIYA, DIGEST_EVENT) == 2
    assert count(app, "pulse_answers", sales) == kept["pulse_answers"]


def test_removed_mid_week_no_reminder_follows_and_late_ballots_wait_for_the_close(
    app: RunningApp,
) -> None:
    """Ana is only in Sales; Luis is in Sales and IT, so his answers this week still count
    for Sales too, as the week's teams were filed when the pulse went out."""
    sales = make_team(app, "Sales", CARMEN, SALES)
    make_team(app, "IT", PRIYA, [LUIS, *IT])
    week = send_pulse(app, TUESDAY)
    app.runtime.services.teams.remove_team("Sales")
    answer(app, [LUIS], week)
    assert count(app, "pulse_ballots", sales) > 0  # one person's ballots: not counted alone
    assert count(app, "pulse_answers", sales) == 0

    run(app, "reminders", TUESDAY + timedelta(days=3))
    assert dms(app, ANA, REMINDER_EVENT) == 0
    assert dms(app, "U17PABLO", REMINDER_EVENT) == 1

    run(app, "reminders", monday_after(week, 15))
    assert count(app, "pulse_ballots", sales) == 0
    assert count(app, "pulse_answers", sales) > 0


def test_the_name_is_free_again_and_the_new_team_inherits_nothing(app: RunningApp) -> None:
    old = make_team(app, "Sales", CARMEN, SALES)
    week = send_pulse(app, TUESDAY)
    answer(app, SALES, week)
    close_and_send_digests(app, week)
    app.runtime.services.teams.remove_team("sales")

    new = make_team(app, "Sales", PRIYA, IT)

    assert new != old
    details = app.runtime.services.teams.team("Sales")
    assert (details.summary.manager_id, details.summary.member_ids) == (PRIYA, IT)
    assert count(app, "pulse_answers", new) == 0
    [letter] = app.runtime.services.digest.letters(week)
    assert (letter.team_id, letter.data.answered, letter.data.drivers) == (new, 0, None)
    assert count(app, "pulse_answers", old) > 0


def test_a_removed_team_is_listed_nowhere(app: RunningApp) -> None:
    services = app.runtime.services
    sales = make_team(app, "Sales", CARMEN, [ANA, LUIS])
    it = make_team(app, "IT", PRIYA, IT, served_by=["Sales"])
    app.slack.slash_command("/kudos", f"<@{ANA}> #reliable gracias", user_id="U17PABLO")
    app.settle()
    assert "Sales" in [b.team_name for b in services.kudos.home(ANA).stats.leaderboard or ()]

    services.teams.remove_team("Sales")

    assert [t.name for t in services.teams.list_teams()] == ["IT"]
    with pytest.raises(DomainError) as unknown:
        services.teams.team("Sales")
    assert unknown.value.key == "errors.unknown_team"
    assert services.teams.team("IT").summary.served_by == []
    assert [b.team_name for b in services.kudos.home(ANA).stats.leaderboard or ()] == []
    assert [t.name for t in services.feedback.compose("U17PABLO").teams] == ["IT"]
    with app.database.unit_of_work() as uow:
        assert suppliers_of(uow, it, app.clock()) == []
        assert uow.teams.get(sales) is None
        assert uow.teams.managed_by(CARMEN) == []
    with pytest.raises(DomainError) as gone:
        services.teams.change_team(TeamChange("Sales", add_member_ids=["U05DIEGO"]))
    assert gone.value.key == "errors.new_team_incomplete"


def test_forced_removal_deletes_the_teams_feedback_conversations(app: RunningApp) -> None:
    services = app.runtime.services
    sales = make_team(app, "Sales", CARMEN, [ANA, LUIS])
    request = FeedbackRequest(
        writer_id=ANA,
        team_id=sales,
        kind=FeedbackKind.CONCERN,
        text="Las previsiones llegan tarde.",
        anonymous=True,
        delay=False,
        source_key="view:V-sales",
    )
    services.feedback.submit(request, accepted=lambda: None)
    app.settle()
    with pytest.raises(DomainError):
        services.teams.remove_team("Sales")
    assert count(app, "feedback_threads", sales) == 1
    removed = services.teams.remove_team("Sales", force=True)
    assert (removed.open_feedback, removed.conversations) == (1, 1)
    assert count(app, "feedback_threads", sales) == 0


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en_US.UTF-8", "removed team Sales (2 members); its past results stay, anonymous and"),
        ("es_ES.UTF-8", "equipo Sales eliminado (2 miembros); sus resultados anteriores se"),
    ],
)
def test_team_remove_through_the_cli_says_what_happened_and_frees_the_name(
    env: dict[str, str], lang: str, said: str
) -> None:
    env = {**env, "LANG": lang}
    ok("team", "set", "IT", "--manager", PRIYA, "--members", "U17PABLO", env=env)
    ok("team", "set", "Sales", "--manager", CARMEN, "--members", f"{ANA},{LUIS}", env=env)

    line = ok("team", "remove", "Sales", env=env)

    assert line.startswith(said)
    assert [t["name"] for t in teams(env)] == ["IT"]
    assert "Sales" in one_line_failure(aplauso("team", "show", "Sales", env=env))
    ok("team", "set", "Sales", "--manager", PRIYA, "--members", "U18GRACE", env=env)
    [sales] = [t for t in teams(env) if t["name"] == "Sales"]
    assert (sales["manager"], sales["members"]) == (PRIYA, ["U18GRACE"])


def test_the_migration_keeps_every_team_and_its_downgrade_drops_only_removed_ones(
    database_factory: DatabaseFactory,
) -> None:
    url = database_factory.empty_url()
    engine = make_engine(url)
    upgrade(engine, "0011")
    now = datetime(2026, 11, 24, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO people (user_id, name, display_name, real_name, is_bot, deleted, "
                 "synced_at) VALUES ('U1', 'ana', 'Ana', 'Ana', false, false, :now)"),
            {"now": now},
        )  # fmt: skip
        for name in ("Sales", "IT"):
            connection.execute(
                text("INSERT INTO teams (name, manager_id, created_at, updated_at) "
                     "VALUES (:name, 'U1', :now, :now)"),
                {"name": name, "now": now},
            )  # fmt: skip
    upgrade(engine)
    with engine.begin() as connection:
        names = connection.execute(text("SELECT name FROM teams WHERE removed_at IS NULL"))
        assert sorted(n for (n,) in names) == ["IT", "Sales"]
        connection.execute(
            text("UPDATE teams SET removed_at = :now WHERE name = 'IT'"), {"now": now}
        )
    command.downgrade(alembic_config(engine), "0011")
    with engine.connect() as connection:
        assert [n for (n,) in connection.execute(text("SELECT name FROM teams"))] == ["Sales"]
    engine.dispose()
    database_factory.drop(url)
