"""Anti-gaming signals in `/aplauso report`: pairs who mostly thank each other and sprees at the
daily limit are shown to admins, named, in their language; nothing is refused because of them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from engagement.kudos_patterns import (
    KudosPatterns,
    LimitBurst,
    ReciprocalPair,
    kudos_patterns,
    limit_bursts,
    reciprocal_pairs,
)
from storage.repositories.kudos import GivenEdge
from tests.support.app_harness import RunningApp

CARMEN, ANA, LUIS, EMMA, NOAH = "U01CARMEN", "U02ANA", "U03LUIS", "U04EMMA", "U10NOAH"
NOON = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def edges(*given: tuple[str, str, int]) -> list[GivenEdge]:
    """(giver, receiver, minutes after noon), each its own kudos of one unit."""
    return [
        GivenEdge(n, giver, receiver, NOON + timedelta(minutes=minutes), 1)
        for n, (giver, receiver, minutes) in enumerate(given)
    ]


def test_a_pair_who_mostly_thank_each_other_is_found_once() -> None:
    given = edges(*[(ANA, LUIS, i) for i in range(3)], *[(LUIS, ANA, i) for i in range(4)])
    assert reciprocal_pairs(given) == [ReciprocalPair(ANA, LUIS, 3, 4)]


def test_thanks_that_go_both_ways_among_many_others_are_no_pattern() -> None:
    many = [(ANA, f"U9{i:03d}", i) for i in range(10)]
    given = edges(*[(ANA, LUIS, i) for i in range(3)], *[(LUIS, ANA, i) for i in range(3)], *many)
    assert reciprocal_pairs(given) == []  # 6 of 16 kudos: Ana thanks lots of people


def test_two_kudos_each_way_are_too_few_to_show() -> None:
    given = edges(*[(ANA, LUIS, i) for i in range(2)], *[(LUIS, ANA, i) for i in range(2)])
    assert reciprocal_pairs(given) == []


def test_a_days_allowance_spent_within_minutes_is_a_burst() -> None:
    spree = edges(*[(EMMA, f"U9{i:03d}", i * 2) for i in range(5)])  # 5 within 8 minutes
    steady = edges(*[(NOAH, f"U9{i:03d}", i * 60) for i in range(5)])  # one an hour
    assert limit_bursts([*spree, *steady], daily_limit=5) == [LimitBurst(EMMA, 1)]


def test_one_kudos_naming_five_people_is_one_spree_not_five() -> None:
    one_for_five = [GivenEdge(1, EMMA, f"U9{i:03d}", NOON, 5) for i in range(5)]
    assert limit_bursts(one_for_five, daily_limit=5) == [LimitBurst(EMMA, 1)]


def report_of(app: RunningApp, admin: str) -> str:
    app.slack.slash_command("/aplauso", "report", user_id=admin)
    app.settle()
    return json.dumps(app.visible("response_url")[-1]["blocks"], ensure_ascii=False)


def test_admins_see_the_patterns_named_in_their_language(app: RunningApp) -> None:
    for n in range(3):
        app.slack.slash_command("/kudos", f"<@{LUIS}> thanks for the review {n}", user_id=ANA)
        app.slack.slash_command("/kudos", f"<@{ANA}> gracias por el repaso {n}", user_id=LUIS)
    for receiver in ("U05DIEGO", "U06OLIVIA", "U07SOFIA", "U08JAMES", NOAH):
        app.slack.slash_command("/kudos", f"<@{receiver}> thanks!", user_id=EMMA)
    app.settle()
    assert app.runtime.services.admin.add_admin(CARMEN)
    assert app.runtime.services.admin.add_admin(EMMA)

    spanish = report_of(app, CARMEN)
    assert f"<@{ANA}> y <@{LUIS}> se reconocen sobre todo entre sí" in spanish
    assert f"<@{EMMA}> gastó todos los reconocimientos de un día" in spanish
    english = report_of(app, EMMA)
    assert f"<@{ANA}> and <@{LUIS}> mostly thank each other: 3 kudos one way, 3" in english
    assert "Signals, not verdicts" in english


def test_a_quiet_month_shows_no_patterns_section(app: RunningApp) -> None:
    app.slack.slash_command("/kudos", f"<@{LUIS}> thanks for the review", user_id=ANA)
    app.settle()
    assert app.runtime.services.admin.add_admin(EMMA)
    assert "Patterns worth a look" not in report_of(app, EMMA)


def test_people_who_erased_their_data_make_no_pattern_together() -> None:
    former = "UFORMER"  # everyone who erased their data gives as this one placeholder
    given = edges(*[(former, LUIS, i) for i in range(3)], *[(LUIS, former, i) for i in range(3)])
    assert kudos_patterns(given, daily_limit=1) == KudosPatterns()
