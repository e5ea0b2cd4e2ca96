"""Once a month, people rate the service of the teams their own teams depend on.

A rating is a pulse question of its own, keyed by the two teams (`svc_<rating>_<rated>`), so it
travels through the same DM, buttons and exactly-once pending rows as the weekly questions; it
is stored per month with the rating team only, never the person.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from engagement.periods import month_of
from engagement.pulse_bank import Driver, Scale, is_enps_week
from engagement.pulse_model import ANSWER_MIX, QuestionInfo
from engagement.team_weeks import teams_in_week
from engagement.teams import MAX_SUPPLIERS
from engagement.teams_model import TeamRef
from storage.models import ServiceRating
from storage.unit_of_work import UnitOfWork

SERVICE_KEY_PREFIX = "svc_"
SUGGESTION_WINDOW = timedelta(days=90)


def service_key(rating_team_id: int, rated_team_id: int) -> str:
    return f"{SERVICE_KEY_PREFIX}{rating_team_id}_{rated_team_id}"


def parse_service_key(key: str) -> tuple[int, int] | None:
    """(rating team, rated team), or None when the key is a bank question's."""
    if not key.startswith(SERVICE_KEY_PREFIX):
        return None
    try:
        rating, rated = key[len(SERVICE_KEY_PREFIX) :].split("_")
        return int(rating), int(rated)
    except ValueError:
        return None


def suggested_suppliers(
    team_id: int, flows: Iterable[tuple[int, int, int]], known: Iterable[int]
) -> list[int]:
    """The teams a team's people thanked most (`flows`: giving team, thanked team, count),
    most thanked first, ties by id: where kudos go is a fair guess at whom a team relies on."""
    teams = set(known)
    ranked = sorted(
        (-count, rated) for giving, rated, count in flows if giving == team_id and rated in teams
    )
    return [rated for _, rated in ranked][:MAX_SUPPLIERS]


def suppliers_of(uow: UnitOfWork, team_id: int, now: datetime) -> list[TeamRef]:
    """The teams a team depends on: as its manager or an admin set them, or else suggested
    from where its people sent kudos in the last three months."""
    names = {team.id: team.name for team in uow.teams.all() if team.id is not None}
    chosen = [i for i in uow.teams.supplier_ids(team_id) if i in names][:MAX_SUPPLIERS]
    if not chosen:
        flows = uow.kudos.team_flows(now - SUGGESTION_WINDOW)
        chosen = suggested_suppliers(team_id, flows, names)
    return [TeamRef(i, names[i]) for i in chosen]


def service_question(rating: TeamRef, rated: TeamRef) -> QuestionInfo:
    return QuestionInfo(
        key=service_key(rating.id, rated.id),
        driver=Driver.INTERNAL_SERVICE,
        scale=Scale.LIKERT,
        text_en=f"How well did {rated.name} serve {rating.name} this month?",
        text_es=f"¿Qué tan bien atendió {rated.name} a {rating.name} este mes?",
        low_en="Very poorly",
        high_en="Very well",
        low_es="Muy mal",
        high_es="Muy bien",
    )


def service_questions(
    uow: UnitOfWork, user_id: str, week_start: date, now: datetime
) -> list[QuestionInfo]:
    """Once a month (the eNPS week), each person rates the teams that serve their teams: each
    serving team once, however many of the person's teams it serves, so that a rating counts
    one rater (and one comment) and never two (engagement.anonymity)."""
    if not is_enps_week(week_start):
        return []
    questions, rated = [], set()
    for team_id in teams_in_week(uow, user_id, week_start):
        team = uow.teams.get(team_id)
        if team is None or team.id is None:
            continue
        for supplier in suppliers_of(uow, team.id, now):
            if supplier.id not in rated:
                rated.add(supplier.id)
                questions.append(service_question(TeamRef(team.id, team.name), supplier))
    return questions


def describe_rating(uow: UnitOfWork, teams: tuple[int, int]) -> QuestionInfo | None:
    rating, rated = (uow.teams.get(i) for i in teams)
    if rating is None or rated is None or rating.id is None or rated.id is None:
        return None
    return service_question(TeamRef(rating.id, rating.name), TeamRef(rated.id, rated.name))


def store_rating(
    uow: UnitOfWork, teams: tuple[int, int], week_start: date, score: int, comment: str | None
) -> None:
    """Kept for the month, by the rating team: mixed among the month's earlier ratings."""
    row = ServiceRating(
        id=uuid.uuid4().hex,
        month=month_of(week_start),
        rating_team_id=teams[0],
        rated_team_id=teams[1],
        score=score,
        comment=comment,
    )
    uow.pulse.add_service_ratings([row], mix_with=ANSWER_MIX)
