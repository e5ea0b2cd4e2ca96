"""What a result may show without exposing anyone: the rules alone, no database, table by table."""

from __future__ import annotations

import random
from datetime import date

import pytest

from engagement import anonymity, isolation
from engagement.anonymity import (
    OTHER,
    OVERLAP,
    THRESHOLD,
    Comment,
    OpenThread,
    PulseWeek,
    ThreadCount,
)
from engagement.digest_model import Enps, FeedbackSummary, ServiceRatingSummary

K = 5
Q = "recognition_valued"


def people(prefix: str, count: int) -> frozenset[str]:
    return frozenset(f"{prefix}{n}" for n in range(count))


CORE = people("core", 5)
BACKEND, FRONTEND = people("back", 5), people("front", 5)
IT = people("it", 5) | {"emma"}
SALES = people("sales", 5) | {"emma"}


def week(members: dict[int, frozenset[str]], answered: dict[int, int]) -> PulseWeek:
    """One question, answered by `answered[team]` people of each team."""
    return PulseWeek(members, {(team, Q): n for team, n in answered.items()})


@pytest.mark.parametrize(
    ("members", "answered", "expected"),
    [
        # the threshold: k answers and up are shown; a team with members and no answers
        ({1: IT, 2: SALES, 3: CORE}, {1: 5, 2: 4}, {1: None, 2: THRESHOLD, 3: THRESHOLD}),
        # teams that share nobody never weigh on each other
        ({1: people("a", 6), 2: people("b", 5)}, {1: 6, 2: 5}, {1: None, 2: None}),
        # one person apart (IT minus one): the smaller would give that person away
        ({1: CORE | {"x"}, 2: CORE}, {1: 6, 2: 5}, {1: None, 2: OVERLAP}),
        # equal counts, one person different each way: subtracting compares those two
        ({1: CORE | {"e"}, 2: CORE | {"b"}}, {1: 6, 2: 6}, {1: None, 2: OVERLAP}),
        # k or more apart: a difference of k people is itself a group of k
        ({1: CORE | people("x", 5), 2: CORE}, {1: 10, 2: 5}, {1: None, 2: None}),
        # a parent over two sub-teams plus its lead: the third group would single out the lead
        (
            {1: BACKEND | FRONTEND | {"lead"}, 2: BACKEND, 3: FRONTEND},
            {1: 11, 2: 5, 3: 5},
            {1: None, 2: None, 3: OVERLAP},
        ),
        # a parent exactly made of its sub-teams: its figures are their sum, nothing new
        (
            {1: BACKEND | FRONTEND, 2: BACKEND, 3: FRONTEND},
            {1: 10, 2: 5, 3: 5},
            {1: None, 2: None, 3: None},
        ),
        # two teams sharing one person, as in the demo (IT and Sales share Emma): safe
        ({1: IT, 2: SALES}, {1: 5, 2: 5}, {1: None, 2: None}),
        # the same people in two teams: the same figures twice
        ({1: CORE, 2: CORE}, {1: 5, 2: 5}, {1: None, 2: None}),
        # more answers than the frozen membership holds: cannot be judged, not shown
        ({1: CORE}, {1: 6}, {1: OTHER}),
    ],
)
def test_a_teams_week_is_shown_only_when_no_combination_of_shown_teams_singles_anyone_out(
    members: dict[int, frozenset[str]], answered: dict[int, int], expected: dict[int, str | None]
) -> None:
    assert reasons(week(members, answered)) == expected


def reasons(pulse: PulseWeek) -> dict[int, str | None]:
    return anonymity.week_visibility(pulse, K, anonymity.shown_groups(pulse, K))


def test_whether_some_of_the_pair_answered_changes_nothing_the_counts_cannot_rule_out() -> None:
    """A = core + e and B = core + b, 5 answers each: the counts allow e answering and b not
    (then A - B is e's score), so one of them is hidden even though it may not be the case."""
    members = {1: CORE | {"e"}, 2: CORE | {"b"}}
    assert reasons(week(members, {1: 5, 2: 5})) == {1: None, 2: OVERLAP}


def test_each_question_is_judged_on_its_own() -> None:
    """One person apart, but never both at k on the same question: nothing to subtract."""
    members = {1: CORE | {"x"}, 2: CORE}
    counts = {(1, Q): 6, (2, Q): 3, (1, "q2"): 3, (2, "q2"): 5}
    assert anonymity.shown_groups(PulseWeek(members, counts), K) == {(1, Q), (2, "q2")}
    both = PulseWeek(members, {**counts, (2, Q): 5})  # both at k on Q: one of them must go
    assert anonymity.shown_groups(both, K) == {(1, Q), (2, "q2")}
    only_q = PulseWeek(members, {(1, Q): 6, (2, Q): 5})
    assert reasons(only_q) == {1: None, 2: OVERLAP}


def test_a_count_that_may_still_grow_is_not_shown_and_what_was_shown_stays() -> None:
    members = {1: CORE | {"x"}, 2: CORE}
    early = PulseWeek(members, {(1, Q): 5, (2, Q): 5}, final=frozenset({(2, Q)}))
    first = anonymity.shown_groups(early, K)
    assert first == {(2, Q)}
    assert anonymity.week_visibility(early, K, first) == {1: "counting", 2: None}
    # later x's answer is counted: showing the whole team too would single x out
    late = PulseWeek(members, {(1, Q): 6, (2, Q): 5})
    assert anonymity.shown_groups(late, K, first) == {(2, Q)}
    assert anonymity.week_visibility(late, K, first) == {1: OVERLAP, 2: None}


def comment(text: str, *teams: int) -> Comment:
    return Comment(Q, frozenset(teams), text)


def test_a_comment_filed_under_two_teams_is_shown_once() -> None:
    demo = week({1: IT, 2: SALES}, {1: 5, 2: 5})
    shown = anonymity.route_comments(
        demo,
        anonymity.shown_groups(demo, K),
        K,
        [comment("Logistics has been great", 1, 2), comment("VPN", 1), comment("Orders", 2)],
        salt="secret",
    )
    everywhere = [text for texts in shown.values() for text in texts]
    assert sorted(everywhere) == ["Logistics has been great", "Orders", "VPN"]
    assert shown[1].count("VPN") == 1
    assert "Orders" in shown[2]


def test_a_shared_comment_goes_to_the_smallest_team_when_that_keeps_k_possible_authors() -> None:
    parent = week({1: BACKEND | FRONTEND | people("lead", 5), 2: BACKEND}, {1: 15, 2: 5})
    shown_groups = anonymity.shown_groups(parent, K)
    assert shown_groups == {(1, Q), (2, Q)}
    shown = anonymity.route_comments(
        parent, shown_groups, K, [comment("More hands", 1, 2), comment("Roadmap", 1)]
    )
    assert shown == {2: ("More hands",), 1: ("Roadmap",)}


def test_a_comment_filed_under_one_of_its_writers_teams_is_shown_there() -> None:
    """The ballot box files a comment under one of its writer's teams, picked at random: any
    of that team's people may have written it."""
    parent = week({1: BACKEND | FRONTEND | {"lead"}, 2: BACKEND}, {1: 11, 2: 5})
    shown = anonymity.route_comments(
        parent, anonymity.shown_groups(parent, K), K, [comment("Sprint too long", 1)]
    )
    assert shown == {1: ("Sprint too long",)}


def test_no_comment_from_a_team_or_question_that_is_not_shown() -> None:
    small = week({1: CORE, 2: people("legal", 3)}, {1: 5, 2: 3})
    shown = anonymity.route_comments(
        small,
        anonymity.shown_groups(small, K),
        K,
        [comment("Templates?", 2), Comment("other_q", frozenset({1}), "Hm")],
    )
    assert shown == {}


def test_where_a_shared_comment_may_go_never_leaves_fewer_than_k_possible_authors() -> None:
    demo = week({1: IT, 2: SALES}, {1: 5, 2: 5})
    places = anonymity.comment_places({t: demo.group(t, Q) for t in (1, 2)}, K)
    # Emma answering would leave 4 possible authors of Sales-only comments if hers always
    # went to IT: so hers may go to either, decided in secret
    assert places[frozenset({1, 2})] == (1, 2)
    assert places[frozenset({1})] == (1,)
    assert places[frozenset({2})] == (2,)


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        ([(5, 20)], 4.0),
        ([(4, 16)], None),  # fewer than k answered the driver's only question
        ([(1, 1)], None),  # one answer never makes a driver, let alone the lowest
        ([(5, 20), (3, 3)], 4.0),  # the question three answered counts nowhere
        ([(5, 20), (6, 18)], 3.5),  # 38 / 11, to the one decimal the digest shows
        ([], None),
    ],
)
def test_a_driver_averages_only_the_questions_k_people_answered(
    questions: list[tuple[int, int]], expected: float | None
) -> None:
    assert anonymity.driver_average(questions, K) == expected


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({"workload": 3.1, "growth": 3.8}, "workload"),
        ({"workload": 3.1}, None),  # the only driver shown is not "the lowest"
        ({"workload": 3.1, "growth": 3.1, "manager": 4.0}, None),  # a tie: no lowest
        ({}, None),
    ],
)
def test_lowest_is_said_only_when_it_means_something(
    scores: dict[str, float], expected: str | None
) -> None:
    assert anonymity.weakest(scores) == expected


@pytest.mark.parametrize(
    ("counts", "shown", "expected"),
    [
        ((3, 1, 1), True, Enps(3, 1, 1)),
        ((3, 1, 1), False, None),  # a hidden week hides its eNPS too
        ((2, 1, 1), True, None),  # four eNPS answers in a shown week
        (None, True, None),
    ],
)
def test_enps_needs_a_shown_week_and_k_answers(
    counts: tuple[int, int, int] | None, shown: bool, expected: Enps | None
) -> None:
    assert anonymity.enps(counts, K, shown=shown) == expected


@pytest.mark.parametrize(
    ("month", "last_month", "expected"),
    [
        ((5, 4.2), (5, 3.8), (ServiceRatingSummary(5, 4.2, 3.8, ("Quick",)), None)),
        ((5, 4.2), (4, 3.8), (ServiceRatingSummary(5, 4.2, None, ("Quick",)), None)),
        ((5, 4.2), None, (ServiceRatingSummary(5, 4.2, None, ("Quick",)), None)),
        ((6, 4.1666), None, (ServiceRatingSummary(6, 4.2, None, ("Quick",)), None)),
        ((3, 4.0), (9, 3.0), (None, 3)),  # short of k: only how many rated so far
        (None, (9, 3.0), (None, None)),  # nobody rated yet: nothing to say
    ],
)
def test_service_ratings_are_shown_from_k_raters_each_comment_once(
    month: tuple[int, float] | None,
    last_month: tuple[int, float] | None,
    expected: tuple[ServiceRatingSummary | None, int | None],
) -> None:
    assert anonymity.service_rating(month, last_month, ["Quick", "Quick", " "], K) == expected


MANAGER, ADMIN = "U16PRIYA", "U01ADMIN"
MONDAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("counts", "waiting", "expected"),
    [
        (
            [
                ThreadCount(MANAGER, "open", True, 2, 1),
                ThreadCount(MANAGER, "acknowledged", True, 1, 0),
                ThreadCount(MANAGER, "resolved", True, 4, 1),
            ],
            [OpenThread(MANAGER, "fb1", date(2026, 11, 21), True)],
            FeedbackSummary(2, 3, 4, "fb1", 9),
        ),
        # still held back for delivery: the digest must not announce it first
        (
            [ThreadCount(MANAGER, "open", False, 1, 1)],
            [OpenThread(MANAGER, "late", date(2026, 11, 27), False)],
            FeedbackSummary(0, 0, 0, None, None),
        ),
        # addressed to someone else (the admins, a former manager): not this reader's
        (
            [ThreadCount(ADMIN, "open", True, 1, 1), ThreadCount(MANAGER, "resolved", True, 2, 0)],
            [
                OpenThread(ADMIN, "theirs", date(2026, 11, 1), True),
                OpenThread(MANAGER, "mine", date(2026, 11, 29), True),
            ],
            FeedbackSummary(0, 0, 2, "mine", 1),
        ),
    ],
)
def test_feedback_counts_only_what_its_reader_has_received(
    counts: list[ThreadCount], waiting: list[OpenThread], expected: FeedbackSummary
) -> None:
    assert anonymity.feedback_summary(MANAGER, counts, waiting, MONDAY) == expected


def test_the_teams_a_team_would_join_are_those_a_walk_through_shared_people_finds() -> None:
    """`shown_groups` keeps the shown teams in clusters as it adds them; the cluster a team
    would join must be exactly what walking from it through shared people finds
    (`isolation.clusters`), or a group would be judged apart from one it can be combined with."""
    rng = random.Random(13)
    for _ in range(200):
        everyone = [f"p{n}" for n in range(rng.randint(2, 60))]
        teams = {
            t: frozenset(rng.sample(everyone, rng.randint(1, min(8, len(everyone)))))
            for t in range(1, 15)
        }
        pulse = week(teams, {t: 1 for t in teams})
        order = list(teams)
        rng.shuffle(order)
        showing = anonymity._Showing(pulse, [])
        for team in order:
            shown = [t for t in teams if t in showing]
            groups = {t: pulse.group(t, Q) for t in [*shown, team]}
            assert showing.linked(team) == isolation.clusters(groups, team)
            if rng.random() < 0.7:
                showing.add(team)
