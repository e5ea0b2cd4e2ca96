"""What a result may show without exposing anyone: the rules alone, no database, table by table."""

from __future__ import annotations

from datetime import date

import pytest

from engagement import anonymity
from engagement.anonymity import OVERLAP, THRESHOLD, OpenThread, ThreadCount
from engagement.digest_model import Enps, FeedbackSummary, ServiceRatingSummary

K = 5
IT = {f"U{n}" for n in range(6)}
PLATFORM = {f"U{n}" for n in range(5)}  # IT minus one person
SALES = {"S1", "S2", "S3", "S4", "S5", "S6"}


@pytest.mark.parametrize(
    ("respondents", "members", "expected"),
    [
        # the threshold: k answers and up are shown
        ({1: 5, 2: 4}, {1: IT, 2: SALES}, {1: None, 2: THRESHOLD}),
        # a team with members and no answers at all
        ({}, {1: IT}, {1: THRESHOLD}),
        # overlapping teams 1 to k-1 apart: the smaller one would give the others away
        ({1: 6, 2: 5}, {1: IT, 2: PLATFORM}, {1: None, 2: OVERLAP}),
        ({1: 5, 2: 9}, {1: PLATFORM, 2: IT}, {1: OVERLAP, 2: None}),
        # the same count, or k and more apart: subtracting tells nothing about fewer than k
        ({1: 6, 2: 6}, {1: IT, 2: PLATFORM}, {1: None, 2: None}),
        ({1: 10, 2: 5}, {1: IT, 2: PLATFORM}, {1: None, 2: None}),
        # teams that share nobody are never compared
        ({1: 6, 2: 5}, {1: IT, 2: SALES}, {1: None, 2: None}),
        # a team hidden by the threshold does not hide its neighbour
        ({1: 6, 2: 3}, {1: IT, 2: PLATFORM}, {1: None, 2: THRESHOLD}),
        # once hidden, a team is not compared again: both smaller neighbours go
        ({1: 10, 2: 9, 3: 8}, {1: IT, 2: IT, 3: IT}, {1: None, 2: OVERLAP, 3: OVERLAP}),
    ],
)
def test_a_teams_week_is_shown_only_at_k_and_when_no_neighbour_gives_it_away(
    respondents: dict[int, int], members: dict[int, set[str]], expected: dict[int, str | None]
) -> None:
    assert anonymity.week_visibility(respondents, members, K) == expected


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        ([(5, 20)], 4.0),
        ([(4, 16)], None),  # fewer than k answered the driver's only question
        ([(5, 20), (3, 3)], 4.0),  # the question three answered counts nowhere
        ([(5, 20), (6, 18)], 3.45),  # 38 / 11, to two decimals
        ([], None),
    ],
)
def test_a_driver_averages_only_the_questions_k_people_answered(
    questions: list[tuple[int, int]], expected: float | None
) -> None:
    assert anonymity.driver_average(questions, K) == expected


@pytest.mark.parametrize(
    ("counts", "week_shown", "expected"),
    [
        ((3, 1, 1), True, Enps(3, 1, 1)),
        ((3, 1, 1), False, None),  # a hidden week hides its eNPS too
        ((2, 1, 1), True, None),  # four eNPS answers in a shown week
        (None, True, None),
    ],
)
def test_enps_needs_a_shown_week_and_k_answers(
    counts: tuple[int, int, int] | None, week_shown: bool, expected: Enps | None
) -> None:
    assert anonymity.enps(counts, K, week_shown=week_shown) == expected


def test_comments_follow_their_weeks_answers() -> None:
    assert anonymity.comments(["More hands"], week_shown=True) == ("More hands",)
    assert anonymity.comments(["More hands"], week_shown=False) == ()


@pytest.mark.parametrize(
    ("month", "last_month", "expected"),
    [
        ((5, 4.2), (5, 3.8), (ServiceRatingSummary(5, 4.2, 3.8, ("Quick",)), None)),
        ((5, 4.2), (4, 3.8), (ServiceRatingSummary(5, 4.2, None, ("Quick",)), None)),
        ((5, 4.2), None, (ServiceRatingSummary(5, 4.2, None, ("Quick",)), None)),
        ((3, 4.0), (9, 3.0), (None, 3)),  # short of k: only how many rated so far
        (None, (9, 3.0), (None, None)),  # nobody rated yet: nothing to say
    ],
)
def test_service_ratings_are_shown_from_k_raters(
    month: tuple[int, float] | None,
    last_month: tuple[int, float] | None,
    expected: tuple[ServiceRatingSummary | None, int | None],
) -> None:
    assert anonymity.service_rating(month, last_month, ["Quick"], K) == expected


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
