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
    decimal,
    driver_name,
    header_text,
    hidden_message,
    short_date,
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


def _week_labels(data: DigestData, lang: str) -> list[str]:
    weeks = [data.week_start - timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)]
    return [short_date(week, lang) for week in weeks]


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


LINE_STYLES = ("-", "--", ":", "-.")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
SPREAD, SPREAD_MAX = 0.15, 0.6
"""Weeks apart each driver's points are drawn from the next, so equal scores sit side by side
(all of them within SPREAD_MAX, so a week's points stay over its label)."""
LABEL_STEP_PT = 9
LABEL_ROOM = 0.5
"""Weeks of room on the right of both panels (kept alike so weeks line up) for the labels."""


def _latest(values: Sequence[float]) -> tuple[int, float] | None:
    """The last week with a value, and the value."""
    for index in range(len(values) - 1, -1, -1):
        if not math.isnan(values[index]):
            return index, values[index]
    return None


def _draw_drivers(figure: Figure, axes: Any, data: DigestData, lang: str) -> None:
    """One line per driver. Lines that coincide stay visible: each has its own dash and
    marker and is nudged sideways a little; the latest score of each is written beside it,
    stacked when two are equal."""
    drivers = data.drivers or ()
    step = min(SPREAD, SPREAD_MAX / max(len(drivers) - 1, 1))
    right = (len(drivers) - 1) / 2 * step
    taken: dict[tuple[int, float], int] = {}
    for index, score in enumerate(drivers):
        values = _last_weeks(score.trend)
        nudge = (index - (len(drivers) - 1) / 2) * step
        (line,) = axes.plot(
            [week + nudge for week in range(TREND_WEEKS)],
            values,
            linestyle=LINE_STYLES[index % len(LINE_STYLES)],
            marker=MARKERS[index % len(MARKERS)],
            markersize=6,
            markerfacecolor="white",
            markeredgewidth=1.6,
            linewidth=1.6,
            label=_safe(driver_name(score.driver, lang)).lstrip("_"),
        )
        latest = _latest(values)
        if latest is None:
            continue
        stacked = taken.get(latest, 0)
        taken[latest] = stacked + 1
        axes.annotate(
            decimal(latest[1], lang),
            (latest[0] + right, latest[1]),
            xytext=(6, -3 + LABEL_STEP_PT * stacked),
            textcoords="offset points",
            fontsize=8,
            color=line.get_color(),
        )
    axes.set_ylim(SCALE_MIN - 0.2, SCALE_MAX + 0.4)
    axes.set_yticks([1, 2, 3, 4, 5])
    axes.set_ylabel(_safe(t(lang, "digest.chart.value_axis")), fontsize=9)
    axes.grid(axis="y", alpha=0.3)
    # A figure legend outside the axes shrinks both panels alike, so their weeks line up.
    figure.legend(loc="outside right upper", fontsize=8, frameon=False)


def _draw_kudos(axes: Any, data: DigestData, lang: str) -> None:
    """Kudos the team received each week, each bar labelled with its count."""
    kudos = [max(int(count), 0) for count in data.kudos_per_week][-TREND_WEEKS:]
    kudos = [0] * (TREND_WEEKS - len(kudos)) + kudos
    axes.set_title(_safe(t(lang, "digest.chart.kudos_title")), fontsize=11)
    bars = axes.bar(range(TREND_WEEKS), kudos, color=BAR_COLOR, width=0.7)
    axes.bar_label(bars, labels=[str(count) if count else "" for count in kudos], fontsize=8)
    axes.set_xlabel(_safe(t(lang, "digest.chart.week_axis")), fontsize=9)
    axes.set_ylabel(_safe(t(lang, "digest.chart.kudos_axis")), fontsize=9)
    axes.set_ylim(0, max(*kudos, 1) * 1.25)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.grid(axis="y", alpha=0.3)


def chart_figure(data: DigestData, lang: str) -> Figure:
    """The chart as a matplotlib figure: the drivers over 12 weeks on top, kudos below."""
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    drivers_axes, kudos_axes = figure.subplots(2, 1, height_ratios=[3, 2])
    figure.suptitle(_safe(header_text(data, lang)), fontsize=13)
    drivers_axes.set_title(_safe(t(lang, "digest.chart.drivers_title")), fontsize=11)
    if data.drivers is None:
        _message(drivers_axes, hidden_message(data, lang))
    elif not data.drivers:
        _message(drivers_axes, t(lang, "digest.chart.no_drivers"))
    else:
        _draw_drivers(figure, drivers_axes, data, lang)
    _draw_kudos(kudos_axes, data, lang)
    labels = _week_labels(data, lang)
    for axes in (drivers_axes, kudos_axes):
        if data.drivers or axes is kudos_axes:
            axes.set_xticks(range(TREND_WEEKS), labels, fontsize=8)
        axes.set_xlim(-0.5, TREND_WEEKS - 0.5 + LABEL_ROOM)
    return figure


def render_chart(data: DigestData, lang: str) -> bytes:
    """A 900 × 600 PNG of `chart_figure`."""
    buffer = BytesIO()
    chart_figure(data, lang).savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
