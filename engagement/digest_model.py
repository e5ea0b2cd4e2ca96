"""Plain data a manager's weekly digest shows; rules decide what is in it, views how it looks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from engagement.kudos_model import ValueInfo
from engagement.kudos_patterns import KudosPatterns
from engagement.reports import DeliveryProblem


@dataclass(frozen=True)
class DriverScore:
    driver: str  # engagement.pulse_bank.Driver value, e.g. "recognition"
    score: float  # 1-5 average this week
    previous: float | None  # last week's, for the arrow
    trend: tuple[float | None, ...]  # the last 12 weeks, oldest first; None: hidden, not asked


@dataclass(frozen=True)
class Enps:
    promoters: int
    passives: int
    detractors: int

    @property
    def score(self) -> int:
        total = self.promoters + self.passives + self.detractors
        return round(100 * (self.promoters - self.detractors) / total) if total else 0


@dataclass(frozen=True)
class TeamFlow:
    team_name: str  # the other team: the one thanking, or the one thanked
    kudos: int  # from one team to the other in the digest's week


@dataclass(frozen=True)
class ServiceRatingSummary:
    raters: int
    average: float
    previous: float | None
    comments: tuple[str, ...]


@dataclass(frozen=True)
class FeedbackSummary:
    """Only what the digest's reader has received; a thread counts in `open` or `resolved`."""

    new: int  # written since the week began
    open: int  # acknowledged or not, but not resolved
    resolved: int
    oldest_open_thread: str | None  # thread id for the "open it" button
    oldest_open_days: int | None


@dataclass(frozen=True)
class Suggestion:
    driver: str  # the weakest driver, or the only one shown
    remedy: str  # "plan" | "train" | "channels" | "recognize": the four remedies of CONTEXT.md
    lowest: bool = True  # False when "lowest" would mean nothing: one driver shown, or a tie


@dataclass(frozen=True)
class DigestData:
    team_name: str
    week_start: date
    invited: int
    answered: int
    previous_invited: int | None
    previous_answered: int | None
    k: int
    # None when the week is hidden: fewer than k answered, or differencing with an overlapping team
    drivers: tuple[DriverScore, ...] | None
    hidden_reason: str | None  # an anonymity.HIDDEN_REASONS entry, None when something is shown
    enps: Enps | None
    comments: tuple[str, ...]
    kudos_received: int
    kudos_given: int
    top_values: tuple[tuple[str, int], ...]  # (value key, kudos): the view names it
    thanked_by: tuple[TeamFlow, ...]  # teams that thanked this team most
    thanked: tuple[TeamFlow, ...]  # teams this team thanked most
    service: ServiceRatingSummary | None  # internal customers' ratings this month, None below k
    service_raters_short: int | None  # raters so far when below k (to say "3 of 5")
    feedback: FeedbackSummary
    suggestion: Suggestion | None
    kudos_per_week: tuple[int, ...] = field(default_factory=tuple)  # last 12 weeks, oldest first


@dataclass(frozen=True)
class DigestLetter:
    """One team's digest as its manager will read it: the reader's language and the values'
    names travel with the data, so the view can say everything in that language."""

    team_id: int
    manager_id: str
    lang: str
    data: DigestData
    values: tuple[ValueInfo, ...] = ()


@dataclass(frozen=True)
class TeamParticipation:
    team_name: str
    answered: int
    invited: int
    hidden_reason: str | None  # why the team's digest hides its scores this week, if it does


@dataclass(frozen=True)
class CompanyReport:
    """`/aplauso report`, for admins: head counts and kudos between teams, never scores."""

    participation: tuple[TeamParticipation, ...]  # last week, by team name
    flows: tuple[tuple[str, str, int], ...]  # (giving team, thanked team, kudos), four weeks
    k: int
    deliveries: tuple[DeliveryProblem, ...] = ()  # pulses and digests Slack did not take
    patterns: KudosPatterns = field(default_factory=KudosPatterns)  # pairs, sprees at the limit
