"""How the digest, its chart and the company report write figures: scores, arrows, trends.

Small pure functions, shared so the three surfaces say the same thing the same way.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from datetime import date

from babel.dates import format_date

from bot.i18n import t
from bot.views.blocks import clip
from engagement.anonymity import HIDDEN_REASONS, THRESHOLD
from engagement.digest_model import DigestData
from engagement.language import SUPPORTED_LANGUAGES
from engagement.pulse_bank import Driver

TREND_WEEKS = 12
SPARK_LEVELS = "▁▂▃▄▅▆▇█"
SPARK_GAP = "·"
ARROW_UP, ARROW_DOWN, ARROW_FLAT = "↑", "↓", "→"
SCORE_STEP = 0.1
"""A score must move by at least this much (one shown decimal) to earn an up or down arrow."""
SCALE_MIN, SCALE_MAX = 1.0, 5.0
TEAM_SHOWN_MAX = 80

DRIVERS = tuple(driver.value for driver in Driver if driver is not Driver.ENPS)


def driver_name(driver: str, lang: str) -> str:
    """A driver's localized name; an unknown one is shown as its key, readably."""
    if driver in DRIVERS:
        return t(lang, f"digest.driver.{driver}")
    return driver.replace("_", " ").strip().capitalize() or driver


def decimal(value: float, lang: str) -> str:
    """One decimal with the reader's separator: 4.2 in English, 4,2 in Spanish."""
    return f"{value:.1f}".replace(".", t(lang, "digest.decimal_separator"))


def format_score(value: float, lang: str) -> str:
    """`4.2 / 5`."""
    return t(lang, "digest.score", score=decimal(value, lang))


def trend_arrow(current: float, previous: float | None, step: float = SCORE_STEP) -> str | None:
    """↑ or ↓ when the score moved by at least `step`, → when it held, None with nothing to
    compare. Rounded first, so that 4.3 after 4.2 counts as a move despite binary floats."""
    if previous is None:
        return None
    delta = round(current - previous, 2)
    if delta >= step:
        return ARROW_UP
    if delta <= -step:
        return ARROW_DOWN
    return ARROW_FLAT


def sign_arrow(delta: int) -> str:
    return ARROW_UP if delta > 0 else ARROW_DOWN if delta < 0 else ARROW_FLAT


def sparkline(values: Sequence[float | None], weeks: int = TREND_WEEKS) -> str:
    """The last `weeks` values as `▁▂▃▄▅▆▇█` on the fixed 1-5 scale, `·` where a week is missing.

    A fixed scale rather than each line's own minimum and maximum, so that 4.0 to 4.2 looks as
    small as it is. Shorter histories are padded on the left, so lines stay aligned by week.
    """
    recent: list[float | None] = list(values)[-weeks:] if weeks > 0 else []
    gaps: list[float | None] = [None] * (weeks - len(recent))
    marks = []
    for value in gaps + recent:
        if value is None or math.isnan(value):
            marks.append(SPARK_GAP)
            continue
        share = (min(max(value, SCALE_MIN), SCALE_MAX) - SCALE_MIN) / (SCALE_MAX - SCALE_MIN)
        marks.append(SPARK_LEVELS[int(share * (len(SPARK_LEVELS) - 1) + 0.5)])
    return "".join(marks)


def percent(part: int, whole: int) -> int:
    """A whole percentage, rounded half up; 0 when nobody was invited."""
    return int(100 * part / whole + 0.5) if whole > 0 else 0


def signed(value: int) -> str:
    """`+40`, `-15`, `0`: how eNPS is usually written."""
    return f"{value:+d}" if value else "0"


def hidden_message(data: DigestData, lang: str) -> str:
    """Why this week's answers are not shown, in plain words."""
    reason = data.hidden_reason
    if reason not in HIDDEN_REASONS:
        reason = THRESHOLD if data.answered < data.k else "other"
    return t(lang, f"digest.hidden.{reason}", count=data.answered, k=data.k)


def long_date(day: date, lang: str) -> str:
    """`November 23, 2026` / `23 de noviembre de 2026`: how each language writes a date."""
    return str(format_date(day, "long", locale=lang if lang in SUPPORTED_LANGUAGES else "en"))


def short_date(day: date, lang: str) -> str:
    """`23 Nov` / `23 nov`, for the chart's weeks."""
    return str(format_date(day, "d MMM", locale=lang if lang in SUPPORTED_LANGUAGES else "en"))


def header_text(data: DigestData, lang: str) -> str:
    """`Logistics · week of November 23, 2026`, plain text (Slack headers and chart titles)."""
    team = clip(" ".join(data.team_name.split()), TEAM_SHOWN_MAX)
    return t(lang, "digest.header", team=team, date=long_date(data.week_start, lang))


def plain_safe(text: str) -> str:
    """Text for a terminal: control characters (escape sequences included) become spaces."""
    return "".join(
        char if char == "\n" or unicodedata.category(char) != "Cc" else " " for char in text
    )
