"""The people and teams of the pulse fan-out bench, in the fake Slack and in the database.

Why written straight in: the directory sync would call users.info once per person and
`people.upsert` re-reads every row it writes; neither is what the pulse bench measures, so the
people go in with `people.add_all`, plain INSERTs.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.config import Settings
from bot.wiring import open_database
from sandbox.fake_slack import FakeSlack
from storage.models import Person, Team
from storage.unit_of_work import Database

# A Tuesday (the default pulse day) at 20:00 UTC: 10:00 has passed in every zone below.
NOW = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
ZONES = (
    "Europe/Madrid",
    "Europe/London",
    "America/New_York",
    "America/Mexico_City",
    "America/Bogota",
)
LOCALES = ("en-US", "es-ES")
MANAGER_ID = "UBMANAGER"


def user_id(index: int) -> str:
    """The Slack id of person `index` (1-based), the same in the fake and in the database."""
    return f"UB{index:05d}"


def seed_fake(fake: FakeSlack, people: int) -> None:
    """The manager and every person in the fake, so users.info and DMs find them."""
    fake.add_user(MANAGER_ID, "manager", locale="en-US", tz="Europe/Madrid")
    for index in range(1, people + 1):
        fake.add_user(
            user_id(index),
            f"person{index}",
            locale=LOCALES[index % len(LOCALES)],
            tz=ZONES[index % len(ZONES)],
        )


def seed_database(database: Database, people: int, team_size: int) -> int:
    """People and teams in one transaction, straight through the ORM (see the module
    docstring). Returns the number of teams."""
    persons = [
        Person(
            user_id=user_id(index),
            name=f"person{index}",
            real_name=f"Person {index}",
            locale=LOCALES[index % len(LOCALES)],
            tz=ZONES[index % len(ZONES)],
            synced_at=NOW,
        )
        for index in range(1, people + 1)
    ]
    ids = [p.user_id for p in persons]
    with database.unit_of_work() as uow:
        uow.people.upsert(
            Person(user_id=MANAGER_ID, name="manager", tz="Europe/Madrid", synced_at=NOW)
        )
        uow.people.add_all(persons)
        teams = 0
        for start in range(0, len(ids), team_size):
            teams += 1
            team = uow.teams.add(
                Team(
                    name=f"Bench team {teams:04d}",
                    manager_id=MANAGER_ID,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
            assert team.id is not None
            uow.teams.replace_members(team.id, ids[start : start + team_size])
    return teams


def seed_in_child(url: str, people: int, team_size: int) -> int:
    """Migrates and seeds the database; meant for a short-lived process, so the job's process
    peak memory is the job's own and not that of 10,000 Person objects built for the seeding."""
    database = open_database(Settings(database_url=url))
    try:
        return seed_database(database, people, team_size)
    finally:
        database.dispose()
