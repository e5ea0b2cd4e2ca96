"""What Aplauso keeps about a person, so anyone can see it for themselves (`/aplauso my data`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from engagement.directory import display_name
from storage.unit_of_work import UnitOfWork

EVER = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class MyData:
    name: str
    locale: str | None
    tz: str | None
    teams: tuple[str, ...]
    managed_teams: tuple[str, ...]
    kudos_received: int
    kudos_given: int
    pulses_sent: int
    pulse_opted_out: bool
    is_admin: bool


def my_data(uow: UnitOfWork, user_id: str) -> MyData:
    """Only what is linked to the person. Pulse answers and anonymous feedback are not, by
    design, so they cannot be listed here either."""
    person = uow.people.get(user_id)
    return MyData(
        name=display_name(person) if person else user_id,
        locale=person.locale if person else None,
        tz=person.tz if person else None,
        teams=tuple(t.name for t in uow.teams.teams_of(user_id)),
        managed_teams=tuple(t.name for t in uow.teams.managed_by(user_id)),
        kudos_received=uow.kudos.count_received(user_id, EVER),
        kudos_given=uow.kudos.count_given(user_id, EVER),
        pulses_sent=uow.pulse.deliveries_count(user_id),
        pulse_opted_out=uow.pulse.is_opted_out(user_id),
        is_admin=uow.admins.is_admin(user_id),
    )
