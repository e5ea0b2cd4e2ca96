"""What a result may show without exposing anyone: the one module every result path asks.

Pure rules, no database: the digest service gathers counts and sums, then asks here what of them
a manager (the digest) or an admin (the company report) may read. By kind of result:

* pulse answers (driver scores, their 12-week trend, eNPS, comments): a team's week is shown
  only when at least k people answered, and not when it overlaps another shown team whose
  respondent count differs by 1 to k-1 (subtracting one group's figures from the other's would
  expose those few people). Within a shown week a question counts only when k or more answered
  it, and eNPS only with k or more eNPS answers. Every week of the trend is judged alike.
* internal customers' service ratings and their comments: a month with k raters or more; below
  that, only how many have rated so far (a head count tells nobody's score).
* anonymous feedback counts: only threads their reader has received. Feedback can be held back
  for a random while so its arrival cannot be matched with a moment; a digest announcing it
  early would undo that, and a thread addressed to someone else (the admins, a former manager)
  is not this reader's to count.
* kudos counts, values and flows between teams, and participation counts: kudos are signed acts
  their receivers see, and a head count of who answered says nothing of what anyone answered,
  so these are shown as counted, at any size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from typing import NamedTuple

from engagement.digest_model import Enps, FeedbackSummary, ServiceRatingSummary

THRESHOLD = "threshold"
OVERLAP = "overlap"
HIDDEN_REASONS = (THRESHOLD, OVERLAP)


def week_visibility(
    respondents: Mapping[int, int], members: Mapping[int, Collection[str]], k: int
) -> dict[int, str | None]:
    """Each team's reason to hide one week's answers (`threshold`, `overlap`), None if shown.

    Covers every team in either mapping. Overlap is checked only for pairs of teams that share
    someone, so the cost grows with memberships, not with the square of the number of teams.
    """
    reasons: dict[int, str | None] = {
        team: None if respondents.get(team, 0) >= k else THRESHOLD
        for team in {*respondents, *members}
    }
    teams_of: dict[str, list[int]] = defaultdict(list)
    for team in sorted(t for t, reason in reasons.items() if reason is None):
        for user_id in members.get(team, ()):
            teams_of[user_id].append(team)
    pairs = sorted({(a, b) for teams in teams_of.values() for a in teams for b in teams if a < b})
    for a, b in pairs:
        if reasons[a] or reasons[b]:
            continue
        if 1 <= abs(respondents[a] - respondents[b]) <= k - 1:
            reasons[a if respondents[a] < respondents[b] else b] = OVERLAP
    return reasons


def driver_average(questions: Iterable[tuple[int, int]], k: int) -> float | None:
    """A driver's average over its questions (answers, sum of scores) that k or more answered,
    to two decimals; None when no question reached k."""
    counted = [(answers, total) for answers, total in questions if answers >= k]
    answers = sum(n for n, _ in counted)
    return round(sum(total for _, total in counted) / answers, 2) if answers else None


def enps(counts: tuple[int, int, int] | None, k: int, *, week_shown: bool) -> Enps | None:
    """Promoters, passives and detractors, only in a shown week with k or more eNPS answers."""
    if counts is None or not week_shown or sum(counts) < k:
        return None
    return Enps(*counts)


def comments(texts: Sequence[str], *, week_shown: bool) -> tuple[str, ...]:
    """What people wrote with their answers, only when the week's answers are shown."""
    return tuple(texts) if week_shown else ()


def service_rating(
    month: tuple[int, float] | None,
    last_month: tuple[int, float] | None,
    texts: Sequence[str],
    k: int,
) -> tuple[ServiceRatingSummary | None, int | None]:
    """(ratings shown, raters so far when short of k). `month` and `last_month` are
    (raters, average); last month's average is compared with only when it had k raters too."""
    raters, average = month or (0, 0.0)
    if raters < k:
        return None, raters or None
    previous = last_month[1] if last_month is not None and last_month[0] >= k else None
    return ServiceRatingSummary(raters, average, previous, tuple(texts)), None


class ThreadCount(NamedTuple):
    recipient: str  # who the threads were addressed to
    status: str  # open | acknowledged | resolved
    delivered: bool
    threads: int
    new: int  # of them, written since the week began


class OpenThread(NamedTuple):
    recipient: str
    thread_id: str
    created_on: date
    delivered: bool


def feedback_summary(
    reader: str, counts: Iterable[ThreadCount], waiting: Iterable[OpenThread], day: date
) -> FeedbackSummary:
    """The feedback `reader` has received, counted; the oldest one still waiting for an answer
    (`waiting` oldest first) is told in days as of `day`."""
    totals: dict[str, int] = defaultdict(int)
    for row in counts:
        if row.delivered and row.recipient == reader:
            totals[row.status] += row.threads
            totals["new"] += row.new
    oldest = next((t for t in waiting if t.delivered and t.recipient == reader), None)
    return FeedbackSummary(
        new=totals["new"],
        open=totals["open"] + totals["acknowledged"],
        resolved=totals["resolved"],
        oldest_open_thread=oldest.thread_id if oldest else None,
        oldest_open_days=(day - oldest.created_on).days if oldest else None,
    )
