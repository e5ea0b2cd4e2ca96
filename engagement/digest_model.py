"""Plain data a manager's weekly digest shows; rules decide what is in it, views how it looks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class DriverScore:
    driver: str  # engagement.pulse_bank.Driver value, e.g. "recognition"
    score: float  # 1-5 average this week
    previous: float | None  # last week's, for the arrow
    trend: tuple[
        float | None, ...
    ]  # the last 12 weeks, oldest first; None where hidden or not asked


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
    team_name: str
    kudos: int


@dataclass(frozen=True)
class ServiceRatingSummary:
    raters: int
    average: float
    previous: float | None
    comments: tuple[str, ...]


@dataclass(frozen=True)
class FeedbackSummary:
    new: int
    open: int
    resolved: int
    oldest_open_thread: str | None  # thread id for the "open it" button
    oldest_open_days: int | None


@dataclass(frozen=True)
class Suggestion:
    driver: str  # the weakest driver
    remedy: str  # "plan" | "train" | "channels" | "recognize": the four remedies of CONTEXT.md


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
    hidden_reason: str | None  # "threshold" | "overlap" | None
    enps: Enps | None
    comments: tuple[str, ...]
    kudos_received: int
    kudos_given: int
    top_values: tuple[
        tuple[str, int], ...
    ]  # (value label with emoji, count), localized by the caller
    thanked_by: tuple[TeamFlow, ...]  # teams that thanked this team most
    thanked: tuple[TeamFlow, ...]  # teams this team thanked most
    service: ServiceRatingSummary | None  # internal customers' ratings this month, None below k
    service_raters_short: int | None  # raters so far when below k (to say "3 of 5")
    feedback: FeedbackSummary
    suggestion: Suggestion | None
    kudos_per_week: tuple[int, ...] = field(default_factory=tuple)  # last 12 weeks, oldest first
