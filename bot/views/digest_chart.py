"""The digest's chart: how the team felt over the last 12 weeks, and the kudos it received.

Drawn with matplotlib's object API (`Figure` and the Agg canvas), never pyplot: pyplot keeps a
global current figure and picks a GUI backend, which is neither thread-safe in a server's
worker threads nor needed to write a PNG. The same anonymity rule as the message holds: on a
hidden week the drivers' panel says why, and draws nothing from the answers.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from datetime import timedelta
from io import BytesIO
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.i18n import t
from bot.views.digest_text import (
    SCALE_MAX,
    SCALE_MIN,
    TREND_WEEKS,
    driver_name,
    header_text,
    hidden_message,
)
from engagement.anonymity import SHOWN_DECIMALS
from engagement.digest_model import DigestData

WIDTH_IN, HEIGHT_IN, DPI = 9, 6, 100  # 900 × 600 pixels
BAR_COLOR = "#e07a5f"
MESSAGE_COLOR = "#555555"
WRAP_CHARS = 70


def _safe(text: str) -> str:
    """Text shown as is: a `$` in a team name must not switch matplotlib to math mode."""
    return text.replace("$", r"\$")


def _last_weeks(values: Sequence[float | None]) -> list[float]:
    """The last TREND_WEEKS values, oldest first, padded on the left; NaN leaves a gap.

    Plotted at the one decimal the text shows: a finer line would tell more than the digest
    says, enough to subtract one team's sums from another's."""
    recent = [
        math.nan if value is None else round(float(value), SHOWN_DECIMALS) for value in values
    ][-TREND_WEEKS:]
    return [math.nan] * (TREND_WEEKS - len(recent)) + recent


def _week_labels(data: DigestData) -> list[str]:
    weeks = [data.week_start - timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)]
    return [week.strftime("%m-%d") for week in weeks]


def _message(axes: Any, text: str) -> None:
    axes.text(
        0.5,
        0.5,
        _safe(textwrap.fill(text, WRAP_CHARS)),
        ha="center",
        va="center",
        fontsize=11,
        color=MESSAGE_COLOR,
        transform=axes.transAxes,
    )
    axes.set_xticks([])
    axes.set_yticks([])


def render_chart(data: DigestData, lang: str) -> bytes:
    """A 900 × 600 PNG: the drivers over 12 weeks on top, kudos per week below."""
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    drivers_axes, kudos_axes = figure.subplots(2, 1, height_ratios=[3, 2])
    figure.suptitle(_safe(header_text(data, lang)), fontsize=13)
    positions = list(range(TREND_WEEKS))
    labels = _week_labels(data)

    drivers_axes.set_title(_safe(t(lang, "digest.chart.drivers_title")), fontsize=11)
    if data.drivers is None:
        _message(drivers_axes, hidden_message(data, lang))
    elif not data.drivers:
        _message(drivers_axes, t(lang, "digest.chart.no_drivers"))
    else:
        for score in data.drivers:
            drivers_axes.plot(
                positions,
                _last_weeks(score.trend),
                marker="o",
                markersize=3,
                linewidth=1.6,
                label=_safe(driver_name(score.driver, lang)).lstrip("_"),
            )
        drivers_axes.set_ylim(SCALE_MIN - 0.2, SCALE_MAX + 0.2)
        drivers_axes.set_yticks([1, 2, 3, 4, 5])
        drivers_axes.set_xticks(positions, labels, fontsize=8)
        drivers_axes.set_xlim(-0.5, TREND_WEEKS - 0.5)
        drivers_axes.grid(axis="y", alpha=0.3)
        # A figure legend outside the axes shrinks both panels alike, so their weeks line up.
        figure.legend(loc="outside right upper", fontsize=8, frameon=False)

    kudos = [max(int(count), 0) for count in data.kudos_per_week][-TREND_WEEKS:]
    kudos = [0] * (TREND_WEEKS - len(kudos)) + kudos
    kudos_axes.set_title(_safe(t(lang, "digest.chart.kudos_title")), fontsize=11)
    kudos_axes.bar(positions, kudos, color=BAR_COLOR, width=0.7)
    kudos_axes.set_xticks(positions, labels, fontsize=8)
    kudos_axes.set_xlim(-0.5, TREND_WEEKS - 0.5)
    kudos_axes.set_xlabel(_safe(t(lang, "digest.chart.week_axis")), fontsize=9)
    kudos_axes.set_ylim(0, max(*kudos, 1) * 1.15)
    kudos_axes.yaxis.get_major_locator().set_params(integer=True)
    kudos_axes.grid(axis="y", alpha=0.3)

    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
