"""The privacy review's differencing attacks, replayed through the real app: pulses sent by the
pulse job, answers through the pulse service and the ballot box, weeks closed by the
reminders job, digests as managers read them. Each test builds one of the review's setups
(§6 cases A-D, §5 case F) and checks that nobody can be singled out any more."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.i18n import t
from bot.views import digest as views
from bot.views import digest_text as figures
from bot.views.digest_chart import _last_weeks
from bot.views.my_data import my_data_message
from engagement.admin_model import MyData
from engagement.digest_model import DigestData, Suggestion
from engagement.local_time import monday_of
from engagement.pulse_questions import person_questions
from engagement.teams import TeamSpec
from tests.support.app_harness import RunningApp
from tests.support.played_demo import PlayedDemo
from tests.support.pulse_app import make_team, run
from tests.test_digest_views import LANGS, SHOWN, section_texts

TUESDAY = datetime(2026, 11, 10, tzinfo=UTC)  # weeks of the 9th and later: no eNPS at first
CORE = ["U17PABLO", "U18GRACE", "U19TOMAS", "U20HANNAH", "U21RAUL"]
OTHERS = ["U02ANA", "U03LUIS", "U05DIEGO", "U06OLIVIA", "U07SOFIA"]
X, B = "U04EMMA", "U12LIAM"


def play_week(
    app: RunningApp,
    tuesday: datetime,
    scores: Mapping[str, int],
    comments: Mapping[str, str] | None = None,
) -> date:
    """The pulse job sends the week's pulse; each person in `scores` answers every question
    with that score (their comment, if any, on the first); the week closes and its ballots
    are counted. Returns the week."""
    week = monday_of(tuesday.date())
    at = tuesday.replace(hour=23)
    run(app, "pulse", at)
    with app.database.unit_of_work() as uow:
        asked = {user: person_questions(uow, user, week, at) for user in scores}
    pulse = app.runtime.services.pulse
    for user, score in scores.items():
        for number, question in enumerate(asked[user]):
            value = score if question.scale == "likert5" else 2 * score
            text = (comments or {}).get(user) if number == 0 else None
            if text:
                pulse.comment(user, week, question.key, value, text)
            else:
                pulse.answer(user, week, question.key, value)
    close(app, week)
    return week


def close(app: RunningApp, week: date) -> None:
    """Monday 15:00 UTC: the week has closed; the reminders job counts its last ballots."""
    monday = datetime.combine(week + timedelta(days=7), datetime.min.time(), UTC)
    run(app, "reminders", monday + timedelta(hours=15))


def digests(app: RunningApp, week: date) -> dict[str, DigestData]:
    """Every team's digest of `week`, by team name, as sent: the digest job runs first."""
    monday = datetime.combine(week + timedelta(days=7), datetime.min.time(), UTC)
    run(app, "digest", monday + timedelta(hours=16))
    app.clock.set(monday + timedelta(hours=16))
    return {x.data.team_name: x.data for x in app.runtime.services.digest.letters(week)}


def shown(data: DigestData) -> bool:
    return bool(data.drivers)


def test_a_comment_by_someone_in_two_teams_appears_in_one_digest(app: RunningApp) -> None:
    """Case A, the demo's Emma: her words in both IT's and Sales' digests gave her away."""
    make_team(app, "IT", "U16PRIYA", [*CORE, X])
    make_team(app, "Sales", "U01CARMEN", [*OTHERS, X])
    words = "Logistics has been great this month."
    week = play_week(app, TUESDAY, dict.fromkeys([*CORE, *OTHERS, X], 4), {X: words})
    read = digests(app, week)
    assert shown(read["IT"])
    assert shown(read["Sales"])  # one person in common: both may show their scores
    assert [name for name, data in read.items() if words in data.comments] in (["IT"], ["Sales"])


def test_teams_one_person_apart_each_way_are_not_both_shown(app: RunningApp) -> None:
    """Case A2: equal counts used to pass; subtracting compared the two people apart."""
    make_team(app, "Alpha", "U16PRIYA", [*CORE, X])
    make_team(app, "Beta", "U01CARMEN", [*CORE, B])
    week = play_week(app, TUESDAY, {**dict.fromkeys(CORE, 4), X: 1, B: 5})
    read = digests(app, week)
    assert [shown(read["Alpha"]), shown(read["Beta"])].count(True) == 1
    hidden = read["Beta"] if shown(read["Alpha"]) else read["Alpha"]
    assert hidden.hidden_reason == "overlap"
    assert (hidden.enps, hidden.comments, hidden.suggestion) == (None, (), None)


def test_a_parent_team_over_two_sub_teams_does_not_give_its_lead_away(app: RunningApp) -> None:
    """Case B: parent minus both sub-teams left the lead's scores, exactly."""
    lead = "U08JAMES"
    make_team(app, "Engineering", lead, [*CORE, *OTHERS, lead])
    make_team(app, "Backend", "U16PRIYA", CORE)
    make_team(app, "Frontend", "U01CARMEN", OTHERS)
    week = play_week(app, TUESDAY, {**dict.fromkeys([*CORE, *OTHERS], 4), lead: 1})
    read = digests(app, week)
    assert [shown(read[n]) for n in ("Engineering", "Backend", "Frontend")].count(True) == 2


def test_a_week_hidden_for_an_overlap_stays_hidden_in_later_trends(app: RunningApp) -> None:
    """Case C: a sub-team hidden in its week reappeared in later trends, beside the whole."""
    make_team(app, "Whole", "U16PRIYA", [*CORE, X])
    make_team(app, "Core", "U01CARMEN", CORE)
    first = play_week(app, TUESDAY, {**dict.fromkeys(CORE, 4), X: 1})
    read = digests(app, first)
    assert read["Whole"].drivers
    assert read["Core"].hidden_reason == "overlap"
    week_one = {d.driver: d.score for d in read["Whole"].drivers}
    later = first
    for weeks in (1, 2, 3):  # X is away: both teams are shown those weeks
        later = play_week(app, TUESDAY + timedelta(weeks=weeks), dict.fromkeys(CORE, 3))
    read = digests(app, later)
    whole, core = read["Whole"], read["Core"]
    assert whole.drivers is not None
    assert core.drivers is not None
    again = {d.driver for d in whole.drivers} & {d.driver for d in core.drivers} & {*week_one}
    assert again  # the rotation brings week one's drivers back three weeks later
    for driver in again:
        [whole_trend] = [d.trend for d in whole.drivers if d.driver == driver]
        [core_trend] = [d.trend for d in core.drivers if d.driver == driver]
        assert whole_trend[-4] == week_one[driver]  # week one, as the whole was shown it
        assert core_trend[-4] is None  # and still not for the core


def test_changing_a_team_just_before_the_digest_changes_nothing_it_shows(
    app: RunningApp,
) -> None:
    """Case D: `team set` before the digest made a hidden team look safe to show."""
    make_team(app, "Whole", "U16PRIYA", [*CORE, X])
    make_team(app, "Probe", "U01CARMEN", CORE)
    week = play_week(app, TUESDAY, {**dict.fromkeys(CORE, 4), X: 1}, {X: "Too many meetings"})
    app.runtime.services.teams.set_team(TeamSpec("Probe", "U01CARMEN", OTHERS))
    read = digests(app, week)
    assert [shown(read["Whole"]), shown(read["Probe"])].count(True) == 1
    assert read["Probe"].answered == 5  # its people as they were when the pulse went out


def test_a_week_shown_before_it_closed_is_only_ever_added_to(app: RunningApp) -> None:
    """A digest sent before the week closed showed the core; the whole team's count became
    final later and would now single out its last answer: it stays hidden."""
    make_team(app, "Whole", "U16PRIYA", [*CORE, X])  # Priya: London, 09:00 on Monday
    make_team(app, "Core", "U24CHLOE", CORE)  # Chloe: London too
    week = monday_of(TUESDAY.date())
    run(app, "pulse", TUESDAY.replace(hour=23))
    with app.database.unit_of_work() as uow:
        asked = {u: person_questions(uow, u, week, TUESDAY) for u in [*CORE, X]}
    pulse = app.runtime.services.pulse
    for user in CORE:
        for question in asked[user]:
            pulse.answer(user, week, question.key, 4)
    monday_noon = datetime.combine(week + timedelta(days=7), datetime.min.time(), UTC)
    monday_noon += timedelta(hours=12)  # before the week closes, at 14:00 UTC
    assert run(app, "digest", monday_noon).startswith("digest: sent 1")  # Whole still counting
    early = {x.data.team_name: x.data for x in app.runtime.services.digest.letters(week)}
    assert shown(early["Core"])
    assert (early["Whole"].answered, early["Whole"].drivers) == (0, None)  # sealed, uncounted
    app.clock.set(monday_noon + timedelta(minutes=30))
    for question in asked[X]:
        pulse.answer(X, week, question.key, 1)
    read = digests(app, week)
    assert shown(read["Core"])
    assert read["Whole"].hidden_reason == "overlap"
    assert read["Core"].drivers == early["Core"].drivers  # what was shown stays as shown


def test_someone_in_two_teams_served_by_the_same_team_rates_it_once(app: RunningApp) -> None:
    """Case F: three people in two rating teams showed as six ratings, their comments twice."""
    make_team(app, "IT", "U16PRIYA", ["U17PABLO"])
    both = CORE[:3]
    make_team(app, "Sales", "U01CARMEN", [*both, *OTHERS[:2]], served_by=["IT"])
    make_team(app, "Ops", "U08JAMES", [*both, *OTHERS[2:]], served_by=["IT"])
    enps_tuesday = datetime(2026, 12, 8, tzinfo=UTC)  # the week of the first Monday of December
    week = monday_of(enps_tuesday.date())
    run(app, "pulse", enps_tuesday.replace(hour=23))
    pulse = app.runtime.services.pulse
    with app.database.unit_of_work() as uow:
        asked = {u: person_questions(uow, u, week, enps_tuesday) for u in [*both, *OTHERS]}
    for user, questions in asked.items():
        ratings = [q for q in questions if q.key.startswith("svc_")]
        assert len(ratings) == 1  # IT once, however many of the person's teams it serves
        pulse.comment(user, week, ratings[0].key, 4, f"Fast replies from {user}")
    close(app, week)
    it = digests(app, week)["IT"]
    assert it.service is not None
    assert it.service.raters == len(both) + len(OTHERS)  # 8 people, not 11 rows
    assert len(it.service.comments) == len(set(it.service.comments)) == 8


@pytest.mark.parametrize("lang", LANGS)
def test_a_driver_is_called_the_lowest_only_when_it_is(lang: str) -> None:
    """One driver shown, or a tie: the suggestion points at it without calling it lowest."""
    data = dataclasses.replace(SHOWN, suggestion=Suggestion("recognition", "recognize", False))
    tip = section_texts(views.digest_message(data, lang)[1]).split(
        t(lang, "digest.suggestion.title")
    )[1]
    lowest = t(lang, "digest.suggestion.weakest", driver="", score="").split(":")[0]
    assert lowest not in tip
    name = t(lang, "digest.driver.recognition")
    assert (
        t(lang, "digest.suggestion.focus", driver=name, score=figures.format_score(2.9, lang))
        in tip
    )


def test_the_chart_draws_scores_at_the_precision_the_text_shows() -> None:
    """Two decimals on a chart made the sums behind two averages exact: one, like the text."""
    assert _last_weeks([3.46, None, 4.04])[-3:][0] == 3.5
    assert _last_weeks([3.46, None, 4.04])[-1] == 4.0


@pytest.mark.parametrize("lang", LANGS)
def test_my_data_says_what_managers_see_of_ones_answers_and_what_is_not_protected(
    lang: str,
) -> None:
    data = MyData("Emma", "en-US", None, ("IT", "Sales"), (), 0, 0, 1, False, False)
    _, blocks = my_data_message(data, lang)
    said = json.dumps(blocks, ensure_ascii=False)
    assert t(lang, "my_data.results") in said
    assert ("one digest only" if lang == "en" else "un solo resumen") in said
    assert ("How many people answered" if lang == "en" else "Cuántas personas") in said


def test_removing_a_team_does_not_open_what_it_kept_hidden(app: RunningApp) -> None:
    """The whole team's manager has read its digests; removing the team must not let the
    core's hidden week be shown now, beside what was read then."""
    make_team(app, "Whole", "U16PRIYA", [*CORE, X])
    make_team(app, "Core", "U01CARMEN", CORE)
    week = play_week(app, TUESDAY, {**dict.fromkeys(CORE, 4), X: 1})
    read = digests(app, week)
    assert read["Whole"].drivers
    assert read["Core"].hidden_reason == "overlap"
    app.runtime.services.teams.remove_team("Whole")
    after = {x.data.team_name: x.data for x in app.runtime.services.digest.letters(week)}
    assert set(after) == {"Core"}
    assert after["Core"].drivers is None


def test_in_the_demo_emmas_comment_reaches_one_manager(played_demo: PlayedDemo) -> None:
    """Emma is in IT and in Sales; the review found her words in both managers' digests."""
    digests_read = played_demo.printed.split("What each manager read, as text")[1]
    assert digests_read.count("Logistics has been great this month.") == 1
