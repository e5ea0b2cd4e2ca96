"""The demo company: 25 people who speak English or Spanish, three teams and a small one.

Plain data plus one function that loads it into a fake Slack, so the demo and the tests
share a believable workspace. Believable means Slack's rough edges are there too:

- people whose display name is empty (Slack then shows the real name) or has spaces and
  accents (``@Rosa Méndez``, ``@Juan Pablo``), as in :data:`DIRECTORY_PEOPLE`;
- a user group with a hyphenated handle, ``@it-team``;
- the bot is in ``#kudos``, ``#general`` and ``#sales`` (someone invited it), but not in
  ``#random`` (public) nor ``#leads`` (private), where Slack refuses its posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class DemoPerson:
    user_id: str
    name: str
    real_name: str
    locale: str
    tz: str


@dataclass(frozen=True)
class DemoTeam:
    name: str
    manager_id: str
    member_ids: tuple[str, ...]
    channel_id: str | None = None
    usergroup_id: str | None = None
    served_by: tuple[str, ...] = ()


def _person(user_id: str, real_name: str, locale: str, tz: str) -> DemoPerson:
    return DemoPerson(user_id, real_name.split(maxsplit=1)[0].lower(), real_name, locale, tz)


PEOPLE: tuple[DemoPerson, ...] = (
    _person("U01CARMEN", "Carmen Ruiz", "es-ES", "Europe/Madrid"),
    _person("U02ANA", "Ana Torres", "es-LA", "America/Mexico_City"),
    _person("U03LUIS", "Luis Pérez", "es-ES", "Europe/Madrid"),
    _person("U04EMMA", "Emma Clark", "en-US", "America/New_York"),
    _person("U05DIEGO", "Diego Morales", "es-LA", "America/Bogota"),
    _person("U06OLIVIA", "Olivia Brown", "en-GB", "Europe/London"),
    _person("U07SOFIA", "Sofía Castro", "es-ES", "Europe/Madrid"),
    _person("U08JAMES", "James Miller", "en-US", "America/Chicago"),
    _person("U09JAVIER", "Javier Gómez", "es-ES", "Europe/Madrid"),
    _person("U10NOAH", "Noah Wilson", "en-US", "America/Los_Angeles"),
    _person("U11LUCIA", "Lucía Fernández", "es-LA", "America/Argentina/Buenos_Aires"),
    _person("U12LIAM", "Liam Johnson", "en-US", "America/New_York"),
    _person("U13VALEN", "Valentina Rojas", "es-LA", "America/Santiago"),
    _person("U14ETHAN", "Ethan Davis", "en-AU", "Australia/Sydney"),
    _person("U15MARTA", "Marta Díaz", "es-ES", "Europe/Madrid"),
    _person("U16PRIYA", "Priya Shah", "en-GB", "Europe/London"),
    _person("U17PABLO", "Pablo Navarro", "es-ES", "Europe/Madrid"),
    _person("U18GRACE", "Grace Lee", "en-US", "America/Los_Angeles"),
    _person("U19TOMAS", "Tomás Vega", "es-LA", "America/Lima"),
    _person("U20HANNAH", "Hannah Kim", "en-US", "America/Denver"),
    _person("U21RAUL", "Raúl Ortega", "es-ES", "Atlantic/Canary"),
    _person("U22ISABEL", "Isabel Moreno", "es-ES", "Europe/Madrid"),
    _person("U23DANIEL", "Daniel Reyes", "es-LA", "America/Mexico_City"),
    _person("U24CHLOE", "Chloe Martin", "en-GB", "Europe/London"),
    _person("U25MATEO", "Mateo Silva", "es-LA", "America/Montevideo"),
)


@dataclass(frozen=True)
class DirectoryPerson:
    """Someone in the workspace who is not in the demo's story, with Slack-realistic names."""

    user_id: str
    name: str
    real_name: str
    display_name: str
    locale: str
    tz: str


#: More people, who make name resolution hard: an empty display name (the real name shows),
#: display names with spaces and accents.
DIRECTORY_PEOPLE: tuple[DirectoryPerson, ...] = (
    DirectoryPerson("U26ROSA", "rosa.mendez", "Rosa Méndez", "", "es-LA", "America/Mexico_City"),
    DirectoryPerson(
        "U27JUANPA", "juanpablo", "Juan Pablo Ortiz", "Juan Pablo", "es-ES", "Europe/Madrid"
    ),
    DirectoryPerson(
        "U28NOELIA", "noelia.nunez", "Noelia Núñez", "Noe Núñez", "es-ES", "Europe/Madrid"
    ),
)

BOT_USER = DemoPerson("U90DEPLOYBOT", "deploybot", "Deploy Bot", "en-US", "UTC")
DEACTIVATED_USER = DemoPerson("U91FORMER", "former", "Former Employee", "en-US", "UTC")

KUDOS_CHANNEL = "C0KUDOS"
GENERAL_CHANNEL = "C0GENERAL"
SALES_CHANNEL = "C0SALES"
#: Public channel the bot was never invited to: posting there is ``not_in_channel``.
RANDOM_CHANNEL = "C0RANDOM"
#: Private channel of the managers without the bot: Slack answers ``channel_not_found``.
LEADS_CHANNEL = "G0LEADS"
#: Channel id -> name, as Slack shows them.
CHANNEL_NAMES = {
    KUDOS_CHANNEL: "kudos",
    GENERAL_CHANNEL: "general",
    SALES_CHANNEL: "sales",
    RANDOM_CHANNEL: "random",
    LEADS_CHANNEL: "leads",
}

TEAMS: tuple[DemoTeam, ...] = (
    DemoTeam(
        "Sales",
        "U01CARMEN",
        ("U02ANA", "U03LUIS", "U04EMMA", "U05DIEGO", "U06OLIVIA", "U07SOFIA"),
        channel_id=SALES_CHANNEL,
        served_by=("Logistics", "IT"),
    ),
    DemoTeam(
        "Logistics",
        "U08JAMES",
        ("U09JAVIER", "U10NOAH", "U11LUCIA", "U12LIAM", "U13VALEN", "U14ETHAN", "U15MARTA"),
        served_by=("IT",),
    ),
    DemoTeam(
        "IT",
        "U16PRIYA",
        ("U17PABLO", "U18GRACE", "U19TOMAS", "U20HANNAH", "U21RAUL", "U04EMMA"),
        usergroup_id="S0ITTEAM",
    ),
    DemoTeam("Legal", "U22ISABEL", ("U23DANIEL", "U24CHLOE", "U25MATEO")),
)


class WorkspaceTarget(Protocol):
    """What seeding needs of a fake Slack."""

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str | None = ...,
        display_name: str | None = ...,
        locale: str = ...,
        tz: str = ...,
        is_bot: bool = ...,
        deleted: bool = ...,
    ) -> object: ...

    def add_channel(
        self,
        channel_id: str,
        name: str,
        member_ids: tuple[str, ...] = ...,
        *,
        bot_is_member: bool = ...,
    ) -> object: ...

    def add_usergroup(self, usergroup_id: str, handle: str, user_ids: list[str]) -> object: ...


def person(user_id: str) -> DemoPerson:
    """A demo person (or the bot, or the former employee) by id."""
    return next(p for p in (*PEOPLE, BOT_USER, DEACTIVATED_USER) if p.user_id == user_id)


def seed(fake: WorkspaceTarget) -> None:
    for member in PEOPLE:
        fake.add_user(
            member.user_id,
            member.name,
            real_name=member.real_name,
            display_name=member.real_name.split()[0],
            locale=member.locale,
            tz=member.tz,
        )
    fake.add_user(BOT_USER.user_id, BOT_USER.name, real_name=BOT_USER.real_name, is_bot=True)
    fake.add_user(
        DEACTIVATED_USER.user_id,
        DEACTIVATED_USER.name,
        real_name=DEACTIVATED_USER.real_name,
        deleted=True,
    )
    for extra in DIRECTORY_PEOPLE:
        fake.add_user(
            extra.user_id,
            extra.name,
            real_name=extra.real_name,
            display_name=extra.display_name,
            locale=extra.locale,
            tz=extra.tz,
        )
    everyone = tuple(member.user_id for member in PEOPLE) + tuple(
        extra.user_id for extra in DIRECTORY_PEOPLE
    )
    fake.add_channel(KUDOS_CHANNEL, CHANNEL_NAMES[KUDOS_CHANNEL], everyone)
    fake.add_channel(GENERAL_CHANNEL, CHANNEL_NAMES[GENERAL_CHANNEL], everyone)
    sales = next(team for team in TEAMS if team.name == "Sales")
    fake.add_channel(
        SALES_CHANNEL, CHANNEL_NAMES[SALES_CHANNEL], (sales.manager_id, *sales.member_ids)
    )
    fake.add_channel(RANDOM_CHANNEL, CHANNEL_NAMES[RANDOM_CHANNEL], everyone, bot_is_member=False)
    managers = tuple(team.manager_id for team in TEAMS)
    fake.add_channel(LEADS_CHANNEL, CHANNEL_NAMES[LEADS_CHANNEL], managers, bot_is_member=False)
    for team in TEAMS:
        if team.usergroup_id:
            fake.add_usergroup(
                team.usergroup_id, team.name.lower() + "-team", list(team.member_ids)
            )
