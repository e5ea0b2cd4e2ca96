"""The App Home's month board: always fresh for a small month, reused for a minute in a big one.

Every App Home open shows the month's medals; counting a busy month's kudos on each open was
a quarter of the app's database time in the soak, so a big month's counts are kept a minute.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engagement.home_board import BIG_MONTH_KUDOS, REUSE_SECONDS, MonthBoard
from storage.models import Person, Team
from storage.unit_of_work import Database

MONTH = datetime(2026, 12, 1, tzinfo=UTC)
NOW = MONTH + timedelta(days=1)
PEOPLE = ("U01ANA", "U02LUIS", "U03EMMA")


class Ticks:
    """The board's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _workspace(database: Database) -> int:
    with database.unit_of_work() as uow:
        uow.people.upsert_many([Person(user_id=u, name=u.lower(), synced_at=NOW) for u in PEOPLE])
        team = uow.teams.add(Team(name="Ops", manager_id="U01ANA", created_at=NOW, updated_at=NOW))
        assert team.id is not None
        uow.teams.add_members(team.id, PEOPLE[1:])
        return team.id


def _thank(database: Database, team_id: int, receiver: str, times: int, first: int = 0) -> None:
    with database.unit_of_work() as uow:
        for index in range(first, first + times):
            kudos = {
                "giver_id": "U01ANA",
                "message": "thanks",
                "source_kind": "command",
                "source_key": f"command:{receiver}:{index}",
                "limit_units": 1,
                "celebrate": True,
                "created_at": NOW,
            }
            uow.kudos.insert_row(kudos, [receiver], [(team_id, "receiver", receiver)])


def _medals(database: Database, board: MonthBoard) -> tuple[tuple[str, int], ...]:
    with database.reading() as uow:
        (ops,) = board.leaders(uow, MONTH)
    return ops.leaders


def test_a_small_month_shows_every_kudos_at_once(database: Database) -> None:
    team_id = _workspace(database)
    board = MonthBoard(Ticks())
    _thank(database, team_id, "U02LUIS", 2)
    assert _medals(database, board) == (("U02LUIS", 2),)
    _thank(database, team_id, "U03EMMA", 3)
    assert _medals(database, board) == (("U03EMMA", 3), ("U02LUIS", 2))


def test_a_big_month_is_counted_again_after_a_minute(database: Database) -> None:
    team_id = _workspace(database)
    ticks = Ticks()
    board = MonthBoard(ticks)
    _thank(database, team_id, "U02LUIS", BIG_MONTH_KUDOS)
    assert _medals(database, board) == (("U02LUIS", BIG_MONTH_KUDOS),)
    _thank(database, team_id, "U03EMMA", 3)
    ticks.now += REUSE_SECONDS - 1
    assert _medals(database, board) == (("U02LUIS", BIG_MONTH_KUDOS),)  # kept: the same minute
    ticks.now += 2
    assert _medals(database, board) == (("U02LUIS", BIG_MONTH_KUDOS), ("U03EMMA", 3))


def test_people_in_other_time_zones_each_have_their_months_board_kept(database: Database) -> None:
    team_id = _workspace(database)
    ticks = Ticks()
    board = MonthBoard(ticks)
    _thank(database, team_id, "U02LUIS", BIG_MONTH_KUDOS)
    madrid, new_york = MONTH - timedelta(hours=1), MONTH + timedelta(hours=5)
    with database.reading() as uow:
        board.leaders(uow, madrid)
        board.leaders(uow, new_york)
    _thank(database, team_id, "U03EMMA", 3)
    with database.reading() as uow:  # both still kept: neither pushed the other out
        assert [t.leaders for t in board.leaders(uow, madrid)] == [(("U02LUIS", BIG_MONTH_KUDOS),)]
        assert [t.leaders for t in board.leaders(uow, new_york)] == [
            (("U02LUIS", BIG_MONTH_KUDOS),)
        ]
